"""The daily reminders, sent by Celery beat to every commune's schema (tenant-schemas-celery); a commune that
does not subscribe to complaints is skipped."""

from django.db import connection

from platform_core.celery import app
from platform_core.modules.registry import module_enabled


@app.task(ignore_result=True)
def send_reminders() -> dict[str, int] | None:
    from modules.complaints.services import send_due_reminders

    if not module_enabled(getattr(connection, "tenant", None), "complaints"):
        return None
    return send_due_reminders()
