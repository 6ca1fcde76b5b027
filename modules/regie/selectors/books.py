"""Reads of the receipt-book stock: the ledger of every book with its numbers used and left, one book's detail,
and the figures of the annual check. Numbers used come from each book's own sequence, so a number taken by a
device but never uploaded still counts as used (and shows as unaccounted for)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from modules.regie.models import AnnualCheck, Receipt, ReceiptBook
from modules.regie.services.books import unaccounted_numbers
from platform_core.numbering.models import Sequence


@dataclass
class BookRow:
    """A book as the ledger shows it."""

    book: ReceiptBook
    used: int
    valid: int = 0
    voided: int = 0

    @property
    def left(self) -> int:
        return self.book.size - self.used

    @property
    def unaccounted(self) -> int:
        return max(self.used - self.valid - self.voided, 0)


def used_counts(books) -> dict[int, int]:
    """How many numbers of each book have been taken, in one query."""
    books = list(books)
    wanted = {(book.number_series, book.year): book.pk for book in books}
    rows = Sequence.objects.filter(series__in=[series for series, _year in wanted]).values_list(
        "series", "year", "last_value")
    return {wanted[(series, year)]: last for series, year, last in rows if (series, year) in wanted}


def receipt_counts(books) -> dict[int, tuple[int, int]]:
    rows = (Receipt.objects.filter(book__in=books).values("book")
            .annotate(valid=Count("id", filter=Q(status=Receipt.Status.VALID)),
                      voided=Count("id", filter=Q(status=Receipt.Status.VOIDED))))
    return {row["book"]: (row["valid"], row["voided"]) for row in rows}


def book_rows(books) -> list[BookRow]:
    books = list(books)
    used, counts = used_counts(books), receipt_counts(books)
    return [BookRow(book, used.get(book.pk, 0), *counts.get(book.pk, (0, 0))) for book in books]


def books(*, year: int | None = None, series: str = "", status: str = "", use: str = "", holder=None,
          serial: int | None = None):
    found = ReceiptBook.objects.select_related("holder").order_by("-year", "series", "serial")
    if year:
        found = found.filter(year=year)
    if series:
        found = found.filter(series=series.upper())
    if status:
        found = found.filter(status=status)
    if use:
        found = found.filter(use=use)
    if holder is not None:
        found = found.filter(holder=holder)
    if serial:
        found = found.filter(serial=serial)
    return found


def book_years() -> list[int]:
    return list(ReceiptBook.objects.order_by("-year").values_list("year", flat=True).distinct())


def book_series() -> list[str]:
    return list(ReceiptBook.objects.order_by("series").values_list("series", flat=True).distinct())


def stock_summary(rows: list[BookRow]) -> dict:
    """Totals of the ledger shown: books per status and numbers used, left and unaccounted for."""
    per_status = {status: 0 for status in ReceiptBook.Status.values}
    for row in rows:
        per_status[row.book.status] += 1
    return {
        "books": len(rows),
        "per_status": [(label, per_status[value]) for value, label in ReceiptBook.Status.choices],
        "numbers": sum(row.book.size for row in rows),
        "used": sum(row.used for row in rows),
        "left": sum(row.left for row in rows),
        "unaccounted": sum(row.unaccounted for row in rows),
    }


def collectors():
    """Who may hold a book: the staff whose role collects at the counter or in the field."""
    users = get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    return [user for user in users if user.has_perm("regie.add_receipt") or user.has_perm("regie.collect_in_field")]


@dataclass
class BookDetail:
    row: BookRow
    movements: list
    receipts: list
    blocks: list
    unaccounted: list[int]
    checks: list = field(default_factory=list)


def book_detail(book: ReceiptBook) -> BookDetail:
    row = book_rows([book])[0]
    return BookDetail(
        row=row,
        movements=list(book.movements.select_related("by", "holder").order_by("at", "id")),
        receipts=list(book.receipts.select_related("cashier", "tariff_version__tariff", "assessment")
                      .order_by("number")),
        blocks=list(book.device_blocks.select_related("collector").order_by("first_number")),
        unaccounted=unaccounted_numbers(book),
        checks=list(book.checks.select_related("check_run").order_by("-check_run__year")),
    )


def annual_check(year: int) -> AnnualCheck | None:
    return (AnnualCheck.objects.filter(year=year).select_related("performed_by")
            .prefetch_related("books__book").first())


def check_lines(run: AnnualCheck) -> list:
    return sorted(run.books.select_related("book"), key=lambda line: (line.book.series, line.book.serial))
