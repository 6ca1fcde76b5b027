"""Reads of the revenue budget: each line's forecast beside what was collected so far on it.

Collected on a line = the valid receipts of the year (by their cash day) whose tariff carries the line's budget
code. What was collected on a tariff with no code, or a code with no line that year, is shown apart so that the
total still matches the remittances."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from modules.regie.models import BudgetLine, Receipt

ZERO = Decimal("0.00")


@dataclass
class LineFigures:
    code: str
    label_fr: str
    label_ar: str
    forecast: Decimal
    collected: Decimal
    receipts: int
    line: BudgetLine | None = None

    @property
    def rate(self) -> Decimal | None:
        """Share of the forecast collected, in percent (None without a forecast)."""
        if not self.forecast:
            return None
        return (self.collected * 100 / self.forecast).quantize(Decimal("0.1"))

    def label(self, arabic: bool) -> str:
        return (self.label_ar if arabic else self.label_fr) or self.label_fr or self.label_ar


@dataclass
class BudgetReport:
    year: int
    lines: list[LineFigures]
    unbudgeted: list[LineFigures]  # collected on a code with no line (an empty code: no code on the tariff)

    @property
    def forecast(self) -> Decimal:
        return sum((line.forecast for line in self.lines), ZERO)

    @property
    def collected(self) -> Decimal:
        return sum((line.collected for line in self.lines), ZERO)

    @property
    def collected_apart(self) -> Decimal:
        return sum((line.collected for line in self.unbudgeted), ZERO)

    @property
    def receipts(self) -> int:
        return sum(line.receipts for line in self.lines) + sum(line.receipts for line in self.unbudgeted)

    @property
    def rate(self) -> Decimal | None:
        if not self.forecast:
            return None
        return (self.collected * 100 / self.forecast).quantize(Decimal("0.1"))


def collected_per_code(year: int) -> dict[str, tuple[Decimal, int]]:
    rows = (Receipt.objects.filter(status=Receipt.Status.VALID, cash_day__day__year=year)
            .values("tariff_version__tariff__budget_code")
            .annotate(total=Sum("amount"), count=Count("id")))
    return {row["tariff_version__tariff__budget_code"] or "": (row["total"] or ZERO, row["count"]) for row in rows}


def budget_report(year: int) -> BudgetReport:
    collected = collected_per_code(year)
    lines = []
    for line in BudgetLine.objects.filter(year=year).order_by("code"):
        total, count = collected.pop(line.code, (ZERO, 0))
        lines.append(LineFigures(line.code, line.label_fr, line.label_ar, line.forecast, total, count, line))
    apart = [LineFigures(code, "", "", ZERO, total, count) for code, (total, count) in sorted(collected.items())]
    return BudgetReport(year, lines, apart)


def budget_years() -> list[int]:
    """The years with budget lines, and this year."""
    years = set(BudgetLine.objects.values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)
