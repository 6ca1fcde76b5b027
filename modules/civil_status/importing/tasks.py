"""Celery tasks of the historical backlog; the app is tenant-aware, so each runs in the schema of the commune
that queued it."""

from platform_core.celery import app


@app.task(ignore_result=True)
def process_import_batch(batch_id: int) -> None:
    from modules.civil_status.importing.progress import CacheProgress
    from modules.civil_status.importing.services import process_batch

    process_batch(batch_id, progress=CacheProgress(batch_id))
