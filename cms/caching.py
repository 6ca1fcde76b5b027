"""The portal's page cache: anonymous GET and HEAD answers of the Wagtail pages, per commune, host, language and
path, for PORTAL_CACHE_SECONDS (300 by default; 0 turns it off).

A hit costs one Redis round trip and no database query. Keys carry the commune's schema (KEY_FUNCTION), and each
entry carries the generation of its commune's pages at which it was rendered: publishing, unpublishing, saving,
moving or deleting any page of the commune bumps that generation, which retires every entry of that commune at
once. Never cached: a request that carries a session (a signed-in citizen or editor, a password-protected page),
an answer that sets a cookie or holds a CSRF token (Wagtail's form pages), anything but a 200.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import parse_etags

GENERATION_KEY = "portal-cache:generation"
ENTRY_PREFIX = "portal-cache:page:"
SERVE_URL_NAME = "wagtail_serve"
# What a browser (or a proxy) may reuse without asking: short, so that a published change shows within a minute.
BROWSER_MAX_AGE = 60
HIT, MISS = "hit", "miss"


def cache_seconds() -> int:
    return settings.PORTAL_CACHE_SECONDS


# --- invalidation ------------------------------------------------------------------------------------------------

def bump_generation() -> None:
    """Retire every cached page of the connection's commune."""
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            # Missing (never set, or evicted): start from the clock, so that an old generation never comes back.
            cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:  # Redis down: publishing still works, and what was cached expires after its time
        pass


# Procedure pages print fees computed from the régie's tariffs: a new tariff version changes them too.
FEE_MODELS = frozenset({"regie.Tariff", "regie.TariffVersion", "regie.ZoneRate"})


def _pages_changed(sender, instance=None, **kwargs) -> None:
    from wagtail.models import Page

    if not (isinstance(instance, Page) or getattr(getattr(instance, "_meta", None), "label", "") in FEE_MODELS):
        return
    # Now, for the rest of this transaction; and on commit, for the pages other requests rendered from the old
    # rows in between (they were stored under the generation bumped now).
    bump_generation()
    transaction.on_commit(bump_generation)


def connect() -> None:
    """Called from CmsConfig.ready(). Wagtail is imported here, not above: the routing benchmark's plain Django
    project runs this middleware without Wagtail installed."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move, post_save, post_delete):
        signal.connect(_pages_changed, dispatch_uid="cms.caching.pages_changed")


# --- the middleware ----------------------------------------------------------------------------------------------

def _entry_key(request) -> str:
    where = f"{request.get_host()}\n{request.LANGUAGE_CODE}\n{request.get_full_path()}"
    return ENTRY_PREFIX + hashlib.sha256(where.encode()).hexdigest()


def _is_portal_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == SERVE_URL_NAME


def _public(response) -> None:
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
    # The same address answers a signed-in visitor differently.
    patch_vary_headers(response, ("Cookie",))


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
        and not getattr(getattr(request, "session", None), "modified", False)
        and not response.has_header("Cache-Control")  # the view said how it may be cached
    )


class PortalCacheMiddleware(MiddlewareMixin):
    """Last in MIDDLEWARE: it answers in process_view, once the URL is resolved to Wagtail's page view, so the
    middleware before it (commune routing, language, CSRF) still do their part on a hit."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD") or not _is_portal_page(request) or cache_seconds() <= 0:
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        key = _entry_key(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
        except Exception:  # Redis down: serve the page uncached
            return None
        generation = found.get(GENERATION_KEY)
        if generation is None:
            bump_generation()
            return None
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            request._portal_cache = HIT
            return self._replay(request, *entry[1:])
        if request.method == "GET":
            request._portal_cache = (key, generation)
        return None

    @staticmethod
    def _replay(request, content_type: str, content: bytes, etag: str):
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(content, content_type=content_type)
        response["ETag"] = etag
        return response

    def process_response(self, request, response):
        if not _is_portal_page(request):
            return response
        state = getattr(request, "_portal_cache", None)
        if state == HIT:
            response["X-Portal-Cache"] = HIT
            _public(response)
        elif state is not None and _storable(request, response):
            key, generation = state
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            try:
                cache.set(key, (generation, response["Content-Type"], response.content, etag), cache_seconds())
            except Exception:
                return response
            response["ETag"] = etag
            response["X-Portal-Cache"] = MISS
            _public(response)
        elif not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response
