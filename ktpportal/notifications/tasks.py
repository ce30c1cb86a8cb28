import logging

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from ktpportal.notifications.channels import deliver
from ktpportal.notifications.models import Notification, State

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def send_notification(notification_id: int) -> None:
    """Send one outbox row. Takes only the id: no personal data passes through the broker."""
    # Claim the row with a compare-and-set: of two workers given the same id, one wins.
    claimed = Notification.objects.filter(pk=notification_id, state=State.PENDING).update(
        state=State.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return
    notification = Notification.objects.get(pk=notification_id)
    deliver(notification)
    Notification.objects.filter(pk=notification_id).update(state=State.SENT, sent_at=timezone.now())
    logger.info("notification sent", extra={"notification_id": notification_id})
