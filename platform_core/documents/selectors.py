"""Reads for the verification page."""

from __future__ import annotations

from enum import StrEnum

from platform_core.documents import subjects
from platform_core.documents.models import IssuedDocument


class SubjectState(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    GONE = "gone"


def subject_state(document: IssuedDocument) -> SubjectState | None:
    """Whether what the paper is about changed since it was issued; None when nobody can tell (no digest
    recorded, or no module registered a digester for its type)."""
    digester = subjects.digester_for(document.object_type)
    if digester is None or not document.subject_digest:
        return None
    current = digester(document.object_id)
    if current is None:
        return SubjectState.GONE
    return SubjectState.UNCHANGED if current == document.subject_digest else SubjectState.CHANGED


def masked_name(name: str) -> str:
    """The first letter of each word, the rest hidden: enough to match a paper in hand, too little to learn
    who asked for it from a leaked link."""
    return " ".join(word[0] + "•" * (len(word) - 1) for word in name.split())
