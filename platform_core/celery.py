"""The Celery app: every task carries the schema of the commune that sent it (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_core.settings")

app = CeleryApp("jamaa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
