"""The module's Celery tasks, where the worker's autodiscovery looks for them (tenant-aware: each runs in the
schema of the commune that queued it)."""

from modules.civil_status.importing.tasks import process_import_batch  # noqa: F401
