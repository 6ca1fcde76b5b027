"""Second entry (double saisie): two agents type the same pages; the files are compared cell by cell.

Rows are paired by position, as both agents type the register page by page in its order; the act number is one
more cell to compare. Values are compared as they will be stored (02/03/1985 and 1985-03-02 agree), and the
merged file a review produces is checked again as a whole before it is loaded.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from modules.civil_status.importing.columns import BY_NAME, KINDS, NAMES, SEXES, header_key
from modules.civil_status.importing.models import ImportBatch, ImportMismatch
from modules.civil_status.importing.reading import ImportRefused, Table, open_table
from modules.civil_status.importing.validation import parse_date, parse_time

# Beyond this many differing cells the two files are not the same pages in the same order.
MAX_MISMATCHES = 2000


def canonical(column: str, text: str) -> str:
    """A cell as it will be stored, so that two ways of writing the same value compare equal."""
    text = " ".join(str(text).split())
    kind = BY_NAME[column].kind
    if kind == "date" and (day := parse_date(text)):
        return day.isoformat()
    if kind == "time" and (moment := parse_time(text)):
        return moment.strftime("%H:%M")
    if kind == "int" and text.isdecimal():
        return str(int(text))
    if kind == "sex":
        return SEXES.get(header_key(text), text)
    if kind == "act_kind":
        return KINDS.get(header_key(text), text)
    return text


def cell_problem(column: str, value: str) -> str | None:
    """Why a value the reviewer typed cannot stand in its column, or None."""
    spec, text = BY_NAME[column], " ".join(str(value).split())
    if not text:
        return _("This field is required.") if spec.required else None
    if spec.kind == "date" and parse_date(text) is None:
        return _("Write the date as YYYY-MM-DD or DD/MM/YYYY.")
    if spec.kind == "time" and parse_time(text) is None:
        return _("Write the time as HH:MM.")
    if spec.kind == "int" and not text.isdecimal():
        return _("Write a whole number.")
    if spec.kind == "sex" and header_key(text) not in SEXES:
        return _("Write M or F.")
    if spec.kind == "act_kind" and header_key(text) not in KINDS:
        return _("Write “birth” or “death”.")
    if spec.max_length and len(text) > spec.max_length:
        return _("At most %(limit)s characters.") % {"limit": spec.max_length}
    return None


def canonical_rows(batch: ImportBatch) -> list[tuple[int, dict[str, str]]]:
    with default_storage.open(batch.file.name, "rb") as stored:
        table = open_table(stored, batch.file_name)
        return [
            (line, {name: canonical(name, cell) for name, cell in zip(table.columns, cells, strict=True) if name})
            for line, cells in table.rows
        ]


def compare(second: ImportBatch) -> list[ImportMismatch]:
    """The cells where the second entry differs from the first (unsaved); raises ImportRefused if the files
    cannot be paired."""
    first_rows, second_rows = canonical_rows(second.first_batch), canonical_rows(second)
    if len(first_rows) != len(second_rows):
        raise ImportRefused([(0, "", _(
            "The first entry has %(first)s acts and this one %(second)s: both must type the same pages."
        ) % {"first": len(first_rows), "second": len(second_rows)})])
    mismatches = []
    for position, ((_first_line, first), (line, second_values)) in enumerate(zip(first_rows, second_rows,
                                                                                  strict=True)):
        for name in NAMES:
            first_value, second_value = first.get(name, ""), second_values.get(name, "")
            if first_value != second_value:
                mismatches.append(ImportMismatch(batch=second, position=position, line=line, column=name,
                                                 first_value=first_value, second_value=second_value))
    if len(mismatches) > MAX_MISMATCHES:
        raise ImportRefused([(0, "", _(
            "The two entries differ in %(count)s cells: check that both files hold the same pages in the same order."
        ) % {"count": len(mismatches)})])
    return mismatches


def reviewed_rows(second: ImportBatch) -> list[tuple[int, dict[str, str]]]:
    """The second entry with the reviewer's choices, row by row."""
    rows = canonical_rows(second)
    for mismatch in second.mismatches.all():
        rows[mismatch.position][1][mismatch.column] = mismatch.resolved_value
    return rows


def reviewed_table(rows: list[tuple[int, dict[str, str]]]) -> Table:
    """Reviewed rows as a table to check and load (one pass; make another for the next)."""
    columns = [name for name in NAMES if any(name in values for _line, values in rows)]
    return Table(columns=columns, labels={name: name for name in columns},
                 rows=iter([(line, [values.get(name, "") for name in columns]) for line, values in rows]),
                 size=len(rows))
