"""What an issued paper is about, and how a module lets the verification page tell whether it changed since.

A module registers a digester per object type (from its AppConfig.ready()): `digester(object_id)` gives the
subject's digest now, or None once the subject no longer exists. issue_document() records the digest at
issuance; the verification page recomputes it and says whether the subject changed (e.g. a marginal mention
added to a birth act after an extract was delivered).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

Digester = Callable[[str], str | None]

_digesters: dict[str, Digester] = {}


@dataclass(frozen=True)
class Subject:
    """What a paper is about: an act, a receipt, a permit..., named as audit entries name their objects."""

    object_type: str
    object_id: str
    digest: str = ""

    @classmethod
    def of(cls, instance, digest: str = "") -> Subject:
        return cls(instance._meta.label_lower, str(instance.pk), digest)


def register_digester(object_type: str, digester: Digester) -> None:
    _digesters[object_type] = digester


def digester_for(object_type: str) -> Digester | None:
    return _digesters.get(object_type)


def fingerprint(values) -> str:
    """A digest of JSON-able values that is the same in every process (sorted keys, no whitespace)."""
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
