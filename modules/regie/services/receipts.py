"""Receipts (quittances): money received at the counter or in the field, numbered with no gap inside the book,
voided with a reason and kept. Paying an assessment updates what remains due; a fee paid in full tells the
module that charged it (signal `fee_paid`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.regie import tariffs
from modules.regie.models import Assessment, CashDay, DeviceBlock, Receipt, ReceiptBook, Tariff, TaxableItem, Taxpayer
from modules.regie.services.books import used_count
from modules.regie.services.common import open_cash_day, require
from modules.regie.signals import fee_paid
from platform_core.audit import services as audit
from platform_core.money import to_dirhams
from platform_core.numbering.services import allocate

ZERO = Decimal("0.00")


@dataclass
class Payment:
    """What a receipt is for: an assessment (all or part of what is due), or a fee computed from a tariff."""

    assessment: Assessment | None = None
    tariff: Tariff | None = None
    base_values: dict = field(default_factory=dict)
    amount: Decimal | str | None = None  # for an assessment: defaults to everything due today
    taxpayer: Taxpayer | None = None
    item: TaxableItem | None = None
    payer_name: str = ""
    method: str = Receipt.Method.CASH
    method_reference: str = ""


def current_book(cashier, use: str = ReceiptBook.Use.COUNTER) -> ReceiptBook | None:
    """The book the cashier writes in now: the oldest of theirs, of the year, with numbers left."""
    year = timezone.localdate().year
    for book in ReceiptBook.objects.filter(holder=cashier, use=use, year=year,
                                           status__in=[ReceiptBook.Status.ISSUED, ReceiptBook.Status.IN_USE]
                                           ).order_by("serial"):
        if used_count(book) < book.size:
            return book
    return None


def amount_due(assessment: Assessment, on: datetime.date) -> tuple[Decimal, Decimal]:
    """(principal due, penalty due) on a date; the penalty runs on what remains of the principal."""
    principal = assessment.principal_due
    return principal, tariffs.penalty(assessment.tariff_version, principal, assessment.due_date, on)


def _priced(payment: Payment, today: datetime.date) -> tuple[Decimal, Decimal, object, dict]:
    """(principal, penalty, tariff version, base values) of the payment; payments go to the penalty first."""
    if payment.assessment is not None:
        assessment = payment.assessment
        if assessment.status == Assessment.Status.CANCELLED:
            raise ValidationError(_("The assessment %(ref)s is cancelled.") % {"ref": assessment.reference})
        if assessment.status == Assessment.Status.PAID:
            raise ValidationError(_("The assessment %(ref)s is already paid.") % {"ref": assessment.reference})
        principal_due, penalty_due = amount_due(assessment, today)
        total_due = principal_due + penalty_due
        amount = total_due if payment.amount in (None, "") else to_dirhams(payment.amount)
        if amount <= 0:
            raise ValidationError({"amount": _("The amount must be more than zero.")})
        if amount > total_due:
            raise ValidationError({"amount": _("%(amount)s is more than the %(due)s due on %(ref)s.")
                                   % {"amount": amount, "due": total_due, "ref": assessment.reference}})
        if amount < penalty_due:
            raise ValidationError({"amount": _("A payment must at least cover the late penalty of %(penalty)s.")
                                   % {"penalty": penalty_due}})
        return amount - penalty_due, penalty_due, assessment.tariff_version, assessment.base_values
    if payment.tariff is None:
        raise ValidationError(_("Say what is paid: an assessment or a tariff."))
    if not payment.tariff.active:
        raise ValidationError(_("The tariff “%(tariff)s” is no longer in use.") % {"tariff": payment.tariff.name_fr})
    version = tariffs.version_in_force(payment.tariff, today)
    values = dict(payment.base_values or {})
    if payment.item is not None and payment.item.area_m2 is not None:
        values.setdefault("area_m2", payment.item.area_m2)
    computation = tariffs.compute(version, values, zone=payment.item.zone if payment.item else "")
    if computation.principal <= 0:
        raise ValidationError(_("Nothing is due: the amount is below the exemption threshold of the tariff."))
    return computation.principal, ZERO, version, computation.base_values


def _payer(payment: Payment) -> tuple[Taxpayer | None, str]:
    taxpayer = payment.taxpayer or (payment.assessment.taxpayer if payment.assessment else None)
    name = payment.payer_name.strip() or (payment.assessment.payer_name if payment.assessment else "")
    name = name or (taxpayer.name_latin if taxpayer else "")
    if not name:
        raise ValidationError({"payer_name": _("Write the payer's name.")})
    return taxpayer, name


def _check_method(payment: Payment) -> None:
    if payment.method not in Receipt.Method.values:
        raise ValidationError({"method": _("Unknown payment method.")})
    if payment.method != Receipt.Method.CASH and not payment.method_reference.strip():
        raise ValidationError({"method_reference": _("Write the cheque or transfer number.")})


def record_receipt(*, book: ReceiptBook, number: int, day: CashDay, cashier, payment: Payment,
                   collected_at: datetime.datetime, device_block: DeviceBlock | None = None,
                   idempotency_key: str | None = None) -> Receipt:
    """Write a receipt with a number already taken, and apply it to its assessment (caller's transaction)."""
    _check_method(payment)
    if payment.assessment is not None:
        payment.assessment = Assessment.objects.select_for_update().get(pk=payment.assessment.pk)
    # Priced on the day the money was received: a device that uploads next month owes no new penalty.
    principal, penalty, version, base_values = _priced(payment, timezone.localdate(collected_at))
    taxpayer, payer_name = _payer(payment)
    receipt = Receipt.objects.create(
        book=book, number=number, cash_day=day, cashier=cashier, issued_at=timezone.now(),
        collected_at=collected_at, taxpayer=taxpayer, payer_name=payer_name, assessment=payment.assessment,
        item=payment.item or (payment.assessment.item if payment.assessment else None), tariff_version=version,
        base_values=base_values, principal=principal, penalty=penalty, amount=principal + penalty,
        method=payment.method, method_reference=payment.method_reference.strip(), device_block=device_block,
        idempotency_key=idempotency_key,
    )
    if payment.assessment is not None:
        _apply(payment.assessment, principal, penalty)
    if book.status == ReceiptBook.Status.ISSUED:
        ReceiptBook.objects.filter(pk=book.pk, status=ReceiptBook.Status.ISSUED).update(
            status=ReceiptBook.Status.IN_USE)
    return receipt


def _apply(assessment: Assessment, principal: Decimal, penalty: Decimal) -> None:
    """Add (or, for a voided receipt, take back) a payment on the assessment and set its status."""
    assessment.principal_paid += principal
    assessment.penalty_paid += penalty
    if assessment.principal_paid >= assessment.principal:
        assessment.status = Assessment.Status.PAID
    elif assessment.principal_paid > 0:
        assessment.status = Assessment.Status.PARTLY_PAID
    else:
        assessment.status = Assessment.Status.ISSUED
    assessment.save(update_fields=["principal_paid", "penalty_paid", "status"])
    if assessment.status == Assessment.Status.PAID and assessment.source:
        transaction.on_commit(lambda: fee_paid.send(sender=Assessment, assessment=assessment,
                                                    source=assessment.source,
                                                    source_reference=assessment.source_reference))


@transaction.atomic
def issue_receipt(*, actor, payment: Payment, book: ReceiptBook | None = None, request=None) -> Receipt:
    """A receipt at the counter: the cashier's open day, the next number of their book, the amount computed."""
    require(actor, "add_receipt")
    day = open_cash_day(actor)
    book = book or current_book(actor)
    if book is None:
        raise ValidationError(_("You hold no receipt book with numbers left: ask the ordonnateur for one."))
    # Taking the number locks the book's sequence; the book is read after it, so a return that committed
    # meanwhile is seen.
    offset = allocate(book.number_series, book.year)
    book = ReceiptBook.objects.get(pk=book.pk)
    _check_book(book, actor, use=ReceiptBook.Use.COUNTER)
    number = book.first_number + offset - 1
    if number > book.last_number:
        raise ValidationError(_("The book %(book)s is full: take the next one.") % {"book": book.label})
    receipt = record_receipt(book=book, number=number, day=day, cashier=actor, payment=payment,
                             collected_at=timezone.now())
    audit.record("regie.issue_receipt", actor=actor, target=receipt, request=request,
                 after={"reference": receipt.reference, "amount": receipt.amount, "method": receipt.method,
                        "assessment": getattr(receipt.assessment, "reference", None)})
    return receipt


def _check_book(book: ReceiptBook, actor, *, use: str) -> None:
    if book.holder_id != actor.pk or book.status not in (ReceiptBook.Status.ISSUED, ReceiptBook.Status.IN_USE):
        raise ValidationError(_("The book %(book)s is not in your hands.") % {"book": book.label})
    if book.use != use:
        raise ValidationError(_("The book %(book)s is not for this kind of collection.") % {"book": book.label})
    if book.year != timezone.localdate().year:
        raise ValidationError(_("The book %(book)s is for %(year)s.") % {"book": book.label, "year": book.year})


@transaction.atomic
def void_receipt(receipt_id: int, *, actor, reason: str, request=None) -> Receipt:
    """Void a receipt of a day still open: it keeps its number and shows in the cancelled-receipts register;
    what it paid on an assessment is due again."""
    require(actor, "void_receipt")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding the receipt.")})
    receipt = Receipt.objects.select_related("cash_day").get(pk=receipt_id)
    day = CashDay.objects.select_for_update().get(pk=receipt.cash_day_id)
    if day.status == CashDay.Status.CLOSED:
        raise ValidationError(_("The cash day of this receipt is closed: it can no longer be voided."))
    receipt = Receipt.objects.select_for_update().get(pk=receipt_id)
    if receipt.status == Receipt.Status.VOIDED:
        raise ValidationError(_("This receipt is already voided."))
    receipt.status, receipt.void_reason = Receipt.Status.VOIDED, reason.strip()
    receipt.voided_at, receipt.voided_by = timezone.now(), actor
    receipt.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])
    if receipt.assessment_id:
        assessment = Assessment.objects.select_for_update().get(pk=receipt.assessment_id)
        _apply(assessment, -receipt.principal, -receipt.penalty)
    audit.record("regie.void_receipt", actor=actor, target=receipt, request=request,
                 after={"reference": receipt.reference, "amount": receipt.amount, "reason": reason.strip()})
    return receipt
