"""Items of a commune's onboarding checklist: each module says, from its own data, what is set up and what is not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChecklistItem:
    """One thing a commune must have before it goes live, measured from its data (never ticked by hand)."""

    key: str  # "<module>.<what>", stable: tests and the console refer to it
    label: str  # translated, in the language at hand
    done: bool
    detail: str = ""  # what is there, or what is missing, in a sentence
    progress: int | None = None  # a percentage, for items measured as a share (the backlog imported)
    back_office_path: str = ""  # where the commune's staff fill it in, under the commune's domain


def percent(part: int, whole: int) -> int:
    """A share as a whole percentage, never 100 before the whole is there."""
    if whole <= 0:
        return 0
    share = part * 100 // whole
    return 99 if share == 100 and part < whole else min(share, 100)
