"""Hostname to commune, without a query per request.

The stock django-tenants middleware reads the Domain table on every request. Here a process keeps each
hostname's commune (or its absence) for TENANT_ROUTING_CACHE_SECONDS, and drops everything as soon as it
sees the routing generation in Redis move, which any change to a commune, domain or subscription does
(tenants.signals). It looks at that generation at most once a second, so a suspension takes effect within
about a second on every worker.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpResponseBadRequest

GENERATION_KEY = "platform:routing-generation"
GENERATION_CHECK_SECONDS = 1.0
MAX_ENTRIES = 20_000


@dataclass(frozen=True)
class Route:
    commune: object | None  # tenants.models.Commune, or None for an unknown host
    expires_at: float


class RoutingTable:
    """A per-process map of hostname to commune, with expiry and cross-process invalidation."""

    def __init__(self):
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._generation_checked_at = 0.0

    def clear(self) -> None:
        with self._lock:
            self._routes.clear()

    def _check_generation(self, now: float) -> None:
        if now - self._generation_checked_at < GENERATION_CHECK_SECONDS:
            return
        self._generation_checked_at = now
        try:
            generation = _shared_cache().get(GENERATION_KEY, 0)
        except Exception:  # Redis down: keep serving from the table, entries still expire
            return
        if generation != self._generation:
            self._generation = generation
            self.clear()

    def lookup(self, hostname: str):
        now = time.monotonic()
        self._check_generation(now)
        route = self._routes.get(hostname)
        if route is None or route.expires_at < now:
            generation = self._generation
            route = Route(_load_commune(hostname), now + settings.TENANT_ROUTING_CACHE_SECONDS)
            with self._lock:
                if len(self._routes) >= MAX_ENTRIES:
                    self._routes.clear()
                # A change committed while the commune was read must not be cached for a whole expiry.
                if generation == self._generation:
                    self._routes[hostname] = route
        return route.commune


def _shared_cache():
    # Not the default cache: its keys carry the connection's schema, which here is the previous request's.
    return caches["platform"]


def bump_generation() -> None:
    """Tell every process to forget its routes (called after a commune, domain or subscription changes)."""
    cache = _shared_cache()
    try:
        cache.add(GENERATION_KEY, 0, timeout=None)
        cache.incr(GENERATION_KEY)
    except Exception:
        pass  # routes still expire after TENANT_ROUTING_CACHE_SECONDS
    routing_table.clear()


def _load_commune(hostname: str):
    from tenants.models import Domain

    previous = connection.schema_name
    if previous != "public":
        connection.set_schema_to_public()
    domain = (
        Domain.objects.select_related("tenant")
        .filter(domain=hostname)
        .exclude(tenant__kind="template")
        .first()
    )
    if domain is None:
        return None
    commune = domain.tenant
    commune.domain_url = hostname
    commune.active_module_keys = frozenset(
        commune.subscriptions.filter(active=True).values_list("module_key", flat=True)
    )
    return commune


routing_table = RoutingTable()


def platform_hostnames() -> set[str]:
    return {settings.PLATFORM_DOMAIN.lower(), "127.0.0.1"}


def hostname_from_request(request) -> str:
    host = request.get_host().split(":")[0].lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def activate_public(request) -> None:
    if connection.schema_name != "public":
        connection.set_schema_to_public()
    request.tenant = None
    request.commune = None
    request.urlconf = settings.PUBLIC_SCHEMA_URLCONF


def activate_commune(request, commune) -> None:
    if connection.schema_name != commune.schema_name:
        connection.set_tenant(commune)
    else:
        # Same schema as the connection's last request: no need to reset the search path or caches.
        connection.tenant = commune
    request.tenant = commune
    request.commune = commune
    request.urlconf = settings.ROOT_URLCONF


class CommuneRoutingMiddleware:
    """Selects the commune's schema and URLconf from the Host header; the first middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from platform_core import views

        try:
            hostname = hostname_from_request(request)
        except DisallowedHost:
            activate_public(request)
            return HttpResponseBadRequest()
        if hostname in platform_hostnames():
            activate_public(request)
            return self.get_response(request)
        commune = routing_table.lookup(hostname)
        if commune is None:
            activate_public(request)
            return views.unknown_host(request)
        if commune.status in ("suspended", "archived"):
            activate_public(request)
            return views.commune_unavailable(request, commune)
        activate_commune(request, commune)
        return self.get_response(request)
