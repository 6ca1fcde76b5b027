from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection


@shared_task(name="tests.record_schema")
def record_schema(token: str) -> None:
    """Leaves, in the commune's own cache space, which schema the task ran in and how many accounts it saw."""
    cache.set(f"celery-proof:{token}", {"schema": connection.schema_name, "users": get_user_model().objects.count()})
