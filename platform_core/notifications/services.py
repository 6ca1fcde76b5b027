"""Sending SMS and e-mail: every message is queued in the outbox inside the caller's transaction and leaves
only once that transaction commits."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from platform_core.notifications import tasks
from platform_core.notifications.models import OutboxMessage
from platform_core.notifications.validators import normalise_recipient


def notify(
    channel: str, recipient: str, body: str, *, subject: str = "", actor=None, purpose: str = ""
) -> OutboxMessage:
    """Queue one message on `channel` ("sms" or "email"); raises ValidationError for a bad recipient.

    Call it inside the transaction of the act that causes the message: nothing is sent if that rolls back.
    """
    recipient = normalise_recipient(channel, recipient)
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("A notification cannot be empty."), code="empty_body")
    message = OutboxMessage.objects.create(
        channel=channel,
        recipient=recipient,
        subject=subject.strip(),
        body=body,
        purpose=purpose,
        actor=actor if getattr(actor, "pk", None) else None,  # AnonymousUser: a citizen without an account
        status=OutboxMessage.Status.QUEUED,
    )
    # The schema is read now: the caller may have left it by the time the transaction commits.
    schema_name = connection.schema_name

    def schedule_delivery():
        tasks.deliver_message.apply_async(args=(message.pk,), headers={"_schema_name": schema_name})

    # Robust: once the act has committed, a broker that is down must not turn it into an error page; the
    # message stays queued in the outbox. (A function, not a partial: Django logs the failure by its name.)
    transaction.on_commit(schedule_delivery, robust=True)
    return message


def send_sms(recipient: str, body: str, *, actor=None, purpose: str = "") -> OutboxMessage:
    return notify(OutboxMessage.Channel.SMS, recipient, body, actor=actor, purpose=purpose)


def send_email(recipient: str, subject: str, body: str, *, actor=None, purpose: str = "") -> OutboxMessage:
    return notify(OutboxMessage.Channel.EMAIL, recipient, body, subject=subject, actor=actor, purpose=purpose)
