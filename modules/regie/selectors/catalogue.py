"""Reads of the catalogue: the tariffs with the version in force, a tariff's history, taxpayers and their file."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from modules.regie.models import Assessment, Receipt, Tariff, TariffVersion, TaxableItem, Taxpayer
from modules.regie.services.receipts import amount_due

OPEN = (Assessment.Status.ISSUED, Assessment.Status.PARTLY_PAID)


def in_force(versions, on: datetime.date) -> TariffVersion | None:
    """The version in force on a date among already loaded versions (any order)."""
    candidates = [version for version in versions if version.effective_from <= on]
    return max(candidates, key=lambda version: version.effective_from, default=None)


def tariff_catalogue(on: datetime.date) -> list[tuple[Tariff, TariffVersion | None]]:
    """Every tariff (active first) with its version in force on the date, or None when none is yet."""
    versions = TariffVersion.objects.prefetch_related("zone_rates").order_by("-effective_from")
    tariffs = Tariff.objects.prefetch_related(Prefetch("versions", queryset=versions)).order_by("-active", "code")
    return [(tariff, in_force(tariff.versions.all(), on)) for tariff in tariffs]


def tariff_history(tariff: Tariff) -> list[TariffVersion]:
    """Every version of the tariff, the latest first, with its zone rates."""
    return list(tariff.versions.prefetch_related("zone_rates").order_by("-effective_from"))


def search_taxpayers(query: str = "") -> QuerySet[Taxpayer]:
    """Taxpayers whose name (Arabic or Latin script) contains every typed word, or whose CIN, ICE or RC is the
    query; without a query, all of them, by name."""
    taxpayers = Taxpayer.objects.order_by("name_latin", "pk")
    query = " ".join((query or "").split())
    if not query:
        return taxpayers
    by_name = Q()
    for word in query.split():
        by_name &= Q(name_latin__icontains=word) | Q(name_ar__icontains=word)
    compact = query.replace(" ", "")
    by_number = Q(cin__iexact=compact) | Q(ice=compact) | Q(rc__iexact=query) | Q(tax_id=compact)
    return taxpayers.filter(by_name | by_number)


@dataclass(frozen=True)
class AssessmentDue:
    assessment: Assessment
    principal_due: Decimal
    penalty_due: Decimal

    @property
    def total_due(self) -> Decimal:
        return self.principal_due + self.penalty_due


@dataclass(frozen=True)
class TaxpayerFile:
    items: list[TaxableItem]
    assessments: list[AssessmentDue]
    receipts: list[Receipt]
    balance_due: Decimal  # today, late penalties included, on assessments neither paid nor cancelled


def dues(assessments, on: datetime.date) -> list[AssessmentDue]:
    lines = []
    for assessment in assessments:
        if assessment.status in OPEN:
            principal, penalty = amount_due(assessment, on)
        else:
            principal, penalty = Decimal("0.00"), Decimal("0.00")
        lines.append(AssessmentDue(assessment, principal, penalty))
    return lines


def taxpayer_file(taxpayer: Taxpayer, on: datetime.date, *, receipts_shown: int = 50) -> TaxpayerFile:
    items = list(taxpayer.items.select_related("tariff", "collector").order_by("-active", "reference"))
    assessments = dues(taxpayer.assessments.select_related("tariff_version__tariff", "item")
                       .order_by("-year", "-number"), on)
    receipts = list(taxpayer.receipts.select_related("book", "assessment").order_by("-issued_at")[:receipts_shown])
    balance = sum((line.total_due for line in assessments), Decimal("0.00"))
    return TaxpayerFile(items=items, assessments=assessments, receipts=receipts, balance_due=balance)
