"""Reads of the town portal: the sections of the home page in the visitor's language, what the home page lists,
the procedure guide by category, and the pages whose translation is missing or late."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import get_language
from wagtail.models import Locale, Page, Site

from cms.models import (
    ContactPage,
    CouncilIndexPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    OfficeIndexPage,
    ProcedureIndexPage,
    ProcedurePage,
    RecruitmentIndexPage,
)
from platform_core.eservices.definitions import offered_by


def portal_language() -> str:
    return "ar" if (get_language() or "ar").startswith("ar") else "fr"


# --- the sections of the portal ---------------------------------------------------------------------------------

@dataclass
class Sections:
    """The home page in the active language and its section pages (None where the commune has not made one)."""

    home: HomePage | None = None
    procedures: ProcedureIndexPage | None = None
    offices: OfficeIndexPage | None = None
    news: NewsIndexPage | None = None
    council: CouncilIndexPage | None = None
    recruitment: RecruitmentIndexPage | None = None
    contact: ContactPage | None = None
    urls: dict[str, str] = field(default_factory=dict)


_SECTION_TYPES = {
    ProcedureIndexPage: "procedures", OfficeIndexPage: "offices", NewsIndexPage: "news",
    CouncilIndexPage: "council", RecruitmentIndexPage: "recruitment", ContactPage: "contact",
}


def portal_sections(request) -> Sections:
    """Memoised on the request: the header, the footer and the page itself all ask for it."""
    language = portal_language()
    memo = getattr(request, "_portal_sections", None)
    if memo is not None and memo[0] == language:
        return memo[1]
    sections = Sections()
    site = Site.find_for_request(request)
    if site is not None:
        home = site.root_page.localized.specific
        if isinstance(home, HomePage) and home.live:
            sections.home = home
            sections.urls["home"] = home.get_url(request)
            for child in home.get_children().live().specific():
                name = _SECTION_TYPES.get(type(child))
                if name and getattr(sections, name) is None:
                    setattr(sections, name, child)
                    sections.urls[name] = child.get_url(request)
    request._portal_sections = (language, sections)
    return sections


# --- the home page ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ServiceLink:
    code: str
    name: str
    description: str
    url: str


def offered_services(request, home: Page) -> list[ServiceLink]:
    """The e-services of the commune, each linked to the procedure page that offers it (it says which papers to
    bring and what it costs), or straight to the request form when no page does."""
    language = portal_language()
    services = offered_by(getattr(request, "commune", None))
    pages = {}
    procedures = (ProcedurePage.objects.live().descendant_of(home)
                  .filter(eservice_code__in=[service.code for service in services]).order_by("path"))
    for page in procedures:
        pages.setdefault(page.eservice_code, page)
    return [
        ServiceLink(code=service.code, name=service.name(language), description=service.description(language),
                    url=(pages[service.code].get_url(request) if service.code in pages
                         else f"/{language}/demandes/{service.code}/"))
        for service in services
    ]


def procedure_categories(home: Page) -> list[tuple[str, str, int]]:
    """(category, label, number of procedures) of the categories the guide has, in the order of the choices."""
    # order_by() drops the tree ordering, which would otherwise split the groups by path.
    counts = dict(ProcedurePage.objects.live().descendant_of(home).order_by().values_list("category")
                  .annotate(count=Count("pk")).values_list("category", "count"))
    return [(value, label, counts[value]) for value, label in ProcedurePage.Category.choices if value in counts]


def latest_news(home: Page, limit: int = 3):
    return NewsArticlePage.objects.live().descendant_of(home).order_by("-date", "-pk")[:limit]


def procedures_by_category(index: Page) -> list[tuple[str, str, list[ProcedurePage]]]:
    grouped = defaultdict(list)
    for page in ProcedurePage.objects.live().child_of(index).order_by("title"):
        grouped[page.category].append(page)
    return [(value, label, grouped[value]) for value, label in ProcedurePage.Category.choices if grouped[value]]


# --- translations -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TranslationGap:
    """A live page whose translation into `locale` is missing, a draft never published, or older than it."""

    MISSING = "missing"
    DRAFT = "draft"
    OUTDATED = "outdated"

    source: Page
    locale: Locale
    translation: Page | None
    reason: str


def pages_to_translate() -> list[TranslationGap]:
    """Every gap, in the order of the page tree. The source of a group of translations is its original, the
    first page made (translations are copies made after it): an edit of a translation does not make the
    original look late, an edit of the original makes every translation late until it is published again."""
    locales = list(Locale.objects.order_by("language_code"))
    groups = defaultdict(list)
    pages = (Page.objects.filter(depth__gt=1).select_related("locale")
             .only("pk", "title", "path", "depth", "live", "translation_key", "locale", "last_published_at",
                   "content_type"))
    for page in pages:
        groups[page.translation_key].append(page)
    gaps = []
    for group in groups.values():
        source = min(group, key=lambda page: page.pk)
        if not source.live:
            continue
        translations = {page.locale_id: page for page in group}
        for locale in locales:
            if locale.pk == source.locale_id:
                continue
            translation = translations.get(locale.pk)
            if translation is None:
                reason = TranslationGap.MISSING
            elif not translation.live:
                reason = TranslationGap.DRAFT
            elif (source.last_published_at and translation.last_published_at
                  and translation.last_published_at < source.last_published_at):
                reason = TranslationGap.OUTDATED
            else:
                continue
            gaps.append(TranslationGap(source=source, locale=locale, translation=translation, reason=reason))
    gaps.sort(key=lambda gap: (gap.source.path, gap.locale.language_code))
    return gaps
