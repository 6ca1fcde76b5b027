"""Checking a file, and loading it: one transaction, one COPY, the registers' counters moved past its numbers.

Signed acts can never be updated or deleted (migration 0002), so nothing is committed unless every row passed.
The check streams the good rows into the COPY while it reads on (PostgreSQL inserting on one core while Python
checks on the other); at the first bad row it stops feeding the COPY, goes on reading to report every problem,
then aborts the COPY, and the transaction rolls back having committed nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.civil_status import citizen_id
from modules.civil_status.bulk import copy_rows
from modules.civil_status.importing.images import PageArchive, remove_stored, store_pages
from modules.civil_status.importing.models import ActPageImage, ImportBatch
from modules.civil_status.importing.progress import CHECKING
from modules.civil_status.importing.reading import ImportRefused, Table
from modules.civil_status.importing.validation import COPY_COLUMNS, Checked, Checker, Scan, known, scan
from modules.civil_status.models import Act, RegistrySettings
from platform_core.audit import services as audit
from platform_core.numbering.models import Sequence
from platform_core.numbering.services import allocate_block

Source = Callable[[], AbstractContextManager[Table]]  # opens the file's table anew for each pass


class CheckFailed(Exception):
    """Some rows were refused; `checked` has the report. Raised inside the COPY, it aborts it."""

    def __init__(self, checked: Checked):
        super().__init__(f"{checked.problems_total} problem(s)")
        self.checked = checked


def register_series(bureau_code: str, kind: str) -> str:
    """The numbering series of a bureau's register of one kind, as sign_act takes its numbers from it."""
    return f"civil_status.{bureau_code}.{kind}"


def _scan(batch: ImportBatch, source: Source, progress) -> Scan:
    with source() as table:
        found = scan(table, batch.bureau.code)
    progress(CHECKING[0])
    return found


def _checker(batch: ImportBatch, found: Scan, *, loading: bool, archive_names, progress) -> Checker:
    return Checker(batch.bureau, actor_id=batch.uploaded_by_id, found=found, archive_names=archive_names,
                   known=known(batch.bureau, found, new_ids=loading), progress=_scaled(progress))


def _scaled(progress):
    low, high = CHECKING
    return lambda fraction: progress(int(low + (high - low) * min(max(fraction, 0.0), 1.0)))


def check(batch: ImportBatch, source: Source, *, archive_names: set[str] | None, progress) -> Checked:
    """Check every row without writing anything."""
    checker = _checker(batch, _scan(batch, source, progress), loading=False, archive_names=archive_names,
                       progress=progress)
    with source() as table:
        for _row in checker.rows(table):
            pass
    return checker.result


def load(batch: ImportBatch, source: Source, *, archive: PageArchive | None, progress,
         first_batch: ImportBatch | None = None) -> int:
    """Check the file and write its acts as signed acts, whole or not at all; returns how many. Raises
    CheckFailed (nothing written) if a row is refused."""
    found = _scan(batch, source, progress)
    pages: dict[str, str] = {}
    try:
        with transaction.atomic(durable=True):
            if first_batch is not None:
                _claim_first_entry(first_batch)
            _lock_registers(batch.bureau.code, found)
            checker = _checker(batch, found, loading=True, progress=progress,
                               archive_names=archive.names() if archive else None)
            with source() as table:
                written = copy_rows(Act, COPY_COLUMNS, _refusing(checker, table))
            checked = checker.result
            for (kind, year), (_first, last, _count) in checked.registers.items():
                _advance(register_series(batch.bureau.code, kind), year, last)
            _advance_citizen_ids(checked.citizen_ids)
            if checked.images:
                pages = store_pages(archive, {name for _act, names in checked.images for name in names},
                                    batch_id=batch.pk)
                ActPageImage.objects.bulk_create(
                    ActPageImage(act_id=act_id, batch=batch, image=pages[name], original_name=name)
                    for act_id, names in checked.images for name in names
                )
            _finish(batch, checked, written, len(pages), first_batch=first_batch)
    except BaseException:
        remove_stored(pages.values())
        raise
    return written


def _refusing(checker: Checker, table: Table):
    yield from checker.rows(table)
    if not checker.result.ok:
        raise CheckFailed(checker.result)


def _claim_first_entry(first_batch: ImportBatch) -> None:
    """Two second entries of one first entry may be settled at once: only one loads it."""
    status = ImportBatch.objects.select_for_update().values_list("status", flat=True).get(pk=first_batch.pk)
    if status != ImportBatch.Status.AWAITING_SECOND:
        raise ImportRefused([(0, "", _("Its first entry has already been imported with another second entry."))])


def _lock_registers(bureau_code: str, found: Scan) -> None:
    """Lock the counter of every register the file touches, sorted so that two loads never deadlock, before the
    register's numbers are read: a live signature in one of them waits until this load has committed, then
    takes the number after the file's."""
    for kind, year in sorted(found.registers):
        Sequence.objects.select_for_update().get_or_create(series=register_series(bureau_code, kind), year=year)


def _advance(series: str, year: int, top: int) -> None:
    """Move a counter (locked by _lock_registers or here) up to `top` if it is behind; never down."""
    sequence, _created = Sequence.objects.select_for_update().get_or_create(series=series, year=year)
    if sequence.last_value < top:
        allocate_block(series, year, top - sequence.last_value)


def _advance_citizen_ids(identifiers: list[str]) -> None:
    """Identifiers of the commune's own series imported from paper must never be given again."""
    prefix = RegistrySettings.current().commune_code
    length = len(prefix) + citizen_id.SEQUENCE_DIGITS + 1
    own = [int(value[len(prefix):-1]) for value in identifiers if len(value) == length and value.startswith(prefix)]
    if own:
        _advance(citizen_id.SERIES, 0, max(own))


def _finish(batch: ImportBatch, checked: Checked, written: int, page_count: int, *, first_batch) -> None:
    registers = [
        {"kind": kind, "year": year, "first": first, "last": last, "count": count}
        for (kind, year), (first, last, count) in sorted(checked.registers.items())
    ]
    now = timezone.now()
    batch.status, batch.progress, batch.finished_at = ImportBatch.Status.IMPORTED, 100, now
    batch.acts_imported, batch.rows_total, batch.rows_refused = written, checked.rows_total, 0
    batch.report = {**batch.report, "problems": [], "problems_total": 0, "registers": registers, "pages": page_count}
    batch.save(update_fields=["status", "progress", "finished_at", "acts_imported", "rows_total", "rows_refused",
                              "report"])
    if first_batch is not None:
        first_batch.status, first_batch.finished_at = ImportBatch.Status.IMPORTED, now
        first_batch.report = {**first_batch.report, "loaded_by": batch.pk}
        first_batch.save(update_fields=["status", "finished_at", "report"])
    audit.record(
        "civil_status.import_acts", actor=batch.uploaded_by, target=batch, ip_address=batch.uploaded_from,
        after={"file": batch.file_name, "bureau": batch.bureau.code, "entry": batch.entry, "acts": written,
               "first_batch": first_batch.pk if first_batch else None, "registers": registers, "pages": page_count,
               "mismatches_resolved": batch.mismatches.count()},
    )
