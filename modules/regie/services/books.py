"""The receipt-book stock: books received, issued to one cashier, returned with every number accounted for,
and checked once a year by the ordonnateur. Every movement goes into the append-only ledger."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.regie.models import AnnualCheck, BookCheck, BookMovement, Receipt, ReceiptBook
from modules.regie.services.common import require
from platform_core.audit import services as audit
from platform_core.numbering.services import allocate, allocate_block, peek

MAX_BOOK_SIZE = 5000


@transaction.atomic
def receive_books(*, actor, series: str, year: int, count: int, size: int, use: str = ReceiptBook.Use.COUNTER,
                  request=None) -> list[ReceiptBook]:
    """Record `count` new books of `size` receipts; their numbers continue the series, so books never overlap
    and a book cannot exist outside the ledger."""
    require(actor, "manage_receipt_books")
    books = create_books(series=series, year=year, count=count, size=size, use=use, by=actor)
    audit.record("regie.receive_books", actor=actor, object_type="regie.receiptbook",
                 object_id=",".join(str(book.pk) for book in books), request=request,
                 after={"series": series, "year": year, "count": count, "size": size, "use": use})
    return books


def create_books(*, series: str, year: int, count: int, size: int, use: str, by=None) -> list[ReceiptBook]:
    """The books and their ledger lines, in the caller's transaction (recipes call it with no actor)."""
    if not 1 <= count <= 100:
        raise ValidationError({"count": _("Record between 1 and 100 books at a time.")})
    if not 1 <= size <= MAX_BOOK_SIZE:
        raise ValidationError({"size": _("A book holds between 1 and %(max)s receipts.") % {"max": MAX_BOOK_SIZE}})
    books = []
    for _index in range(count):
        numbers = allocate_block(f"regie.receipts.{series}", year, size)
        book = ReceiptBook(series=series, year=year, serial=allocate(f"regie.books.{series}", year),
                           first_number=numbers.start, last_number=numbers.stop - 1, use=use)
        book.full_clean()
        book.save()
        BookMovement.objects.create(book=book, kind=BookMovement.Kind.RECEIVED, by=by,
                                    first_number=book.first_number, last_number=book.last_number)
        books.append(book)
    return books


@transaction.atomic
def issue_book(book_id: int, *, actor, holder, request=None) -> ReceiptBook:
    require(actor, "manage_receipt_books")
    book = ReceiptBook.objects.select_for_update().get(pk=book_id)
    if book.status != ReceiptBook.Status.IN_STOCK:
        raise ValidationError(_("The book %(book)s is not in stock (%(status)s).")
                              % {"book": book.label, "status": book.get_status_display()})
    permission = "regie.collect_in_field" if book.use == ReceiptBook.Use.FIELD else "regie.add_receipt"
    if not holder.has_perm(permission):
        raise ValidationError({"holder": _("%(holder)s has no role that collects with this kind of book.")
                               % {"holder": holder.get_full_name() or holder.get_username()}})
    hand_over(book, holder, by=actor)
    audit.record("regie.issue_book", actor=actor, target=book, after={"holder": holder.get_username()},
                 request=request)
    return book


def hand_over(book: ReceiptBook, holder, *, by=None) -> None:
    book.status, book.holder, book.issued_at = ReceiptBook.Status.ISSUED, holder, timezone.now()
    book.save(update_fields=["status", "holder", "issued_at"])
    BookMovement.objects.create(book=book, kind=BookMovement.Kind.ISSUED, by=by, holder=holder)


def used_count(book: ReceiptBook) -> int:
    """How many of the book's numbers have been taken (by receipts at the counter or blocks sent to devices)."""
    return peek(book.number_series, book.year)


def _ranges(numbers: list[int]) -> str:
    """"3, 7–9, 12" for [3, 7, 8, 9, 12]."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def unaccounted_numbers(book: ReceiptBook) -> list[int]:
    """Numbers taken but without a receipt (valid, voided or spoiled): a device has not uploaded them yet."""
    taken = range(book.first_number, book.first_number + used_count(book))
    recorded = set(Receipt.objects.filter(book=book).values_list("number", flat=True))
    return [number for number in taken if number not in recorded]


@transaction.atomic
def return_book(book_id: int, *, actor, note: str = "", request=None) -> ReceiptBook:
    """The holder gives the book back; refused while any number taken is unaccounted for. The numbers never
    taken are recorded as returned unused, and the book cannot be used again."""
    require(actor, "manage_receipt_books")
    book = ReceiptBook.objects.select_for_update().get(pk=book_id)
    if book.status not in (ReceiptBook.Status.ISSUED, ReceiptBook.Status.IN_USE):
        raise ValidationError(_("The book %(book)s is not with a cashier (%(status)s).")
                              % {"book": book.label, "status": book.get_status_display()})
    # The book's sequence stays locked until the return commits: no receipt takes a number meanwhile.
    used = peek(book.number_series, book.year, lock=True)
    missing = unaccounted_numbers(book)
    if missing:
        raise ValidationError(_("The book %(book)s cannot be returned: numbers %(numbers)s are not accounted for. "
                                "Upload the device's receipts or void the unused numbers as spoiled.")
                              % {"book": book.label, "numbers": _ranges(missing)})
    first_unused = book.first_number + used
    holder = book.holder
    book.status, book.returned_at = ReceiptBook.Status.RETURNED, timezone.now()
    book.save(update_fields=["status", "returned_at"])
    BookMovement.objects.create(
        book=book, kind=BookMovement.Kind.RETURNED, by=actor, holder=holder, note=note,
        first_number=first_unused if first_unused <= book.last_number else None,
        last_number=book.last_number if first_unused <= book.last_number else None,
    )
    audit.record("regie.return_book", actor=actor, target=book, request=request,
                 after={"used": used, "unused": book.last_number - first_unused + 1, "note": note})
    return book


@transaction.atomic
def perform_annual_check(*, actor, year: int, presented: set[int], remarks: dict[int, str] | None = None,
                         general_remarks: str = "", request=None) -> AnnualCheck:
    """The ordonnateur's yearly check: every book of the year is listed, whatever its state, with its numbers as
    the system counts them and whether it was presented; a book not presented needs a remark. Returned books
    that were presented are marked checked."""
    require(actor, "manage_receipt_books")
    remarks = {book_id: text.strip() for book_id, text in (remarks or {}).items() if text and text.strip()}
    if AnnualCheck.objects.filter(year=year).exists():
        raise ValidationError(_("The receipt books of %(year)s have already been checked.") % {"year": year})
    books = list(ReceiptBook.objects.select_for_update(of=("self",)).filter(year=year).select_related("holder"))
    if not books:
        raise ValidationError(_("No receipt book was recorded for %(year)s.") % {"year": year})
    unexplained = [book.label for book in books if book.pk not in presented and book.pk not in remarks]
    if unexplained:
        raise ValidationError(_("Say why these books were not presented: %(books)s.")
                              % {"books": ", ".join(unexplained)})
    run = AnnualCheck.objects.create(year=year, performed_by=actor, remarks=general_remarks.strip())
    counts = _receipt_counts(books)
    for book in books:
        valid, voided = counts.get(book.pk, (0, 0))
        BookCheck.objects.create(
            check_run=run, book=book, status_in_system=book.status,
            holder_label=(book.holder.get_full_name() or book.holder.get_username()) if book.holder else "",
            valid_count=valid, voided_count=voided, unused_count=book.size - used_count(book),
            presented=book.pk in presented, remark=remarks.get(book.pk, ""),
        )
        if book.pk in presented and book.status == ReceiptBook.Status.RETURNED:
            book.status = ReceiptBook.Status.CHECKED
            book.save(update_fields=["status"])
            BookMovement.objects.create(book=book, kind=BookMovement.Kind.CHECKED, by=actor)
    audit.record("regie.annual_check", actor=actor, target=run, request=request,
                 after={"year": year, "books": len(books), "not_presented": len(books) - len(presented)})
    return run


def _receipt_counts(books) -> dict[int, tuple[int, int]]:
    rows = (Receipt.objects.filter(book__in=books).values("book")
            .annotate(valid=Count("id", filter=Q(status=Receipt.Status.VALID)),
                      voided=Count("id", filter=Q(status=Receipt.Status.VOIDED))))
    return {row["book"]: (row["valid"], row["voided"]) for row in rows}
