"""Wagtail's background tasks go to Celery after commit, once per schema and transaction, deduplicated."""

from unittest import mock

from django.db import connection, transaction
from wagtail.tasks import update_reference_index_task

from platform_core import background


def test_tasks_wait_for_commit_and_are_sent_once_per_schema(sefrou, in_commune, django_capture_on_commit_callbacks):
    sent_from = []
    with mock.patch.object(background.run_django_tasks, "delay",
                           side_effect=lambda tasks: sent_from.append(connection.schema_name)) as delay:
        with django_capture_on_commit_callbacks(execute=True), in_commune(sefrou):
            update_reference_index_task.enqueue("wagtailcore", "page", 1)
            update_reference_index_task.enqueue("wagtailcore", "page", 1)
            update_reference_index_task.enqueue("wagtailcore", "page", 2)
            assert delay.call_count == 0
        assert delay.call_count == 1
        assert sent_from == ["sefrou"]  # the schema of the enqueue, not the one current at commit
        (tasks,), _ = delay.call_args
        assert tasks == [["wagtail.tasks.update_reference_index_task", ["wagtailcore", "page", 1], {}],
                         ["wagtail.tasks.update_reference_index_task", ["wagtailcore", "page", 2], {}]]


def test_a_rolled_back_transaction_sends_nothing(sefrou, in_commune, django_capture_on_commit_callbacks):
    with mock.patch.object(background.run_django_tasks, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, in_commune(sefrou):
            try:
                with transaction.atomic():
                    update_reference_index_task.enqueue("wagtailcore", "page", 1)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        assert callbacks == [] and delay.call_count == 0


def test_a_task_on_something_deleted_since_is_skipped(sefrou, in_commune):
    with in_commune(sefrou):
        background.run_django_tasks([["wagtail.tasks.update_reference_index_task", ["wagtailcore", "page", 10**9], {}]])
