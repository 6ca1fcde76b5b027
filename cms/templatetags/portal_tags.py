"""Template tags of the town portal, for every template that extends cms/base.html.

- `{% language_links %}`: the same page in the other languages. On a Wagtail page, its published translation
  (or that language's home page when there is none); on any other portal view (/<lang>/demandes/...), the same
  path and query under the other language prefix.
- `{% portal_sections as sections %}`: the home page in the active language and its section pages (URLs in
  `sections.urls`).
- `{% portal_nav as items %}`: the main navigation, each item with `label`, `url` and `current`.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.selectors import portal_language
from cms.selectors import portal_sections as _portal_sections
from platform_core.modules.registry import module_enabled

register = template.Library()


def _other_language_path(request, code: str) -> str:
    path = request.get_full_path() if request is not None else "/"
    for current, _name in settings.LANGUAGES:
        prefix = f"/{current}/"
        if path.startswith(prefix):
            return f"/{code}/{path[len(prefix):]}"
    return f"/{code}/"


@register.inclusion_tag("cms/tags/language_links.html", takes_context=True)
def language_links(context):
    request = context.get("request")
    page = context.get("page")
    current = portal_language()
    translations = {}
    if isinstance(page, Page) and page.pk:
        translations = {translation.locale.language_code: translation
                        for translation in page.get_translations().live().select_related("locale")}
    links = []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        if isinstance(page, Page):
            translation = translations.get(code)
            url = translation.get_url(request) if translation is not None else f"/{code}/"
        else:
            url = _other_language_path(request, code)
        links.append({"code": code, "name": name, "url": url})
    return {"links": links}


@register.simple_tag(takes_context=True)
def portal_sections(context):
    request = context.get("request")
    return _portal_sections(request) if request is not None else None


@register.simple_tag(takes_context=True)
def portal_nav(context):
    request = context.get("request")
    if request is None:
        return []
    language = portal_language()
    urls = _portal_sections(request).urls
    items = []
    if "procedures" in urls:
        items.append((_("Procedures"), urls["procedures"]))
    items.append((_("Online services"), f"/{language}/demandes/"))
    items.append((_("Track a request"), f"/{language}/demandes/suivi/"))
    if module_enabled(getattr(request, "commune", None), "complaints"):
        items.append((_("Complaints"), f"/{language}/reclamations/"))
    if "news" in urls:
        items.append((_("News"), urls["news"]))
    items.append((_("My account"), f"/{language}/compte/"))
    # The deepest entry whose URL starts the current path is the current one (Track a request, not Online services).
    path = request.path
    matching = [url for _label, url in items if path.startswith(url)]
    current = max(matching, key=len) if matching else None
    return [{"label": label, "url": url, "current": url == current} for label, url in items]
