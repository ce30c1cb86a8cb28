"""Visit reminders, found by a scan of the database that beat runs every five minutes.

Not task ETAs days ahead: an ETA message waits unacknowledged in a worker, Redis hands it to
a second worker after the visibility timeout, and a cancelled or moved booking would still
get it. The scan reads the booking as it is now: active bookings get a reminder the day
before at the office's `BookingSettings.reminder_time` (office time) and on the day two
hours before; cancelled, checked-in and past visits get none. Each reminder is written
once: its outbox key is unique, and keys already written are skipped before rendering.
"""

import datetime
import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone, translation

from antrean.models import Booking, BookingSettings
from dokumen.checklist import checklist_for
from ktpportal.notifications.models import Notification
from ktpportal.notifications.services import notify_citizen

logger = logging.getLogger(__name__)

DAY_BEFORE = "booking_reminder_day_before"
SAME_DAY = "booking_reminder_same_day"
SAME_DAY_LEAD = datetime.timedelta(hours=2)
# The day-before moment is at most two days before a slot (a 00.00 reminder time for a
# slot at 23.59), so no booking further ahead can be due.
HORIZON = datetime.timedelta(days=2)
_EVENT = {DAY_BEFORE: "reminder-day-before", SAME_DAY: "reminder-same-day"}


def reminder_key(booking: Booking, kind: str) -> str:
    """`booking:42:reminder-day-before`; a rescheduled booking's new visit gets its own
    reminders (`...:reminder-day-before:1`), the old one's key being taken."""
    key = f"booking:{booking.pk}:{_EVENT[kind]}"
    return f"{key}:{booking.reschedule_count}" if booking.reschedule_count else key


def due_kinds(booking: Booking, reminder_time: datetime.time, now: datetime.datetime) -> list:
    """The reminder this booking is due at `now`, if any. A booking made after a reminder's
    moment does not get it (its confirmation just told the same), and once the same-day
    reminder is due the day-before one is dropped rather than sent alongside it."""
    starts_at = booking.slot.starts_at
    if now >= starts_at:
        return []
    same_day_at = starts_at - SAME_DAY_LEAD
    if now >= same_day_at:
        return [SAME_DAY] if booking.created_at < same_day_at else []
    local_day = timezone.localtime(starts_at, booking.office.tz).date()
    day_before_at = datetime.datetime.combine(
        local_day - datetime.timedelta(days=1), reminder_time, tzinfo=booking.office.tz
    )
    if now >= day_before_at and booking.created_at < day_before_at:
        return [DAY_BEFORE]
    return []


def due_reminders(
    now: datetime.datetime, booking_ids: list[int] | None = None
) -> list[tuple[Booking, str, str]]:
    """(booking, kind, outbox event key) for every reminder due at `now` and not yet
    written; only among `booking_ids` when given. Reads, renders nothing."""
    bookings = Booking.objects.filter(
        status=Booking.Status.ACTIVE,
        slot__starts_at__gt=now,
        slot__starts_at__lte=now + HORIZON,
    ).select_related("slot", "office", "citizen", "service_type")
    if booking_ids is not None:
        bookings = bookings.filter(pk__in=booking_ids)
    bookings = list(bookings)
    if not bookings:
        return []
    # Outbox keys are "<event key>:<channel>": drop the channel to get the event keys.
    written = {
        key.rsplit(":", 1)[0]
        for key in Notification.objects.filter(
            subject_type=Booking._meta.label_lower,
            subject_id__in=[b.pk for b in bookings],
            kind__in=[DAY_BEFORE, SAME_DAY],
        ).values_list("key", flat=True)
    }
    reminder_times = dict(
        BookingSettings.objects.filter(office__in={b.office_id for b in bookings}).values_list(
            "office_id", "reminder_time"
        )
    )
    default_time = BookingSettings._meta.get_field("reminder_time").default
    due = []
    for booking in bookings:
        reminder_time = reminder_times.get(booking.office_id, default_time)
        for kind in due_kinds(booking, reminder_time, now):
            key = reminder_key(booking, kind)
            if key not in written:
                due.append((booking, kind, key))
    return due


def write_due_reminders(
    now: datetime.datetime | None = None, booking_ids: list[int] | None = None
) -> int:
    """Write every reminder due now (among `booking_ids` when given) to the outbox, each
    queueing its own send. Returns how many were written."""
    checklists = {}  # one per service and office, however many bookings share them
    count = 0
    for booking, kind, key in due_reminders(now or timezone.now(), booking_ids):
        place = (booking.service_type_id, booking.office_id)
        if place not in checklists:
            checklists[place] = checklist_for(booking.service_type, booking.office)
        try:
            _remind(booking, kind, key, checklists[place])
        except Exception:
            # One booking's bad data must not hold back everyone else's reminders.
            logger.exception("reminder not written", extra={"booking_id": booking.pk})
            continue
        count += 1
    return count


def _remind(booking: Booking, kind: str, key: str, checklist) -> None:
    with transaction.atomic(), translation.override(booking.language or "id"):
        notify_citizen(
            citizen=booking.citizen,
            contact=booking,
            kind=kind,
            event_key=key,
            about=booking,
            office=booking.office,
            context={"booking": booking, "checklist": checklist},
            # SMS/WhatsApp reminders only with the citizen's consent; email always.
            short_messages=booking.sms_consent,
        )


# Bookings a single task renders: well inside the task time limit (about 20 reminders a
# second were measured), and several batches let every worker process share a busy morning.
BATCH_SIZE = 200


@shared_task(ignore_result=True)
def send_due_reminders() -> None:
    """Beat, every five minutes: find what is due, and hand it out in batches of ids."""
    ids = sorted({booking.pk for booking, _, _ in due_reminders(timezone.now())})
    for start in range(0, len(ids), BATCH_SIZE):
        write_reminders.delay(ids[start : start + BATCH_SIZE])
    if ids:
        logger.info("reminder batches queued", extra={"bookings": len(ids)})


@shared_task(ignore_result=True)
def write_reminders(booking_ids: list[int]) -> None:
    """Write the reminders still due for these bookings (checked again: the booking may
    have been cancelled or the reminder written since the scan)."""
    count = write_due_reminders(booking_ids=booking_ids)
    if count:
        logger.info("reminders written", extra={"count": count})
