"""Limits on failed sign-ins, per client address and per identifier, counted in the cache (whose keys carry the
commune's schema, so each commune counts its own)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from platform_core.audit.services import client_ip

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_IDENTIFIER = 5
MAX_FAILURES_PER_ADDRESS = 20


def _keys(request, identifier: str) -> list[tuple[str, int]]:
    # Hashed: a cache key must not hold a phone number or an e-mail address in clear, nor spaces.
    who = hashlib.sha256((identifier or "").strip().lower().encode()).hexdigest()
    return [(f"citizens:login:id:{who}", MAX_FAILURES_PER_IDENTIFIER),
            (f"citizens:login:ip:{client_ip(request) or 'unknown'}", MAX_FAILURES_PER_ADDRESS)]


def login_blocked(request, identifier: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request, identifier))


def login_failed(request, identifier: str) -> None:
    for key, _limit in _keys(request, identifier):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)


def login_succeeded(request, identifier: str) -> None:
    cache.delete(_keys(request, identifier)[0][0])
