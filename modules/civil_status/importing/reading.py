"""Reading an import file (CSV or XLSX) into its columns and rows of text, as a spreadsheet numbers them.

Rows are produced one at a time so that a large register is never held twice; progress is counted in bytes for
a CSV file (its row count is unknown until the end) and in rows for a workbook.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from modules.civil_status.importing.columns import HEADERS, REQUIRED, header_key

MAX_ROWS = 250_000
DELIMITERS = (",", ";", "\t")


class ImportRefused(Exception):
    """The file as a whole cannot be imported; `problems` are (line, column, reason), line 0 for the file."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        super().__init__("; ".join(reason for _line, _column, reason in problems))
        self.problems = problems


@dataclass
class Table:
    columns: list[str | None]  # the column name at each position of a row; None for an unnamed, empty column
    labels: dict[str, str]  # column name -> the header as the file writes it
    rows: Iterator[tuple[int, list[str]]]  # (line, cells), empty rows skipped
    size: int  # in progress units (bytes or rows)
    done: Callable[[], int] = field(default=lambda: 0)  # progress units read so far


def file_kind(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".csv") or lowered.endswith(".txt"):
        return "csv"
    if lowered.endswith(".xlsx") or lowered.endswith(".xlsm"):
        return "xlsx"
    raise ImportRefused([(0, "", _("Only CSV (.csv) and Excel (.xlsx) files can be imported."))])


def open_table(fileobj, name: str) -> Table:
    """The file's header checked and its rows ready to be read; raises ImportRefused for a bad header."""
    if file_kind(name) == "csv":
        return _csv_table(fileobj)
    return _xlsx_table(fileobj)


def _header(cells: list[str]) -> tuple[list[str | None], dict[str, str]]:
    problems, columns, labels = [], [], {}
    for cell in cells:
        text = (cell or "").strip()
        if not text:
            columns.append(None)
            continue
        name = HEADERS.get(header_key(text))
        if name is None:
            problems.append((1, text, _("Unknown column: see the list of columns in the import guide.")))
        elif name in labels:
            problems.append((1, text, _("This column appears twice (also as “%(other)s”).") % {"other": labels[name]}))
        else:
            labels[name] = text
        columns.append(name)
    for name in REQUIRED:
        if name not in labels:
            problems.append((1, name, _("This required column is missing.")))
    if problems:
        raise ImportRefused(problems)
    return columns, labels


def _rows(cells_by_line: Iterator[tuple[int, list[str]]], width: int, last_label: str):
    """Non-empty rows, each as wide as the header; a row wider than it means a shifted file, refused whole."""
    count = 0
    for line, cells in cells_by_line:
        if not any(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportRefused([(line, "", _("A file may hold at most %(max)s acts: split it into several files.")
                                  % {"max": MAX_ROWS})])
        if len(cells) > width:
            if any(cell.strip() for cell in cells[width:]):
                raise ImportRefused([(line, last_label, _("This row has more cells than the header has columns."))])
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        yield line, cells


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from the stored file, for the progress bar."""

    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


def _csv_table(fileobj) -> Table:
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    counter = _CountingReader(fileobj)
    text = io.TextIOWrapper(io.BufferedReader(counter, buffer_size=1 << 16), encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError:
        raise ImportRefused([(1, "", _("The file is not in UTF-8: save it again as “CSV UTF-8”."))]) from None
    if not first.strip():
        raise ImportRefused([(1, "", _("The file is empty: its first line must name the columns."))])
    delimiter = max(DELIMITERS, key=first.count)
    columns, labels = _header(next(csv.reader([first], delimiter=delimiter)))

    def cells_by_line():
        line = 1
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for line, cells in enumerate(reader, start=2):  # noqa: B007 (the last line is reported below)
                yield line, cells
        except UnicodeDecodeError:
            raise ImportRefused([(line + 1, "", _("The file is not in UTF-8: save it again as “CSV UTF-8”."))]) \
                from None
        except csv.Error as error:
            raise ImportRefused([(line + 1, "", _("This line cannot be read: %(error)s") % {"error": error})]) \
                from None

    last_label = next((labels[name] for name in reversed(columns) if name), "")
    return Table(columns, labels, _rows(cells_by_line(), len(columns), last_label), size, lambda: counter.count)


def _xlsx_table(fileobj) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # openpyxl raises zipfile, XML and its own errors alike for a file that is no workbook
        raise ImportRefused([(0, "", _("This file cannot be read as an Excel workbook (.xlsx)."))]) from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = next(values, None)
    if header is None:
        raise ImportRefused([(1, "", _("The file is empty: its first line must name the columns."))])
    columns, labels = _header([_cell_text(value) for value in header])
    read = [1]

    def cells_by_line():
        for line, row in enumerate(values, start=2):
            read[0] = line
            yield line, [_cell_text(value) for value in row]
        workbook.close()

    last_label = next((labels[name] for name in reversed(columns) if name), "")
    return Table(columns, labels, _rows(cells_by_line(), len(columns), last_label), sheet.max_row or 1,
                 lambda: read[0])


def _cell_text(value) -> str:
    """A workbook cell as the text a CSV file would hold: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
