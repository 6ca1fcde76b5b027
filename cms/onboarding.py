"""The portal's item of the onboarding checklist: the pages a citizen needs on the first day, published in Arabic
and in French (called inside the commune's schema)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from cms.models import ContactPage, HomePage, ProcedureIndexPage, ProcedurePage
from platform_core.modules.checklist import ChecklistItem, percent

LANGUAGES = ("ar", "fr")


def _sections():
    return ((HomePage, _("the home page")), (ProcedureIndexPage, _("the procedure guide")),
            (ContactPage, _("the contact page")))


def checks(commune) -> list[ChecklistItem]:
    return [pages_item()]


def pages_item() -> ChecklistItem:
    """One query: every page of the four types, with its translation group, language and whether it is live."""
    sections = _sections()
    types = ContentType.objects.get_for_models(*(model for model, _label in sections), ProcedurePage)
    type_ids = {model: content_type.pk for model, content_type in types.items()}
    live = defaultdict(set)  # (content type, translation key) -> languages live
    for type_id, key, language, is_live in Page.objects.filter(content_type__in=type_ids.values()).values_list(
            "content_type_id", "translation_key", "locale__language_code", "live"):
        languages = live[(type_id, key)]  # a group with no live page is still a page to publish
        if is_live:
            languages.add(language)

    names = {"ar": _("Arabic"), "fr": _("French")}
    missing = []
    for model, label in sections:
        languages = set().union(*[found for (type_id, _key), found in live.items() if type_id == type_ids[model]])
        missing.extend(f"{label} ({names[language]})" for language in LANGUAGES if language not in languages)
    procedures = [found for (type_id, _key), found in live.items() if type_id == type_ids[ProcedurePage]]
    unpublished = sum(not set(LANGUAGES) <= found for found in procedures)

    parts = []
    if missing:
        parts.append(_("Not published: %(pages)s.") % {"pages": ", ".join(missing)})
    if not procedures:
        parts.append(_("The procedure guide has no procedure page yet."))
    elif unpublished:
        parts.append(ngettext("%(count)d of %(total)d procedure pages is not yet published in both languages.",
                              "%(count)d of %(total)d procedure pages are not yet published in both languages.",
                              unpublished) % {"count": unpublished, "total": len(procedures)})
    else:
        parts.append(ngettext("The %(total)d procedure page is published in both languages.",
                              "All %(total)d procedure pages are published in both languages.",
                              len(procedures)) % {"total": len(procedures)})
    done = not missing and procedures and not unpublished
    units = len(sections) * len(LANGUAGES) + len(procedures)
    return ChecklistItem(
        key="portal.pages", label=_("Portal pages published in Arabic and French"), done=bool(done),
        detail=" ".join(parts), progress=percent(units - len(missing) - unpublished, units),
        back_office_path=reverse("wagtailadmin_explore_root", urlconf=settings.ROOT_URLCONF),
    )
