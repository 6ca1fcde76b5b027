"""Fees that other modules charge through the régie (a civil-status paper, an urbanism permit).

This is the régie's public interface: other modules import only `quote_fee`, `charge_fee`, `fee_status` and the
`fee_paid` signal, from `modules.regie.services`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.regie import tariffs
from modules.regie.models import Assessment, Tariff
from modules.regie.services.assessments import create_assessment
from modules.regie.services.receipts import amount_due
from platform_core.audit import services as audit


@dataclass(frozen=True)
class FeeStatus:
    reference: str  # the assessment's reference, which the citizen pays at the counter
    access_key: str  # with the reference, lets the citizen see the fee on the portal
    principal: Decimal
    amount_due: Decimal  # today, penalties included
    paid: bool
    cancelled: bool
    due_date: datetime.date


def _tariff(code: str) -> Tariff:
    tariff = Tariff.objects.filter(code=code, active=True).first()
    if tariff is None:
        raise ValidationError(_("The commune's fiscal order has no fee “%(code)s”.") % {"code": code})
    return tariff


def quote_fee(tariff_code: str, base_values: dict | None = None, *, on: datetime.date | None = None) -> Decimal:
    """What the fee comes to today (or `on`), without charging it: the procedure guide shows it."""
    tariff = _tariff(tariff_code)
    return tariffs.compute(tariffs.version_in_force(tariff, on or timezone.localdate()), base_values).principal


@transaction.atomic
def charge_fee(*, tariff_code: str, payer_name: str, source: str, source_reference: str,
               base_values: dict | None = None, actor=None) -> FeeStatus:
    """Charge a fee for another module's request; charging the same request again returns the same fee."""
    if not source or not source_reference:
        raise ValueError("A fee names the module and the request it is for (source, source_reference).")
    existing = (Assessment.objects.select_for_update().filter(source=source, source_reference=source_reference)
                .exclude(status=Assessment.Status.CANCELLED).first())
    if existing is not None:
        return _status(existing)
    assessment = create_assessment(tariff=_tariff(tariff_code), base_values=base_values, actor=actor,
                                   payer_name=payer_name, source=source, source_reference=source_reference)
    audit.record("regie.charge_fee", actor=actor, target=assessment,
                 after={"reference": assessment.reference, "principal": assessment.principal, "source": source,
                        "source_reference": source_reference})
    return _status(assessment)


def fee_status(source: str, source_reference: str) -> FeeStatus | None:
    """The fee charged for a request, or None if none was charged (cancelled fees are reported as such)."""
    charged = Assessment.objects.filter(source=source, source_reference=source_reference).order_by("-issued_at")
    assessment = charged.exclude(status=Assessment.Status.CANCELLED).first() or charged.first()
    return _status(assessment) if assessment else None


def _status(assessment: Assessment) -> FeeStatus:
    principal_due, penalty_due = amount_due(assessment, timezone.localdate())
    cancelled = assessment.status == Assessment.Status.CANCELLED
    return FeeStatus(
        reference=assessment.reference, access_key=assessment.access_key, principal=assessment.principal,
        amount_due=Decimal("0.00") if cancelled else principal_due + penalty_due,
        paid=assessment.status == Assessment.Status.PAID, cancelled=cancelled, due_date=assessment.due_date,
    )
