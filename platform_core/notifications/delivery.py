"""Delivery of one queued message, run by the Celery task once the transaction that queued it committed."""

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from platform_core.notifications.backends import OUTBOX_BACKEND, configured_backend_path, get_backend
from platform_core.notifications.models import OutboxMessage

MAX_ATTEMPTS = 5
MAX_ERROR_LENGTH = 2000


def may_send_outside() -> bool:
    """Whether the current schema may send anything out: the platform itself, or a production commune that is
    not suspended or archived.

    Read from the control plane rather than from connection.tenant, which schema_context() leaves as a
    stand-in without a kind. A training commune, a template or an unknown schema sends nothing, whatever the
    backend.
    """
    from tenants.models import Commune

    if connection.schema_name == get_public_schema_name():
        return True
    return (
        Commune.objects.filter(schema_name=connection.schema_name, kind=Commune.Kind.PRODUCTION)
        .exclude(status__in=[Commune.Status.SUSPENDED, Commune.Status.ARCHIVED])
        .exists()
    )


def deliver(message_id: int) -> OutboxMessage | None:
    """Hand one queued message to the backend and record the outcome.

    Returns the message, or None when it is no longer queued or another worker holds it, so that a task run
    twice never sends twice. A failure leaves it queued for another attempt, and failed after MAX_ATTEMPTS.
    """
    with transaction.atomic(durable=True):
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.QUEUED)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.backend = configured_backend_path() if may_send_outside() else OUTBOX_BACKEND
        try:
            message.status = get_backend(message.backend).send(message)
        except Exception as exc:  # a gateway's failure of any kind is recorded on the message, never lost
            message.last_error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
            message.status = (
                OutboxMessage.Status.FAILED if message.attempts >= MAX_ATTEMPTS else OutboxMessage.Status.QUEUED
            )
        else:
            message.last_error = ""
            if message.status == OutboxMessage.Status.SENT:
                message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "backend", "status", "last_error", "sent_at"])
    return message
