"""Celery tasks of the control plane; they run in the public schema."""

from platform_core.celery import app
from tenants.services.sandboxes import expire_sandboxes


@app.task(ignore_result=True)
def expire_training_sandboxes() -> list[str]:
    """Archive the sandboxes whose training has ended and drop their snapshots (daily, from beat)."""
    return [commune.slug for commune in expire_sandboxes()]
