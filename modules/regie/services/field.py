"""Field collection from a collector's device: a block of numbers of the collector's field book is reserved for
the device, receipts are written offline and uploaded later, each with a key the device made. The same upload
sent again finds the receipt already stored; a number outside the device's blocks is refused."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.regie.models import BookMovement, DeviceBlock, Receipt, ReceiptBook
from modules.regie.services.common import open_cash_day, require
from modules.regie.services.receipts import Payment, _check_book, current_book, record_receipt
from platform_core.audit import services as audit
from platform_core.numbering.services import allocate_block, peek

MAX_BLOCK = 500


class UploadConflict(Exception):
    """The key was already used for a different receipt."""


@transaction.atomic
def reserve_block(*, actor, device_id: str, count: int, request=None) -> DeviceBlock:
    """Take `count` numbers of the collector's field book for a device (fewer when the book has fewer left)."""
    require(actor, "collect_in_field")
    device_id = device_id.strip()
    if not device_id:
        raise ValidationError({"device_id": _("Say which device the numbers are for.")})
    if not 1 <= count <= MAX_BLOCK:
        raise ValidationError({"count": _("Ask for between 1 and %(max)s numbers.") % {"max": MAX_BLOCK}})
    book = current_book(actor, use=ReceiptBook.Use.FIELD)
    if book is None:
        raise ValidationError(_("You hold no field receipt book with numbers left: ask the ordonnateur for one."))
    left = book.size - peek(book.number_series, book.year, lock=True)
    book = ReceiptBook.objects.get(pk=book.pk)
    _check_book(book, actor, use=ReceiptBook.Use.FIELD)
    offsets = allocate_block(book.number_series, book.year, min(count, left))
    block = DeviceBlock.objects.create(book=book, collector=actor, device_id=device_id,
                                       first_number=book.first_number + offsets.start - 1,
                                       last_number=book.first_number + offsets.stop - 2)
    if book.status == ReceiptBook.Status.ISSUED:
        book.status = ReceiptBook.Status.IN_USE
        book.save(update_fields=["status"])
    BookMovement.objects.create(book=book, kind=BookMovement.Kind.DEVICE_BLOCK, by=actor, holder=actor,
                                first_number=block.first_number, last_number=block.last_number,
                                note=device_id)
    audit.record("regie.reserve_block", actor=actor, target=block, request=request,
                 after={"book": book.label, "from": block.first_number, "to": block.last_number,
                        "device": device_id})
    return block


def _same_upload(receipt: Receipt, *, number: int, book_id: int, amount) -> bool:
    return receipt.number == number and receipt.book_id == book_id and (amount is None or receipt.amount == amount)


def upload_receipt(*, actor, device_id: str, idempotency_key: str, book_id: int, number: int,
                   collected_at: datetime.datetime, payment: Payment, amount=None,
                   request=None) -> tuple[Receipt, bool]:
    """Store a receipt written offline; (receipt, created). `amount` is what the device printed: it must match
    what the tariff or the assessment asks today."""
    require(actor, "collect_in_field")
    idempotency_key = (idempotency_key or "").strip()
    if not 8 <= len(idempotency_key) <= 80:
        raise ValidationError({"idempotency_key": _("Each upload carries its own key of 8 to 80 characters.")})
    existing = Receipt.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed(existing, actor=actor, number=number, book_id=book_id, amount=amount)
    try:
        with transaction.atomic(durable=True):
            receipt = _store_upload(actor=actor, device_id=device_id, idempotency_key=idempotency_key,
                                    book_id=book_id, number=number, collected_at=collected_at, payment=payment,
                                    amount=amount, request=request)
    except IntegrityError:
        # The same upload, sent twice at once: the other one stored it.
        existing = Receipt.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise ValidationError({"number": _("The number %(number)s of this book is already used.")
                                   % {"number": number}}) from None
        return _replayed(existing, actor=actor, number=number, book_id=book_id, amount=amount)
    return receipt, True


def _replayed(existing: Receipt, *, actor, number, book_id, amount) -> tuple[Receipt, bool]:
    if existing.cashier_id != actor.pk or not _same_upload(existing, number=number, book_id=book_id, amount=amount):
        raise UploadConflict(_("This upload key was already used for another receipt."))
    return existing, False


def _store_upload(*, actor, device_id, idempotency_key, book_id, number, collected_at, payment, amount,
                  request) -> Receipt:
    block = (DeviceBlock.objects.select_related("book")
             .filter(collector=actor, device_id=device_id.strip(), book_id=book_id,
                     first_number__lte=number, last_number__gte=number).first())
    if block is None:
        raise ValidationError({"number": _("The number %(number)s was not given to this device.")
                               % {"number": number}})
    book = block.book
    if book.status not in (ReceiptBook.Status.ISSUED, ReceiptBook.Status.IN_USE):
        raise ValidationError(_("The book %(book)s has been returned.") % {"book": book.label})
    if collected_at > timezone.now() + datetime.timedelta(minutes=10):
        raise ValidationError({"collected_at": _("The collection time is in the future: check the device's "
                                                 "clock.")})
    day = open_cash_day(actor)
    receipt = record_receipt(book=book, number=number, day=day, cashier=actor, payment=payment,
                             collected_at=collected_at, device_block=block, idempotency_key=idempotency_key)
    if amount is not None and receipt.amount != amount:
        raise ValidationError({"amount": _("The device printed %(printed)s but %(due)s is due: the receipt was "
                                           "not stored.") % {"printed": amount, "due": receipt.amount}})
    audit.record("regie.upload_receipt", actor=actor, target=receipt, request=request,
                 after={"reference": receipt.reference, "amount": receipt.amount, "device": device_id,
                        "collected_at": collected_at})
    return receipt


@transaction.atomic
def void_spoiled_number(*, actor, book_id: int, number: int, reason: str, request=None) -> Receipt:
    """Account for a number taken but never used (a torn stub, a device lost with numbers left): a voided receipt
    of no amount, so that the book can be returned with every number accounted for."""
    require(actor, "void_receipt")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for voiding the number.")})
    book = ReceiptBook.objects.get(pk=book_id)
    taken = peek(book.number_series, book.year, lock=True)
    if not book.first_number <= number < book.first_number + taken:
        raise ValidationError({"number": _("The number %(number)s has not been taken from the book %(book)s.")
                               % {"number": number, "book": book.label}})
    if Receipt.objects.filter(book=book, number=number).exists():
        raise ValidationError({"number": _("The number %(number)s already has a receipt.") % {"number": number}})
    holder = book.holder or actor
    day = open_cash_day(holder)
    now = timezone.now()
    block = book.device_blocks.filter(first_number__lte=number, last_number__gte=number).first()
    receipt = Receipt.objects.create(
        book=book, number=number, cash_day=day, cashier=holder, issued_at=now, collected_at=now,
        status=Receipt.Status.VOIDED, void_reason=reason.strip(), voided_at=now, voided_by=actor,
        device_block=block,
    )
    audit.record("regie.void_spoiled_number", actor=actor, target=receipt, request=request,
                 after={"book": book.label, "number": number, "reason": reason.strip()})
    return receipt
