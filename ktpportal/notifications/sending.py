"""Sending outbox rows: claim, send, mark; retry with backoff; take over stuck rows.

Exactly once, as far as a channel allows: a row is claimed with a compare-and-set
(pending -> sending) before anything is sent, so two task runs for one id (a duplicate
message, a requeue racing the first delivery) send once. The one window left is between the
channel accepting the message and our "sent" update committing, a few milliseconds: a
worker killed inside it leaves the row "sending", and after NOTIFICATION_SENDING_TIMEOUT the
requeue scan sends it again. SMS/WhatsApp gateways get the row's key as idempotency key and
drop that second copy; SMTP has no such key, so there an email may, rarely, arrive twice
(it carries the same Message-ID both times). That is at-least-once for email, by design:
the other choice, marking before sending, would lose messages instead.
"""

import datetime
import logging
import random

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ktpportal.notifications.channels import PermanentDeliveryError, deliver
from ktpportal.notifications.models import Notification, State

logger = logging.getLogger(__name__)

# How many rows one requeue run hands to the broker; the next run, a minute later, goes on.
REQUEUE_BATCH = 500


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones: exponential, capped, with
    jitter (half fixed, half random) so a gateway outage does not end in a thundering herd."""
    base = settings.NOTIFICATION_RETRY_BACKOFF * 2 ** (attempts - 1)
    capped = min(base, settings.NOTIFICATION_RETRY_BACKOFF_MAX)
    return capped / 2 + random.uniform(0, capped / 2)


def _describe(exc: Exception, notification: Notification) -> str:
    # Kept in the row and shown in the admin: never the recipient, whatever a library put
    # in its message.
    text = f"{type(exc).__name__}: {exc}".replace(
        notification.recipient, notification.masked_recipient
    )
    return text[:500]


def send_one(notification_id: int) -> float | None:
    """Try to send one row. Returns None when there is nothing more to do (sent, failed,
    or not ours to send), or the seconds to wait before the next try."""
    claimed_at = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, state=State.PENDING).update(
        state=State.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    notification = Notification.objects.get(pk=notification_id)
    log = {"notification_id": notification_id, "kind": notification.kind}
    try:
        deliver(notification)
    except Exception as exc:  # any failure, even a bug, is recorded on the row
        return _record_failure(notification, claimed_at, exc, log)
    # Mark sent even if the row was taken over meanwhile: it has been sent, and marking it
    # keeps a pending copy from being sent again.
    Notification.objects.filter(pk=notification_id).exclude(state=State.SENT).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )
    logger.info("notification sent", extra=log)
    return None


def _record_failure(notification, claimed_at, exc, log) -> float | None:
    mine = Notification.objects.filter(
        pk=notification.pk, state=State.SENDING, claimed_at=claimed_at
    )
    error = _describe(exc, notification)
    attempts = notification.attempts
    permanent = isinstance(exc, PermanentDeliveryError)
    if permanent or attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
        mine.update(state=State.FAILED, last_error=error)
        logger.error(
            "notification failed",
            extra={**log, "attempts": attempts, "error_type": type(exc).__name__},
        )
        return None
    delay = retry_delay(attempts)
    mine.update(
        state=State.PENDING,
        last_error=error,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
    )
    logger.warning(
        "notification send failed; will retry",
        extra={**log, "attempts": attempts, "error_type": type(exc).__name__, "retry_in": delay},
    )
    return delay


def rows_to_requeue() -> list[int]:
    """Ids of rows whose task message was lost: still pending well after they were due, or
    stuck "sending" because their worker died. Stuck rows are put back to pending (or
    failed, when they have had all their attempts) first."""
    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT)
    # claimed_at in every update: a row claimed again since the read is a live send.
    stuck = Notification.objects.filter(state=State.SENDING, claimed_at__lt=cutoff)
    spent = stuck.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS)
    for pk, kind in spent.values_list("pk", "kind")[:REQUEUE_BATCH]:
        if stuck.filter(pk=pk).update(state=State.FAILED, last_error="worker stopped mid-send"):
            logger.error("notification failed", extra={"notification_id": pk, "kind": kind})
    retried = list(stuck.values_list("pk", flat=True)[:REQUEUE_BATCH])
    stuck.filter(pk__in=retried).update(state=State.PENDING, next_attempt_at=now)
    overdue = now - datetime.timedelta(seconds=settings.NOTIFICATION_REQUEUE_AFTER)
    lost = Notification.objects.filter(state=State.PENDING, next_attempt_at__lte=overdue)
    lost_ids = lost.order_by("next_attempt_at").values_list("pk", flat=True)[:REQUEUE_BATCH]
    return list(dict.fromkeys([*retried, *lost_ids]))
