"""Ordres de recette: issued from the tariff in force, paid by receipts, cancelled only with the ordonnateur's
approval and then kept, marked, with their reason."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.regie import tariffs
from modules.regie.models import Assessment, Tariff, TaxableItem, Taxpayer
from modules.regie.services.common import require
from platform_core.audit import services as audit
from platform_core.numbering.services import allocate

# Letters and digits a citizen cannot confuse when typing the key from a paper (no 0/O, 1/I/L).
KEY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
KEY_LENGTH = 10


def new_access_key() -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(KEY_LENGTH))


def create_assessment(*, tariff: Tariff, base_values: dict | None, actor=None, taxpayer: Taxpayer | None = None,
                      item: TaxableItem | None = None, payer_name: str = "", period: str = "",
                      source: str = "", source_reference: str = "", on: datetime.date | None = None) -> Assessment:
    """Compute and number an assessment inside the caller's transaction (no permission check, no audit)."""
    on = on or timezone.localdate()
    if not tariff.active:
        raise ValidationError(_("The tariff “%(tariff)s” is no longer in use.") % {"tariff": tariff.name_fr})
    if taxpayer is None and not payer_name.strip():
        raise ValidationError({"payer_name": _("Say who pays: a registered taxpayer or a name.")})
    if item is not None and taxpayer is not None and item.taxpayer_id != taxpayer.pk:
        raise ValidationError({"item": _("This item belongs to another taxpayer.")})
    version = tariffs.version_in_force(tariff, on)
    values = dict(base_values or {})
    if item is not None and item.area_m2 is not None:
        values.setdefault("area_m2", item.area_m2)
    computation = tariffs.compute(version, values, zone=item.zone if item else "")
    if computation.principal <= 0:
        raise ValidationError(_("Nothing is due: the amount is below the exemption threshold of the tariff."))
    return Assessment.objects.create(
        year=on.year, number=allocate("regie.assessment", on.year), access_key=new_access_key(),
        taxpayer=taxpayer, payer_name=payer_name.strip() or (taxpayer.name_latin if taxpayer else ""),
        item=item, tariff_version=version, period=period, base_values=computation.base_values,
        principal=computation.principal, due_date=on + datetime.timedelta(days=version.payment_days),
        issued_by=actor, source=source, source_reference=source_reference,
    )


@transaction.atomic
def issue_assessment(*, actor, tariff: Tariff, base_values: dict | None = None, taxpayer: Taxpayer | None = None,
                     item: TaxableItem | None = None, payer_name: str = "", period: str = "",
                     request=None) -> Assessment:
    require(actor, "add_assessment")
    assessment = create_assessment(tariff=tariff, base_values=base_values, actor=actor, taxpayer=taxpayer,
                                   item=item, payer_name=payer_name, period=period)
    audit.record("regie.issue_assessment", actor=actor, target=assessment, request=request,
                 after={"reference": assessment.reference, "principal": assessment.principal,
                        "tariff": tariff.code, "taxpayer": getattr(taxpayer, "pk", None)})
    return assessment


@transaction.atomic
def request_cancellation(assessment_id: int, *, actor, reason: str, request=None) -> Assessment:
    """Anyone who may issue or collect asks; the ordonnateur decides."""
    if not (actor.has_perm("regie.add_assessment") or actor.has_perm("regie.add_receipt")):
        require(actor, "add_assessment")
    assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
    _check_cancellable(assessment)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the cancellation.")})
    assessment.cancellation_reason = reason.strip()
    assessment.cancellation_requested_by = actor
    assessment.cancellation_requested_at = timezone.now()
    assessment.save(update_fields=["cancellation_reason", "cancellation_requested_by", "cancellation_requested_at"])
    audit.record("regie.request_cancellation", actor=actor, target=assessment, after={"reason": reason},
                 request=request)
    return assessment


@transaction.atomic
def approve_cancellation(assessment_id: int, *, actor, request=None) -> Assessment:
    require(actor, "approve_cancellation")
    assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
    _check_cancellable(assessment)
    if not assessment.cancellation_requested_at:
        raise ValidationError(_("No cancellation has been asked for this assessment."))
    assessment.status = Assessment.Status.CANCELLED
    assessment.cancelled_by = actor
    assessment.cancelled_at = timezone.now()
    assessment.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    audit.record("regie.approve_cancellation", actor=actor, target=assessment,
                 after={"reason": assessment.cancellation_reason}, request=request)
    return assessment


@transaction.atomic
def reject_cancellation(assessment_id: int, *, actor, request=None) -> Assessment:
    require(actor, "approve_cancellation")
    assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
    _check_cancellable(assessment)
    before = {"reason": assessment.cancellation_reason}
    assessment.cancellation_reason = ""
    assessment.cancellation_requested_by = None
    assessment.cancellation_requested_at = None
    assessment.save(update_fields=["cancellation_reason", "cancellation_requested_by", "cancellation_requested_at"])
    audit.record("regie.reject_cancellation", actor=actor, target=assessment, before=before, request=request)
    return assessment


def _check_cancellable(assessment: Assessment) -> None:
    if assessment.status == Assessment.Status.CANCELLED:
        raise ValidationError(_("This assessment is already cancelled."))
    if assessment.principal_paid > 0:
        raise ValidationError(_("Receipts were issued for this assessment: void them before cancelling it."))
