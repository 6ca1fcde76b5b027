"""The progress of a batch being checked and loaded, kept in the commune's cache (keys carry the schema).

The database cannot carry it: the load runs in one transaction, whose writes nobody sees before it ends.
"""

from __future__ import annotations

import time

from django.core.cache import cache

# The bar: the keys of the file read (up to 10 %), then every row checked and loaded as it is read (up to 97 %),
# then the counters, pages and audit written and the transaction committed.
CHECKING = (10, 97)
TIMEOUT = 24 * 3600


def _key(batch_id: int) -> str:
    return f"civil_status:import:{batch_id}:progress"


def read(batch_id: int) -> int | None:
    return cache.get(_key(batch_id))


def forget(batch_id: int) -> None:
    cache.delete(_key(batch_id))


class CacheProgress:
    """Records the percentage of a batch, at most twice a second and only forward."""

    def __init__(self, batch_id: int):
        self.batch_id, self.percent, self.written_at = batch_id, -1, 0.0

    def __call__(self, percent: int) -> None:
        now = time.monotonic()
        if percent > self.percent and (percent == 100 or now - self.written_at >= 0.5):
            self.percent, self.written_at = percent, now
            cache.set(_key(self.batch_id), percent, TIMEOUT)
