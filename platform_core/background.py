"""Runs Wagtail's background tasks (django-tasks: search and reference indexing, file clean-up) on Celery.

Wagtail enqueues them through django-tasks, whose default backend runs them inline, inside the request or the
provisioning transaction that triggered them. Here they are sent to Celery after the transaction commits,
carrying the commune's schema like every other task of the platform.
"""

from celery import shared_task
from django.db import connection, transaction
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id
from django_tenants.utils import schema_context


class CeleryTaskBackend(BaseTaskBackend):
    supports_defer = False
    supports_priority = False

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        # The schema is read now: by the time the transaction commits, the connection may be in another one
        # (provisioning publishes a commune's pages, then records the commune in the public schema).
        schema = connection.schema_name
        transaction.on_commit(lambda: _send(schema, task.module_path, list(args), dict(kwargs)))
        return result


def _send(schema: str, module_path: str, args: list, kwargs: dict) -> None:
    with schema_context(schema):
        run_django_task.delay(module_path, args, kwargs)


@shared_task(name="platform.run_django_task", ignore_result=True)
def run_django_task(module_path: str, args: list, kwargs: dict) -> None:
    import_string(module_path).call(*args, **kwargs)
