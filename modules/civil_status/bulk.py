"""Loading many acts at once with PostgreSQL's COPY (the historical backlog, demo data, benchmarks).

COPY skips the ORM and the per-row round trips: it is the only way to load a register of hundreds of thousands
of acts in seconds. The generated search keys are computed by PostgreSQL as rows arrive; the triggers of
migration 0002 watch UPDATE and DELETE only, so they do not slow an insert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from psycopg import sql


def copy_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY `rows` (tuples in the order of `columns`, database column names) into the model's table, in the
    current commune's schema and the caller's transaction. Returns the number of rows written."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written
