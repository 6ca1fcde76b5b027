"""Runs Wagtail's background tasks (django-tasks: search and reference indexing, file clean-up) on Celery.

Wagtail enqueues them through django-tasks, whose default backend runs them inline, inside the request or the
provisioning transaction that triggered them. Here they are sent to Celery after the transaction commits,
carrying the commune's schema like every other task of the platform: one message per schema and transaction,
without duplicates (publishing a page enqueues the same indexing several times).
"""

import json

from celery import shared_task
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id
from django_tenants.utils import schema_context


class _Batch:
    """The tasks a transaction enqueued, by schema; registered once as that transaction's on-commit callback,
    so that Django drops it, tasks and all, if the transaction rolls back."""

    def __init__(self):
        self.tasks: dict[str, dict[str, tuple]] = {}

    def add(self, schema: str, module_path: str, args: list, kwargs: dict) -> None:
        key = json.dumps([module_path, args, kwargs], sort_keys=True, default=str)
        self.tasks.setdefault(schema, {})[key] = (module_path, args, kwargs)

    def __call__(self) -> None:
        for schema, tasks in self.tasks.items():
            # The schema is the one current when the task was enqueued: by commit time the connection may be
            # elsewhere (provisioning publishes a commune's pages, then records the commune in public).
            with schema_context(schema):
                run_django_tasks.delay([list(task) for task in tasks.values()])


def _batch_of_current_transaction() -> _Batch:
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Batch):
            return callback
    batch = _Batch()
    transaction.on_commit(batch)
    return batch


class CeleryTaskBackend(BaseTaskBackend):
    supports_defer = False
    supports_priority = False

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        item = (connection.schema_name, task.module_path, list(args), dict(kwargs))
        if connection.in_atomic_block:
            _batch_of_current_transaction().add(*item)
        else:
            batch = _Batch()
            batch.add(*item)
            batch()
        return TaskResult(
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


@shared_task(name="platform.run_django_tasks", ignore_result=True)
def run_django_tasks(tasks: list) -> None:
    for module_path, args, kwargs in tasks:
        try:
            import_string(module_path).call(*args, **kwargs)
        except ObjectDoesNotExist:
            pass  # indexing something deleted since: nothing left to index
