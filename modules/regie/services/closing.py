"""Closing a cash day: the cash counted against what the receipts say, the variance explained, the day locked,
and the bordereau de versement numbered for the Trésorerie."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.regie.models import CashDay, Receipt, Remittance
from modules.regie.services.common import require
from platform_core.audit import services as audit
from platform_core.money import to_dirhams
from platform_core.numbering.services import allocate

ZERO = Decimal("0.00")


def day_totals(day: CashDay) -> tuple[Decimal, Decimal]:
    """(cash, cheques and transfers) of the day's valid receipts."""
    valid = Q(status=Receipt.Status.VALID)
    totals = Receipt.objects.filter(cash_day=day).aggregate(
        cash=Sum("amount", filter=valid & Q(method=Receipt.Method.CASH)),
        other=Sum("amount", filter=valid & ~Q(method=Receipt.Method.CASH)),
    )
    return totals["cash"] or ZERO, totals["other"] or ZERO


@transaction.atomic
def close_day(day_id: int, *, actor, counted_cash, explanation: str = "", cash_count: dict | None = None,
              request=None) -> Remittance:
    """Close the day (the cashier's own, or a field collector's by the régisseur who takes their cash).
    `cash_count` ({denomination: count}), when given, must add up to `counted_cash` and is kept with the day."""
    require(actor, "close_cashday")
    day = CashDay.objects.select_for_update().get(pk=day_id)
    if day.cashier_id != actor.pk and day.cashier.has_perm("regie.close_cashday"):
        raise PermissionDenied(_("Each régisseur closes their own day."))
    if day.status == CashDay.Status.CLOSED:
        raise ValidationError(_("This cash day is already closed."))
    try:
        counted = to_dirhams(counted_cash)
    except (TypeError, ValueError) as error:
        raise ValidationError({"counted_cash": str(error)}) from None
    count = {str(to_dirhams(value)): int(number) for value, number in (cash_count or {}).items() if number}
    if count and sum(Decimal(value) * number for value, number in count.items()) != counted:
        raise ValidationError({"counted_cash": _("The cash counted is not the sum of the notes and coins.")})
    cash, other = day_totals(day)
    variance = counted - cash
    explanation = explanation.strip()
    if variance and not explanation:
        raise ValidationError({"variance_explanation": _(
            "The cash counted differs from the receipts by %(variance)s: explain the difference.")
            % {"variance": variance}})
    day.system_cash, day.system_other = cash, other
    day.counted_cash, day.cash_count, day.variance, day.variance_explanation = counted, count, variance, explanation
    day.status, day.closed_at, day.closed_by = CashDay.Status.CLOSED, timezone.now(), actor
    day.save()
    remittance = Remittance.objects.create(
        year=day.day.year, number=allocate("regie.remittance", day.day.year), cash_day=day,
        cash=cash, other=other, amount=cash + other, prepared_by=actor,
    )
    audit.record("regie.close_day", actor=actor, target=day, request=request,
                 after={"day": day.day, "cashier": day.cashier.get_username(), "system_cash": cash,
                        "system_other": other, "counted_cash": counted, "variance": variance,
                        "cash_count": count, "explanation": explanation, "remittance": remittance.reference})
    return remittance
