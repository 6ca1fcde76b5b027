"""Where queued messages go. settings.NOTIFICATIONS_BACKEND names the class (a dotted path)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from platform_core.notifications.models import OutboxMessage

OUTBOX_BACKEND = "platform_core.notifications.backends.OutboxBackend"


class BaseBackend:
    """Delivers one message: send() returns the message's new status, or raises when delivery failed and
    should be tried again."""

    def send(self, message: OutboxMessage) -> str:
        raise NotImplementedError


class OutboxBackend(BaseBackend):
    """Sends nothing: the message stays in the outbox, where the operators' console shows it."""

    def send(self, message: OutboxMessage) -> str:
        return OutboxMessage.Status.KEPT


class EmailBackend(BaseBackend):
    """Sends e-mail through Django's mail settings (EMAIL_BACKEND, EMAIL_HOST...); keeps SMS in the outbox."""

    def send(self, message: OutboxMessage) -> str:
        if message.channel != OutboxMessage.Channel.EMAIL:
            return OutboxMessage.Status.KEPT
        EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
        ).send()
        return OutboxMessage.Status.SENT


def configured_backend_path() -> str:
    return getattr(settings, "NOTIFICATIONS_BACKEND", OUTBOX_BACKEND)


def get_backend(path: str) -> BaseBackend:
    return import_string(path)()
