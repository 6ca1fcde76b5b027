"""Reading the outbox of the current schema (the operators' console, the commune's admin)."""

from django.db.models import QuerySet

from platform_core.notifications.models import OutboxMessage


def outbox_messages(*, channel: str | None = None, status: str | None = None) -> QuerySet[OutboxMessage]:
    """Messages of the current schema, newest first, optionally of one channel and one status."""
    messages = OutboxMessage.objects.select_related("actor")
    if channel:
        messages = messages.filter(channel=channel)
    if status:
        messages = messages.filter(status=status)
    return messages
