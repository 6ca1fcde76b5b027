"""Reads of the historical backlog: the batches of the commune and how far a running one has got."""

from __future__ import annotations

from modules.civil_status.importing import progress
from modules.civil_status.importing.models import ImportBatch

RECENT = 100


def recent_batches(limit: int = RECENT) -> list[ImportBatch]:
    return list(ImportBatch.objects.select_related("bureau", "uploaded_by", "first_batch")[:limit])


def first_entries_awaiting_second():
    return ImportBatch.objects.filter(entry=ImportBatch.Entry.FIRST, status=ImportBatch.Status.AWAITING_SECOND)


def batch_progress(batch: ImportBatch) -> int:
    """The percentage to show: the worker's latest figure while the batch runs, the stored one afterwards."""
    if batch.is_running:
        current = progress.read(batch.pk)
        return batch.progress if current is None else current
    return batch.progress
