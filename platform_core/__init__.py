"""Jamaa's platform: settings, URLs, the Celery app, the module registry and the shared services."""

# The Celery app is loaded with Django so that @shared_task binds to it.
from platform_core.celery import app as celery_app

__all__ = ["celery_app"]
