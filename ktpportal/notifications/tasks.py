"""Celery tasks: thin wrappers around ktpportal.notifications.sending. They take only ids:
no NIK, name, phone or address passes through the broker or Celery's logs."""

import logging

from celery import shared_task

from ktpportal.jobs import periodic_job
from ktpportal.notifications.sending import rows_to_requeue, send_one

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True)
def send_notification(self, notification_id: int) -> None:
    """Send one outbox row; on a transient failure, queue the next try after a backoff.

    The row itself is put back to pending with its next try's time before the retry is
    queued, so if that retry message is lost the requeue scan still finds the row. Run
    eagerly (no broker) there is no inline retry: the scan or `send_reminders` sends later.
    """
    delay = send_one(notification_id)
    if delay is not None and not self.request.is_eager:
        # No exc: Celery would log its text, and that is not ours to vet.
        raise self.retry(countdown=delay, max_retries=None)


@shared_task(ignore_result=True)
@periodic_job("requeue-pending-notifications")
def requeue_pending() -> int:
    """Every minute (beat): queue again what a lost message or a dead worker left behind."""
    ids = rows_to_requeue()
    for notification_id in ids:
        send_notification.delay(notification_id)
    if ids:
        logger.info("notifications requeued", extra={"count": len(ids)})
    return len(ids)
