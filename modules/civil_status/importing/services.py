"""Every write of the historical backlog: uploading a file, checking and loading it, settling a second entry.

A batch moves pending -> validating -> imported, or -> failed (nothing written, every bad row reported), or,
for double entry, a first entry -> awaiting_second and its second entry -> review (mismatches to settle) ->
pending again -> imported with the reviewer's values.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager, nullcontext

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from modules.civil_status.importing import progress as progress_store
from modules.civil_status.importing.images import PageArchive
from modules.civil_status.importing.loading import CheckFailed, check, load
from modules.civil_status.importing.models import ImportBatch, ImportMismatch
from modules.civil_status.importing.reading import ImportRefused, file_kind, open_table
from modules.civil_status.importing.second_entry import (
    canonical,
    cell_problem,
    compare,
    reviewed_rows,
    reviewed_table,
)
from modules.civil_status.importing.validation import Checked
from modules.civil_status.models import Bureau
from platform_core.audit.services import client_ip

logger = logging.getLogger(__name__)

# Importing a signed register is the chef de bureau's job, not a counter agent's: its own permission.
IMPORT_PERMISSION = "civil_status.import_acts"


def can_import(user) -> bool:
    return user.has_perm(IMPORT_PERMISSION)


def _require(actor) -> None:
    if not can_import(actor):
        raise PermissionDenied(_("Your role does not allow importing acts."))


@transaction.atomic
def create_batch(*, actor, bureau: Bureau, file, entry: str = ImportBatch.Entry.SINGLE,
                 first_batch: ImportBatch | None = None, images=None, language: str | None = None,
                 request=None) -> ImportBatch:
    """Keep an uploaded file (and its zip of scanned pages) as a pending batch; nothing is checked yet."""
    _require(actor)
    try:
        file_kind(file.name)
    except ImportRefused as refusal:
        raise ValidationError({"file": str(refusal)}) from None
    if entry == ImportBatch.Entry.SECOND:
        if first_batch is None or first_batch.entry != ImportBatch.Entry.FIRST:
            raise ValidationError(_("A second entry is compared with a first entry."))
        if first_batch.status != ImportBatch.Status.AWAITING_SECOND:
            raise ValidationError(_("This first entry is not waiting for a second entry."))
        bureau = first_batch.bureau
    elif first_batch is not None:
        raise ValidationError(_("Only a second entry names a first entry."))
    elif bureau is None:
        raise ValidationError({"bureau": _("Choose the bureau.")})
    batch = ImportBatch(bureau=bureau, entry=entry, first_batch=first_batch, file_name=file.name[-255:],
                        uploaded_by=actor, uploaded_from=client_ip(request),
                        language=language or translation.get_language() or "ar")
    batch.file.save(file.name, file, save=False)
    if images is not None:
        batch.images.save(images.name, images, save=False)
    batch.save()
    return batch


def queue(batch: ImportBatch) -> None:
    """Check and load the batch on a worker once the caller's transaction has committed."""
    from modules.civil_status.importing.tasks import process_import_batch

    schema_name = connection.schema_name  # read now: the caller may have left the schema by commit time

    def send():
        process_import_batch.apply_async(args=(batch.pk,), headers={"_schema_name": schema_name})

    transaction.on_commit(send, robust=True)


def process_batch(batch_id: int, *, progress=None) -> ImportBatch:
    """Check a pending batch and load it, or refuse it with its report, or set it aside for a second entry
    or a review. `progress` receives percentages. Does nothing to a batch that is not pending."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.PENDING).update(
        status=ImportBatch.Status.VALIDATING, started_at=timezone.now(), progress=0)
    batch = ImportBatch.objects.select_related("bureau", "uploaded_by", "first_batch").get(pk=batch_id)
    if not claimed:
        return batch
    progress = progress or (lambda percent: None)
    try:
        with translation.override(batch.language):
            _process(batch, progress)
    except ImportRefused as refusal:
        _fail(batch, refusal.problems)
    except CheckFailed as refusal:
        _fail(batch, refusal.checked.problems, refusal.checked)
    except Exception:
        logger.exception("import batch %s failed", batch_id)
        with translation.override(batch.language):
            _fail(batch, [(0, "", _("The import stopped on an unexpected error; nothing was written."))])
        raise
    finally:
        progress_store.forget(batch_id)
    batch.refresh_from_db()
    return batch


def _process(batch: ImportBatch, progress) -> None:
    first = batch.first_batch
    archive_name = batch.images.name or (first.images.name if first else "")
    reviewed = batch.entry == ImportBatch.Entry.SECOND and batch.mismatches.exists()
    source = _reviewed_source(batch) if reviewed else _file_source(batch)
    with PageArchive(archive_name) if archive_name else nullcontext() as archive:
        archive_names = archive.names() if archive else None
        if batch.entry != ImportBatch.Entry.SINGLE and not reviewed:
            checked = check(batch, source, archive_names=archive_names, progress=progress)
            if not checked.ok:
                raise CheckFailed(checked)
            if batch.entry == ImportBatch.Entry.FIRST:
                _set_aside(batch, ImportBatch.Status.AWAITING_SECOND, checked)
                return
            mismatches = compare(batch)
            if mismatches:
                with transaction.atomic():
                    ImportMismatch.objects.bulk_create(mismatches)
                    _set_aside(batch, ImportBatch.Status.REVIEW, checked)
                return
        try:
            load(batch, source, archive=archive, first_batch=first, progress=progress)
        except CheckFailed as refusal:
            if not reviewed:
                raise
            # The reviewer's values broke a rule of the whole file (a number twice, say): back to the review,
            # with the report, rather than losing the choices made.
            _set_aside(batch, ImportBatch.Status.REVIEW, refusal.checked, report=_report(refusal.checked.problems,
                                                                                         refusal.checked))
            return
    progress(100)


def _file_source(batch: ImportBatch):
    @contextmanager
    def opened():
        with default_storage.open(batch.file.name, "rb") as stored:
            yield open_table(stored, batch.file_name)

    return opened


def _reviewed_source(batch: ImportBatch):
    rows = reviewed_rows(batch)
    return lambda: nullcontext(reviewed_table(rows))


def _set_aside(batch: ImportBatch, status: str, checked: Checked, *, report: dict | None = None) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status, rows_total=checked.rows_total, rows_refused=len(checked.refused_lines), progress=100,
        finished_at=timezone.now(), report=report or {})


def _report(problems: list[tuple[int, str, str]], checked: Checked | None = None) -> dict:
    return {
        "problems": [{"line": line, "column": column, "reason": str(reason)} for line, column, reason in problems],
        "problems_total": checked.problems_total if checked else len(problems),
    }


def _fail(batch: ImportBatch, problems: list[tuple[int, str, str]], checked: Checked | None = None) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED, report=_report(problems, checked), finished_at=timezone.now(),
        progress=100, rows_total=checked.rows_total if checked else 0,
        rows_refused=len(checked.refused_lines) if checked else 0,
    )


@transaction.atomic
def resolve_mismatches(batch_id: int, *, actor, values: dict[int, str]) -> ImportBatch:
    """The reviewer's value for each differing cell (by mismatch id): one of the two entries or a correction.
    Each value must be well formed for its column; the merged file is checked as a whole when it is loaded."""
    _require(actor)
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status != ImportBatch.Status.REVIEW:
        raise ValidationError(_("This batch has no differences waiting for review."))
    mismatches = {mismatch.pk: mismatch for mismatch in batch.mismatches.filter(pk__in=list(values))}
    if set(values) - set(mismatches):
        raise ValidationError(_("This difference does not belong to the batch."))
    problems = {str(pk): problem for pk, value in values.items()
                if (problem := cell_problem(mismatches[pk].column, value))}
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    for mismatch_id, value in values.items():
        mismatch = mismatches[mismatch_id]
        mismatch.resolved_value = canonical(mismatch.column, value)
        mismatch.resolved_by, mismatch.resolved_at = actor, now
    ImportMismatch.objects.bulk_update(mismatches.values(), ["resolved_value", "resolved_by", "resolved_at"])
    return batch


@transaction.atomic
def load_reviewed(batch_id: int, *, actor) -> ImportBatch:
    """Once every difference is settled, the reviewed batch goes back to the queue to be checked and loaded."""
    _require(actor)
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status != ImportBatch.Status.REVIEW:
        raise ValidationError(_("This batch has no differences waiting for review."))
    if batch.mismatches.filter(resolved_value__isnull=True).exists():
        raise ValidationError(_("Settle every difference before loading the acts."))
    batch.status, batch.progress, batch.finished_at = ImportBatch.Status.PENDING, 0, None
    batch.save(update_fields=["status", "progress", "finished_at"])
    return batch
