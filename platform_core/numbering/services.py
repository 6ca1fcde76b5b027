"""Gap-free numbering per series and year.

A number is taken by incrementing the series' row inside the caller's transaction: the row stays locked until
that transaction ends, so concurrent callers queue behind it, and a rolled-back caller gives its number back
(the increment is rolled back with it). A number is therefore never skipped and never given twice. The price
is that writes on one series are serialised, which is what the law asks of a receipt book or a register.
"""

from django.db import connection, transaction

from platform_core.numbering.models import Sequence

_TABLE = Sequence._meta.db_table


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "Numbers must be taken inside the transaction that uses them (transaction.atomic)."
        )


def allocate(series: str, year: int) -> int:
    """Take the next number of `series` for `year`; 1 for the first."""
    return allocate_block(series, year, 1)[0]


def allocate_block(series: str, year: int, count: int) -> range:
    """Take `count` consecutive numbers at once (e.g. a block of receipt numbers for a field device)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    _require_transaction()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (series, year, last_value) VALUES (%s, %s, 0) "
            "ON CONFLICT (series, year) DO NOTHING",
            [series, year],
        )
        cursor.execute(
            f"UPDATE {_TABLE} SET last_value = last_value + %s WHERE series = %s AND year = %s RETURNING last_value",
            [count, series, year],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


def peek(series: str, year: int, *, lock: bool = False) -> int:
    """The last number given (0 if none), without taking one; `lock` holds the series until the transaction
    ends, so that no number is taken meanwhile (e.g. while a receipt book is being returned)."""
    sequences = Sequence.objects.filter(series=series, year=year)
    if lock:
        _require_transaction()
        sequences = sequences.select_for_update()
    return sequences.values_list("last_value", flat=True).first() or 0
