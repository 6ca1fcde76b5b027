"""The portal a recipe gives a commune: its Wagtail Site on the commune's domain, and the home page in
Arabic (the default locale) with its French translation."""

from __future__ import annotations

import hashlib

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.html import escape
from wagtail.images.models import Image
from wagtail.models import Locale, Page, Site

from cms.models import HomePage


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
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()[:16]
    title = f"{commune.name_fr} · {digest}"
    image = Image.objects.filter(title=title).first()
    if image is None:
        with path.open("rb") as handle:
            image = Image(title=title, file=ImageFile(handle, name=f"emblem-{digest}{path.suffix}"))
            image.save()
    return image
