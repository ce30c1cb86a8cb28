"""Writing to the outbox. Call these inside the transaction of the event that causes the
message: if that transaction rolls back, no row is left and no task is queued."""

import logging

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from ktpportal.cache import breaker_for
from ktpportal.models import Citizen, Office
from ktpportal.notifications.models import Channel, Notification, State
from ktpportal.notifications.rendering import render_email, render_short

logger = logging.getLogger(__name__)


def queue_notification(
    *,
    key: str,
    kind: str,
    channel: Channel,
    recipient: str,
    about: models.Model,
    office: Office | None,
    body_text: str,
    title: str = "",
    body_html: str = "",
    attachments: list[dict] | None = None,
    language: str = "id",
) -> Notification | None:
    """Write one outbox row and queue its delivery after commit.

    Returns None when a row with this key exists already (the event was recorded before).
    `attachments` are dicts {"filename", "content" (text), "mimetype"}.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key,
                kind=kind,
                channel=channel,
                recipient=recipient,
                language=language,
                office=office,
                subject_type=about._meta.label_lower,
                subject_id=about.pk,
                title=title,
                body_text=body_text,
                body_html=body_html,
                attachments=attachments or [],
            )
    except IntegrityError:
        if Notification.objects.filter(key=key).exists():
            return None
        raise
    from ktpportal.notifications.tasks import send_notification

    notification_id = notification.pk
    transaction.on_commit(lambda: _enqueue(send_notification, notification_id))
    return notification


def resend_failed(*, notifications: models.QuerySet[Notification]) -> int:
    """Give failed rows a fresh set of attempts (staff's "kirim ulang"). Rows in any other
    state are left alone, so a double click cannot send twice. Returns how many."""
    from ktpportal.notifications.tasks import send_notification

    with transaction.atomic():
        ids = list(notifications.filter(state=State.FAILED).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids, state=State.FAILED).update(
            state=State.PENDING, attempts=0, claimed_at=None, next_attempt_at=timezone.now()
        )
        for notification_id in ids:
            transaction.on_commit(
                lambda notification_id=notification_id: _enqueue(send_notification, notification_id)
            )
    return len(ids)


def _enqueue(task, notification_id: int) -> None:
    # A broker that is down or hangs must not fail or stall the citizen's request: the row
    # stays pending and the every-minute requeue task delivers it once the broker is back.
    # After one failure this process skips the broker for REDIS_RETRY_AFTER seconds
    # (ktpportal/cache.py), so an outage costs one timeout per few seconds, not one per message.
    breaker = None if task.app.conf.task_always_eager else breaker_for(task.app.conf.broker_url)
    if breaker is not None and not breaker.allows():
        logger.info(
            "notification queued for later delivery: broker skipped after a failure",
            extra={"notification_id": notification_id},
        )
        return
    try:
        task.delay(notification_id)
    except Exception as exc:
        if breaker is not None:
            breaker.failed("messages wait in the outbox", exc)
        # No traceback: during an outage every request would log the same one.
        logger.warning(
            "notification queued for later delivery",
            extra={"notification_id": notification_id, "error": f"{type(exc).__name__}: {exc}"},
        )
    else:
        if breaker is not None:
            breaker.succeeded()


def notify_citizen(
    *,
    citizen: Citizen,
    kind: str,
    event_key: str,
    about: models.Model,
    office: Office | None,
    context: dict,
    short_messages: bool,
    attachments: list[dict] | None = None,
    contact=None,
) -> list[Notification]:
    """Fan one event out to the citizen's channels: email when they gave one, SMS and
    the deployment's short-message channel (SHORT_MESSAGE_CHANNEL: SMS or WhatsApp) when
    `short_messages` (their consent, where the message needs it) and they gave a phone.

    `event_key` names the event once ("booking:42:confirmed"); the channel is appended.
    Templates: emails/<kind>-{subject.txt,body.txt,body.html} and sms/<kind>.txt.
    """
    # `contact`: where this event's messages go when it is not the citizen's record, e.g. a
    # booking, which keeps the name, phone, email and language typed for it.
    recipient = contact or citizen
    language = recipient.language or "id"
    context = {"citizen": recipient, "office": office, **context}
    queued = []
    if recipient.email:
        title, text, html = render_email(kind, context, language)
        queued.append(
            queue_notification(
                key=f"{event_key}:email",
                kind=kind,
                channel=Channel.EMAIL,
                recipient=recipient.email,
                about=about,
                office=office,
                title=title,
                body_text=text,
                body_html=html,
                attachments=attachments,
                language=language,
            )
        )
    if short_messages and recipient.phone:
        # One short message per event, on the deployment's channel (SMS or WhatsApp).
        channel = Channel(settings.SHORT_MESSAGE_CHANNEL)
        queued.append(
            queue_notification(
                key=f"{event_key}:{channel}",
                kind=kind,
                channel=channel,
                recipient=recipient.phone,
                about=about,
                office=office,
                body_text=render_short(kind, context, language),
                language=language,
            )
        )
    return [n for n in queued if n is not None]
