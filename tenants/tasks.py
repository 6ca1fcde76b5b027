"""Celery tasks of the control plane. expire_training_sandboxes and end_expired_support_sessions run in the public
schema; measure_commune_storage runs in each commune's schema, sent there by beat at the commune's own time
(tenants.scheduling)."""

from django.db import connection

from platform_core.celery import app
from tenants.models import Commune
from tenants.services import support
from tenants.services.sandboxes import expire_sandboxes
from tenants.services.usage import measure_storage


@app.task(ignore_result=True)
def expire_training_sandboxes() -> list[str]:
    """Archive the sandboxes whose training has ended and drop their snapshots (daily, from beat)."""
    return [commune.slug for commune in expire_sandboxes()]


@app.task(ignore_result=True)
def end_expired_support_sessions() -> list[int]:
    """End the support sessions past their time that no request ended (their browser never came back), so that
    no support account stays switched on (every 5 minutes, from beat); returns the ids of the sessions ended."""
    return support.expire_sessions()


@app.task(ignore_result=True)
def measure_commune_storage() -> int | None:
    """Measure the database and files of the commune this task was sent to, for the console's "storage used"
    (daily, from beat); returns the total in bytes. Sent to the public schema by mistake, it measures nothing."""
    commune = getattr(connection, "tenant", None)
    if not isinstance(commune, Commune) or commune.schema_name != connection.schema_name:
        return None
    return measure_storage(commune).total
