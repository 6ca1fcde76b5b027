"""Celery tasks; the app is tenant-aware, so each runs in the schema of the commune that queued it."""

from platform_core.celery import app
from platform_core.notifications.delivery import MAX_ATTEMPTS, deliver
from platform_core.notifications.models import OutboxMessage

RETRY_BASE_SECONDS = 60


@app.task(bind=True, max_retries=MAX_ATTEMPTS, ignore_result=True)
def deliver_message(self, message_id: int) -> None:
    message = deliver(message_id)
    if message is not None and message.status == OutboxMessage.Status.QUEUED:
        # Backing off: 1, 2, 4, 8 minutes, the gateway being down is the usual cause.
        raise self.retry(countdown=RETRY_BASE_SECONDS * 2**self.request.retries)
