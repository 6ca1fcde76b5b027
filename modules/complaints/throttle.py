"""Counting attempts per client address in the cache (whose keys carry the commune's schema), so that access
keys cannot be guessed by trying and anonymous filings cannot flood a commune."""

from django.core.cache import cache

from platform_core.audit.services import client_ip


def _key(request, scope: str) -> str:
    return f"complaints.{scope}:{client_ip(request) or 'unknown'}"


def exhausted(request, scope: str, limit: int) -> bool:
    return (cache.get(_key(request, scope)) or 0) >= limit


def count(request, scope: str, window_seconds: int) -> None:
    key = _key(request, scope)
    if not cache.add(key, 1, timeout=window_seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window_seconds)
