"""Reads of the assessments (ordres de recette): the filtered list with the late ones marked, what one owes
today, and the citizen's look-up by reference and access key."""

from __future__ import annotations

import datetime
import hmac
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from modules.regie import tariffs
from modules.regie.models import Assessment
from modules.regie.services.receipts import amount_due
from platform_core.querysets import filter_given

OPEN = (Assessment.Status.ISSUED, Assessment.Status.PARTLY_PAID)
REFERENCE = re.compile(r"^OR-(\d{4})-(\d{1,9})$")


@dataclass
class AssessmentFilters:
    status: str = ""
    tariff_id: int | None = None
    year: int | None = None
    taxpayer_id: int | None = None
    overdue_only: bool = False
    awaiting_decision: bool = False


def list_assessments(filters: AssessmentFilters, on: datetime.date) -> QuerySet[Assessment]:
    """Assessments matching the filters, the latest first; `overdue` says which are unpaid past their due date."""
    assessments = filter_given(
        Assessment.objects.select_related("taxpayer", "tariff_version__tariff", "item"), status=filters.status,
        tariff_version__tariff_id=filters.tariff_id, year=filters.year, taxpayer_id=filters.taxpayer_id)
    if filters.overdue_only:
        assessments = assessments.filter(status__in=OPEN, due_date__lt=on)
    if filters.awaiting_decision:
        assessments = assessments.filter(cancellation_requested_at__isnull=False).exclude(
            status=Assessment.Status.CANCELLED)
    return assessments.order_by("-year", "-number")


def is_overdue(assessment: Assessment, on: datetime.date) -> bool:
    return assessment.status in OPEN and assessment.due_date < on


def awaiting_decision(assessment: Assessment) -> bool:
    """A cancellation was asked for and the ordonnateur has not yet decided."""
    return bool(assessment.cancellation_requested_at) and assessment.status != Assessment.Status.CANCELLED


@dataclass(frozen=True)
class Dues:
    """What an assessment comes to on a date."""

    principal: Decimal
    paid: Decimal  # principal and penalties paid so far
    principal_due: Decimal
    penalty_due: Decimal
    overdue: bool

    @property
    def total_due(self) -> Decimal:
        return self.principal_due + self.penalty_due


def dues_on(assessment: Assessment, on: datetime.date) -> Dues:
    if assessment.status in OPEN:
        principal_due, penalty_due = amount_due(assessment, on)
    else:
        principal_due, penalty_due = Decimal("0.00"), Decimal("0.00")
    return Dues(principal=assessment.principal, paid=assessment.principal_paid + assessment.penalty_paid,
                principal_due=principal_due, penalty_due=penalty_due, overdue=is_overdue(assessment, on))


def parse_reference(reference: str) -> tuple[int, int] | None:
    """(year, number) of a typed reference such as "OR-2026-000042" (spaces, case and dashes forgiven)."""
    compact = re.sub(r"[\s\u2010-\u2015_]+", "-", (reference or "").strip().upper()).strip("-")
    match = REFERENCE.match(compact)
    return (int(match.group(1)), int(match.group(2))) if match else None


def normalize_key(key: str) -> str:
    return re.sub(r"[\s-]+", "", (key or "").upper())


def find_for_citizen(reference: str, access_key: str) -> Assessment | None:
    """The assessment with this reference, only if the key is its own; None otherwise, whichever part is wrong
    (the caller shows one same message and never says which)."""
    parsed = parse_reference(reference)
    key = normalize_key(access_key)
    assessment = None
    if parsed:
        assessment = (Assessment.objects.select_related("taxpayer", "tariff_version__tariff", "item")
                      .filter(year=parsed[0], number=parsed[1]).first())
    # Compared in constant time, and compared even when no assessment was found, so timing says nothing.
    expected = assessment.access_key if assessment else "-" * 10
    if not hmac.compare_digest(expected.encode(), key.encode()) or assessment is None:
        return None
    return assessment


@dataclass(frozen=True)
class Preview:
    """What an assessment would come to if issued today, as services.assessments.issue_assessment computes it."""

    version: object
    principal: Decimal
    rate: Decimal
    base_values: dict
    exempt: bool
    due_date: datetime.date


def preview_assessment(*, tariff, base_values: dict, item=None, on: datetime.date) -> Preview:
    """Raises ValidationError as issuing would (no amounts in force, a value missing, an unknown zone)."""
    version = tariffs.version_in_force(tariff, on)
    values = dict(base_values or {})
    if item is not None and item.area_m2 is not None:
        values.setdefault("area_m2", item.area_m2)
    computation = tariffs.compute(version, values, zone=item.zone if item else "")
    return Preview(version=version, principal=computation.principal, rate=computation.rate,
                   base_values=computation.base_values, exempt=computation.exempt,
                   due_date=on + datetime.timedelta(days=version.payment_days))
