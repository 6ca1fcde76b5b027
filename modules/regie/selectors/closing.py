"""Reads of cash closing: the cash days with their figures, a day's receipts and totals, the receipts of the
relevé nominatif, and the cancelled-receipts register."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum

from modules.regie.models import CashDay, Receipt
from platform_core.querysets import filter_given

ZERO = Decimal("0.00")
VALID = Q(status=Receipt.Status.VALID)
CASH = Q(method=Receipt.Method.CASH)


@dataclass
class DayFilters:
    cashier_id: int | None = None
    status: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


def cash_days(filters: DayFilters | None = None) -> QuerySet[CashDay]:
    """The cash days, newest first, each with its receipts counted and its live totals (`live_cash`,
    `live_other`: what the valid receipts add up to now, the same as the recorded totals once closed)."""
    filters = filters or DayFilters()
    days = CashDay.objects.select_related("cashier", "closed_by", "remittance").annotate(
        receipt_count=Count("receipts"),
        voided_count=Count("receipts", filter=Q(receipts__status=Receipt.Status.VOIDED)),
        live_cash=Sum("receipts__amount", filter=Q(receipts__status=Receipt.Status.VALID,
                                                   receipts__method=Receipt.Method.CASH)),
        live_other=Sum("receipts__amount", filter=Q(receipts__status=Receipt.Status.VALID)
                   & ~Q(receipts__method=Receipt.Method.CASH)),
    )
    return filter_given(days, cashier_id=filters.cashier_id, status=filters.status, day__gte=filters.start,
                        day__lte=filters.end).order_by("-day", "cashier__username")


def cashiers():
    """The people who have held a cash day, for the list's filter."""
    return get_user_model().objects.filter(cash_days__isnull=False).distinct().order_by("first_name", "username")


def day_receipts(day: CashDay) -> QuerySet[Receipt]:
    """Every receipt of the day, voided ones included, in book and number order."""
    return _receipts(Receipt.objects.filter(cash_day=day))


def _receipts(receipts: QuerySet[Receipt]) -> QuerySet[Receipt]:
    return receipts.select_related("book", "cashier", "voided_by", "tariff_version__tariff", "assessment",
                                   "cash_day").order_by("book__series", "book__year", "number")


@dataclass
class MethodTotal:
    method: str
    label: str
    count: int
    amount: Decimal


@dataclass
class Totals:
    """What a list of receipts adds up to: valid receipts by payment method, voided ones apart."""

    by_method: list[MethodTotal] = field(default_factory=list)
    valid_count: int = 0
    voided_count: int = 0
    voided_amount: Decimal = ZERO
    cash: Decimal = ZERO
    other: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.cash + self.other


def totals(receipts: QuerySet[Receipt]) -> Totals:
    rows = receipts.order_by().values("method", "status").annotate(count=Count("id"), amount=Sum("amount"))
    result = Totals()
    by_method = {}
    for row in rows:
        if row["status"] == Receipt.Status.VOIDED:
            result.voided_count += row["count"]
            result.voided_amount += row["amount"] or ZERO
            continue
        result.valid_count += row["count"]
        by_method[row["method"]] = row
        if row["method"] == Receipt.Method.CASH:
            result.cash += row["amount"] or ZERO
        else:
            result.other += row["amount"] or ZERO
    for method, label in Receipt.Method.choices:
        row = by_method.get(method)
        result.by_method.append(MethodTotal(method, label, row["count"] if row else 0,
                                            (row["amount"] or ZERO) if row else ZERO))
    return result


@dataclass
class BudgetTotal:
    budget_code: str
    tariff_fr: str
    tariff_ar: str
    count: int
    amount: Decimal


def totals_by_tariff(receipts: QuerySet[Receipt]) -> list[BudgetTotal]:
    """Valid receipts added up per tariff (with its budget line), for the Trésorerie's reconciliation."""
    rows = (receipts.filter(VALID).order_by()
            .values("tariff_version__tariff__budget_code", "tariff_version__tariff__name_fr",
                    "tariff_version__tariff__name_ar")
            .annotate(count=Count("id"), amount=Sum("amount"))
            .order_by("tariff_version__tariff__budget_code", "tariff_version__tariff__name_fr"))
    return [BudgetTotal(row["tariff_version__tariff__budget_code"] or "", row["tariff_version__tariff__name_fr"] or "",
                        row["tariff_version__tariff__name_ar"] or "", row["count"], row["amount"] or ZERO)
            for row in rows]


def period_receipts(start: datetime.date, end: datetime.date, cashier_id: int | None = None) -> QuerySet[Receipt]:
    """Every receipt of the cash days from `start` to `end` (a cashier's, or everyone's), in number order."""
    receipts = Receipt.objects.filter(cash_day__day__gte=start, cash_day__day__lte=end)
    if cashier_id:
        receipts = receipts.filter(cashier_id=cashier_id)
    return _receipts(receipts)


def cancelled_receipts(year: int, month: int | None = None) -> QuerySet[Receipt]:
    """The cancelled-receipts register: every voided receipt issued in the year (or month), in number order."""
    receipts = Receipt.objects.filter(status=Receipt.Status.VOIDED, cash_day__day__year=year)
    if month:
        receipts = receipts.filter(cash_day__day__month=month)
    return _receipts(receipts)


def can_close(user, day: CashDay) -> bool:
    """Whether `user` may close `day` (the service decides; this only hides the button): their own day, or a
    field collector's day taken by a régisseur."""
    if day.status != CashDay.Status.OPEN or not user.has_perm("regie.close_cashday"):
        return False
    return day.cashier_id == user.pk or not day.cashier.has_perm("regie.close_cashday")
