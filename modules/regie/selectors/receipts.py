"""Reads of the counter and the receipt screens: the cashier's book and day, the receipts list with its filters,
the cancelled-receipts register, and what the counter needs to price a payment before issuing it."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from modules.regie import tariffs
from modules.regie.models import Assessment, CashDay, Receipt, ReceiptBook, Tariff, Taxpayer
from modules.regie.services.books import used_count
from modules.regie.services.receipts import current_book

ZERO = Decimal("0.00")
ASSESSMENT_REFERENCE = re.compile(r"^\s*OR\s*-\s*(\d{4})\s*-\s*0*(\d{1,9})\s*$", re.IGNORECASE)
RECEIPT_REFERENCE = re.compile(r"^\s*([A-Z]{1,10})\s*-\s*(\d{4})\s*/\s*0*(\d{1,9})\s*$", re.IGNORECASE)


def _receipts() -> QuerySet[Receipt]:
    return Receipt.objects.select_related("book", "cashier", "tariff_version__tariff", "assessment", "taxpayer",
                                          "voided_by", "cash_day")


# --- the counter -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BookState:
    book: ReceiptBook
    next_number: int
    left: int


def book_state(cashier) -> BookState | None:
    """The counter book the cashier writes in now, its next number and how many numbers are left."""
    book = current_book(cashier)
    if book is None:
        return None
    used = used_count(book)
    return BookState(book=book, next_number=book.first_number + used, left=book.size - used)


def cash_day_today(cashier) -> CashDay | None:
    return CashDay.objects.filter(cashier=cashier, day=timezone.localdate()).first()


def day_receipts(cashier, day: datetime.date | None = None) -> tuple[list[Receipt], Decimal]:
    """The cashier's receipts of the day, newest first, and the total of the valid ones."""
    receipts = list(_receipts().filter(cashier=cashier, cash_day__day=day or timezone.localdate())
                    .order_by("-issued_at", "-number"))
    total = sum((receipt.amount for receipt in receipts if receipt.status == Receipt.Status.VALID), ZERO)
    return receipts, total


def find_assessment(reference: str) -> Assessment | None:
    """The assessment of a reference as printed (OR-2026-000123; spaces, case and leading zeros forgiven)."""
    match = ASSESSMENT_REFERENCE.match(reference or "")
    if not match:
        return None
    return (Assessment.objects.select_related("taxpayer", "item", "tariff_version__tariff")
            .filter(year=int(match[1]), number=int(match[2])).first())


def looks_like_assessment(text: str) -> bool:
    return bool(re.match(r"^\s*OR\s*-", text or "", re.IGNORECASE))


def find_tariff(text: str) -> Tariff | None:
    """An active tariff by its code, or by "code — name" as the counter's type-ahead list offers it."""
    code = (text or "").split(" — ", 1)[0].strip().lower()
    if not code:
        return None
    return Tariff.objects.filter(code=code, active=True).first()


def find_taxpayer(identifier: str) -> Taxpayer | None:
    """A registered taxpayer by CIN (letters and digits) or ICE (15 digits)."""
    identifier = (identifier or "").strip().upper()
    if not identifier:
        return None
    field = "ice" if identifier.isdigit() else "cin__iexact"
    return Taxpayer.objects.filter(**{field: identifier}).first()


def counter_tariffs(on: datetime.date | None = None) -> list[dict]:
    """The active tariffs with a version in force, each with the base values the counter must ask for."""
    on = on or timezone.localdate()
    entries = []
    for tariff in Tariff.objects.filter(active=True).prefetch_related("versions").order_by("code"):
        versions = sorted((v for v in tariff.versions.all() if v.effective_from <= on),
                          key=lambda version: version.effective_from, reverse=True)
        if not versions:
            continue
        entries.append({"code": tariff.code, "name_fr": tariff.name_fr, "name_ar": tariff.name_ar,
                        "base": versions[0].base, "values": list(tariffs.BASE_VALUES[versions[0].base])})
    return entries


# --- the receipts list ---------------------------------------------------------------------------------------------

def visible_to(viewer, receipts: QuerySet[Receipt]) -> QuerySet[Receipt]:
    """A field collector sees the receipts they wrote; the régie's office (who sees the cash days) sees all."""
    return receipts if viewer.has_perm("regie.view_cashday") else receipts.filter(cashier=viewer)


def search_receipts(*, viewer, day: datetime.date | None = None, cashier=None, book: ReceiptBook | None = None,
                    status: str = "", text: str = "") -> QuerySet[Receipt]:
    """The receipts `viewer` may see, newest first, filtered by day, cashier, book, status, and a number or a
    payer's name."""
    receipts = visible_to(viewer, _receipts()).order_by("-issued_at", "-pk")
    if day:
        receipts = receipts.filter(cash_day__day=day)
    if cashier:
        receipts = receipts.filter(cashier=cashier)
    if book:
        receipts = receipts.filter(book=book)
    if status:
        receipts = receipts.filter(status=status)
    text = (text or "").strip()
    if text:
        reference = RECEIPT_REFERENCE.match(text)
        if reference:
            receipts = receipts.filter(book__series=reference[1].upper(), book__year=int(reference[2]),
                                       number=int(reference[3]))
        elif text.isdigit():
            receipts = receipts.filter(Q(number=int(text)) | Q(payer_name__icontains=text))
        else:
            receipts = receipts.filter(Q(payer_name__icontains=text) | Q(taxpayer__name_ar__icontains=text)
                                       | Q(taxpayer__name_latin__icontains=text) | Q(taxpayer__cin__iexact=text))
    return receipts


def total_of(receipts: QuerySet[Receipt]) -> Decimal:
    return receipts.filter(status=Receipt.Status.VALID).aggregate(total=Sum("amount"))["total"] or ZERO


def receipt(pk: int, *, viewer) -> Receipt:
    """One receipt `viewer` may see, with everything its detail page and its paper show (Receipt.DoesNotExist
    otherwise)."""
    return visible_to(viewer, _receipts()).select_related("item", "tariff_version__tariff").get(pk=pk)


# --- the cancelled-receipts register -------------------------------------------------------------------------------

def cancelled_receipts(*, year: int, month: int | None = None) -> QuerySet[Receipt]:
    """Every voided receipt of a year (or a month), in book and number order, as the register lists them."""
    receipts = _receipts().filter(status=Receipt.Status.VOIDED, cash_day__day__year=year)
    if month:
        receipts = receipts.filter(cash_day__day__month=month)
    return receipts.order_by("book__series", "book__year", "book__serial", "number")
