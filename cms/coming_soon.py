"""While a commune is onboarding, its public face says "coming soon"; its staff keep working and see the real portal.

The portal (every language-prefixed path: the pages, the e-services under /<lang>/demandes/, the kiosk, the
citizens' accounts, the modules' portal pages) and Open311's POST answer a bilingual page, 503 with a Retry-After
of a day and `noindex`, to visitors and citizens. Everything else of the domain is left alone: the back office, the
API (staff sign in to it), the verification pages, signed /media/ links, health checks. Signed-in staff (is_staff,
or anyone in a module role) get the real portal with a "not public yet" banner, so they can check what they publish.

Placed before cms.caching.PortalCacheMiddleware: a coming-soon answer is never stored in the portal's cache (it is
given before the cache is asked) and never replaces a cached page, so the portal is open as soon as the commune
goes live. A live commune costs one attribute read: `request.commune` was loaded by routing with its status.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from platform_core.locale import is_arabic

RETRY_AFTER_SECONDS = 24 * 60 * 60
OPEN311_PREFIX = "/api/open311/"
BODY_TAG = re.compile(rb"<body[^>]*>", re.IGNORECASE)


def is_public_face(request) -> bool:
    """The paths a visitor reaches: the portal and its services, and the citizens' reports through Open311."""
    path = request.path_info
    language = path.split("/", 2)[1] if path.startswith("/") else ""
    if path == "/" or language in {code for code, _name in settings.LANGUAGES}:
        return True
    return path.startswith(OPEN311_PREFIX) and request.method == "POST"


def is_commune_staff(user) -> bool:
    """Staff of the commune (not a citizen): a back-office account, or anyone given a module role."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(role__isnull=False).exists()


def coming_soon_page(request, commune):
    """Both languages on one page, the visitor's first (a shared link may be in the other one)."""
    sections = [{"code": "ar", "direction": "rtl", "name": commune.name_ar},
                {"code": "fr", "direction": "ltr", "name": commune.name_fr}]
    if not is_arabic(getattr(request, "LANGUAGE_CODE", None)):
        sections.reverse()
    response = render(request, "portal/coming_soon.html", {"commune": commune, "sections": sections}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)  # not a page to keep: it goes away when the commune goes live
    return response


def _with_banner(request, response):
    if (response.streaming or not response.get("Content-Type", "").startswith("text/html")
            or not 200 <= response.status_code < 300):
        return response
    match = BODY_TAG.search(response.content)
    if match is None:
        return response
    banner = render_to_string("portal/not_public_banner.html", request=request).encode()
    response.content = response.content[:match.end()] + banner + response.content[match.end():]
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class ComingSoonMiddleware:
    """After authentication (it tells staff from citizens), before the portal's page cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        commune = getattr(request, "commune", None)
        if commune is None or commune.status != "onboarding" or not is_public_face(request):
            return self.get_response(request)
        if is_commune_staff(request.user):
            return _with_banner(request, self.get_response(request))
        return coming_soon_page(request, commune)
