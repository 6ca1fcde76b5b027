"""Attempts counted in the cache (whose keys carry the commune's schema), per client address or per identifier:
failed tries at a secret that opens something without an account (an access key, a password), so that it cannot
be guessed by trying, or any tries at an anonymous action, so that it cannot flood a commune."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache

from platform_core.audit.services import client_ip


@dataclass(frozen=True)
class AttemptLimit:
    """At most `max_failures` counted attempts in a window of `window_seconds` (from the first), per client
    address, or per identifier when one is given. The cache key is "<name>:<address or hashed identifier>"."""

    name: str
    max_failures: int = 10
    window_seconds: int = 15 * 60

    def key(self, request, identifier: str | None = None) -> str:
        if identifier is None:
            return f"{self.name}:{client_ip(request) or 'unknown'}"
        # Hashed: a cache key must not hold a phone number or an e-mail address in clear, nor spaces.
        return f"{self.name}:{hashlib.sha256(identifier.strip().lower().encode()).hexdigest()}"

    def blocked(self, request, identifier: str | None = None) -> bool:
        return (cache.get(self.key(request, identifier)) or 0) >= self.max_failures

    def count_failure(self, request, identifier: str | None = None) -> None:
        key = self.key(request, identifier)
        if not cache.add(key, 1, timeout=self.window_seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=self.window_seconds)

    def forget(self, request, identifier: str | None = None) -> None:
        cache.delete(self.key(request, identifier))
