"""The portal a recipe gives a commune: its Wagtail Site on the commune's domain, the home page in Arabic (the
default locale) with its French translation, the "standard" package of pages in both languages, and the review
workflow of the communication staff.

Idempotent: a page of the package that exists is left as the editors made it; only what is missing is created.
"""

from __future__ import annotations

import datetime
import hashlib

from django.contrib.auth.models import Permission
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.images.models import Image
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms import portal_content as content
from cms.models import (
    ContactFormField,
    ContactPage,
    CouncilIndexPage,
    CouncilSessionPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    OfficeIndexPage,
    OfficePage,
    ProcedureIndexPage,
    ProcedurePage,
    RecruitmentIndexPage,
)

LANGUAGES = ("ar", "fr")
WORKFLOW_NAME = "Relecture / مراجعة"
REVIEW_TASK_NAME = "Relecture par un modérateur / مراجعة من طرف مشرف"
EDITOR_PAGE_ACTIONS = ("add", "change", "lock")
MODERATOR_PAGE_ACTIONS = ("add", "change", "lock", "unlock", "publish")


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.strip().splitlines() if line.strip())


def home_pages() -> tuple[HomePage, HomePage]:
    """The Arabic home page and its French translation, created if missing (the template commune already has
    them, so a cloned commune only fills them in)."""
    arabic = Locale.objects.get(language_code="ar")
    french = Locale.objects.get(language_code="fr")
    home_ar = HomePage.objects.filter(locale=arabic).first()
    if home_ar is None:
        root = Page.get_first_root_node()
        home_ar = root.add_child(instance=HomePage(title="جماعة", slug="home", locale=arabic, live=False))
    home_fr = HomePage.objects.filter(locale=french, translation_key=home_ar.translation_key).first()
    if home_fr is None:
        home_fr = home_ar.copy_for_translation(french).specific
    return home_ar, home_fr


@transaction.atomic
def ensure_portal(commune, recipe) -> HomePage:
    emblem = _ensure_emblem(commune, recipe)
    home_ar, home_fr = home_pages()
    _fill(home_ar, commune.name_ar, recipe.portal.intro_ar, commune.address_ar, recipe.portal.opening_hours_ar,
          commune, emblem)
    _fill(home_fr, commune.name_fr, recipe.portal.intro_fr, commune.address_fr, recipe.portal.opening_hours_fr,
          commune, emblem)

    hostname = recipe.hostnames()[0]
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.root_page, site.site_name = hostname, 80, home_ar, commune.name_fr
    site.save()

    if recipe.portal.package == "standard":
        _standard_package(home_ar, commune, recipe)
    if "portal" in recipe.module_keys():
        ensure_moderation(home_ar, home_fr)
    return home_ar


def _fill(page: HomePage, title: str, intro: str, address: str, hours: str, commune, emblem) -> None:
    page.title = title
    page.draft_title = title
    page.intro = _paragraphs(intro)
    page.address = address
    page.opening_hours = hours
    page.phone = commune.contact_phone
    page.email = commune.contact_email
    page.emblem = emblem
    page.save_revision().publish()


def _ensure_emblem(commune, recipe) -> Image | None:
    path = recipe.emblem_path()
    if path is None:
        return None
    content_bytes = path.read_bytes()
    digest = hashlib.sha256(content_bytes).hexdigest()[:16]
    title = f"{commune.name_fr} · {digest}"
    image = Image.objects.filter(title=title).first()
    if image is None:
        with path.open("rb") as handle:
            image = Image(title=title, file=ImageFile(handle, name=f"emblem-{digest}{path.suffix}"))
            image.save()
    return image


# --- the standard package ---------------------------------------------------------------------------------------

def _pair(parent_ar: Page, model, slug: str, values: dict, *, publish: bool = True) -> dict[str, Page]:
    """The page `slug` under `parent_ar` and its French translation, each created (from values["ar"] and
    values["fr"]) only if missing. The French parent must exist: pages are made from the top down."""
    page_ar = model.objects.child_of(parent_ar).filter(slug=slug).first()
    if page_ar is None:
        page_ar = model(slug=slug, locale=parent_ar.locale, live=False)
        _set(page_ar, values["ar"])
        parent_ar.add_child(instance=page_ar)
        _save(page_ar, publish)
    french = Locale.objects.get(language_code="fr")
    page_fr = model.objects.filter(translation_key=page_ar.translation_key, locale=french).first()
    if page_fr is None:
        page_fr = page_ar.copy_for_translation(french).specific
        _set(page_fr, values["fr"])
        _save(page_fr, publish)
    return {"ar": page_ar, "fr": page_fr}


def _set(page: Page, values: dict) -> None:
    for name, value in values.items():
        setattr(page, name, value)
    page.draft_title = page.title


def _save(page: Page, publish: bool) -> None:
    revision = page.save_revision()
    if publish:
        revision.publish()


def _text(pair: dict, language: str) -> str:
    return _paragraphs(pair[language]) if pair[language] else ""


def _standard_package(home_ar: HomePage, commune, recipe) -> None:
    sections = content.SECTIONS

    def index(model, key):
        section = sections[key]
        return _pair(home_ar, model, section["slug"], {
            language: {"title": section["title"][language], "intro": _text(section["intro"], language)}
            for language in LANGUAGES
        })

    offices_index = index(OfficeIndexPage, "offices")
    hours = {"ar": recipe.portal.opening_hours_ar, "fr": recipe.portal.opening_hours_fr}
    address = {"ar": commune.address_ar, "fr": commune.address_fr}
    offices = {}
    for office in content.OFFICES:
        offices[office["slug"]] = _pair(offices_index["ar"], OfficePage, office["slug"], {
            language: {"title": office["title"][language], "services": office["services"][language],
                       "address": address[language], "opening_hours": hours[language],
                       "phone": commune.contact_phone, "email": commune.contact_email}
            for language in LANGUAGES
        })

    guide = index(ProcedureIndexPage, "procedures")
    for procedure in content.PROCEDURES:
        office = offices.get(procedure["office"])
        _pair(guide["ar"], ProcedurePage, procedure["slug"], {
            language: {
                "title": procedure["title"][language],
                "category": procedure["category"],
                "summary": procedure["summary"][language],
                "who_may_ask": _text(procedure["who"], language),
                "required_papers": [("paper", {"name": name[language], "note": note[language]})
                                    for name, note in procedure["papers"]],
                "tariff_code": procedure["tariff_code"],
                "fee_note": procedure.get("fee_note", {}).get(language, ""),
                "delay": procedure["delay"][language],
                "office": office[language] if office else None,
                # The code is kept even when the commune does not offer the service: the page then shows no button.
                "eservice_code": procedure["eservice_code"],
                "body": _text(procedure["body"], language),
            }
            for language in LANGUAGES
        })

    news = index(NewsIndexPage, "news")
    article = content.WELCOME_ARTICLE
    _pair(news["ar"], NewsArticlePage, article["slug"], {
        language: {"title": article["title"][language], "summary": article["summary"][language],
                   "body": _text(article["body"], language), "date": timezone.localdate()}
        for language in LANGUAGES
    })

    council = index(CouncilIndexPage, "council")
    session = content.COUNCIL_SESSION
    _pair(council["ar"], CouncilSessionPage, session["slug"], {
        language: {
            "title": session["title"][language], "date": _first_february_session(), "kind": "ordinary",
            "location": session["location"][language], "agenda": _text(session["agenda"], language),
            "decisions": [("decision", {
                "number": decision["number"], "subject": decision["subject"][language],
                "outcome": decision["outcome"], "votes_for": decision["votes_for"],
                "votes_against": decision["votes_against"], "abstentions": decision["abstentions"],
            }) for decision in session["decisions"]],
        }
        for language in LANGUAGES
    }, publish=recipe.demo_data)

    index(RecruitmentIndexPage, "recruitment")

    contact = sections["contact"]
    _pair(home_ar, ContactPage, contact["slug"], {
        language: {
            "title": contact["title"][language], "intro": _text(contact["intro"], language),
            "thank_you_text": _text(contact["thank_you"], language),
            "form_fields": [
                ContactFormField(sort_order=order, clean_name=field["clean_name"], label=field["label"][language],
                                 field_type=field["field_type"], required=field["required"],
                                 help_text=field.get("help_text", {}).get(language, ""))
                for order, field in enumerate(content.CONTACT_FIELDS)
            ],
        }
        for language in LANGUAGES
    })


def _first_february_session() -> datetime.date:
    """The first Monday of the last February: ordinary sessions open in the first week of the month."""
    today = timezone.localdate()
    year = today.year if today >= datetime.date(today.year, 2, 1) else today.year - 1
    first = datetime.date(year, 2, 1)
    return first + datetime.timedelta(days=(7 - first.weekday()) % 7)


# --- moderation -------------------------------------------------------------------------------------------------

def ensure_moderation(*homes: Page) -> Workflow:
    """Editors (portal.editor) add and change pages and submit them for review; moderators (portal.moderator)
    approve, which publishes. Rights and workflow are on the home pages, so they cover every page below."""
    from platform_core.modules.roles import sync_roles

    groups = sync_roles()  # idempotent; the template commune may predate the portal's roles
    editor, moderator = groups["portal.editor"], groups["portal.moderator"]
    permissions = {permission.codename: permission for permission in
                   Permission.objects.filter(content_type__app_label="wagtailcore", content_type__model="page")}
    for home in homes:
        for group, actions in ((editor, EDITOR_PAGE_ACTIONS), (moderator, MODERATOR_PAGE_ACTIONS)):
            for action in actions:
                GroupPagePermission.objects.get_or_create(group=group, page=home,
                                                          permission=permissions[f"{action}_page"])

    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME)
    task.groups.add(moderator)
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for home in homes:
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow
