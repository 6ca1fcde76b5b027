"""Failed attempts at a secret that opens something without an account (an access key), counted per client
address in the cache (whose keys carry the commune's schema), so that such keys cannot be guessed by trying."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from platform_core.audit.services import client_ip


@dataclass(frozen=True)
class AttemptLimit:
    """At most `max_failures` failed attempts per address in a window of `window_seconds` (from the first)."""

    name: str
    max_failures: int = 10
    window_seconds: int = 15 * 60

    def key(self, request) -> str:
        return f"{self.name}.failures:{client_ip(request) or 'unknown'}"

    def blocked(self, request) -> bool:
        return (cache.get(self.key(request)) or 0) >= self.max_failures

    def count_failure(self, request) -> None:
        key = self.key(request)
        if not cache.add(key, 1, timeout=self.window_seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=self.window_seconds)
