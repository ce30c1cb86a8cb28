"""Visit reminders, found by a scan of the database that beat runs every five minutes.

Not task ETAs days ahead: an ETA message waits unacknowledged in a worker, Redis hands it to
a second worker after the visibility timeout, and a cancelled or moved booking would still
get it. Active bookings get a reminder the day before at the office's
`BookingSettings.reminder_time` (office time) and on the day two hours before; cancelled,
checked-in and past visits, and visits on a slot the office switched off, get none.

Each booking stores when it is next due (`Booking.next_reminder_at`), set by every write
that changes it: booking, rescheduling, cancelling, checking in (antrean.services), a slot
switched off or on again (antrean.slots), the office's reminder time (antrean.signals). The
scan reads only that column's partial index, in keyset batches: each batch is leased (its
due time pushed LEASE ahead) and committed, then its ids go to a `write_reminders` task,
which checks the booking again, writes what is due and stores the next moment. A task that
is lost (Redis down, worker killed) leaves the lease, and the scan hands the booking out
again when it ends. Each reminder is written once: its outbox key is unique, and keys
already written are skipped before rendering.
"""

import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from antrean.models import Booking, BookingSettings
from dokumen.checklist import checklist_for
from ktpportal.jobs import Deadline, periodic_job
from ktpportal.notifications.models import Notification
from ktpportal.notifications.services import notify_citizen

logger = logging.getLogger(__name__)

DAY_BEFORE = "booking_reminder_day_before"
SAME_DAY = "booking_reminder_same_day"
SAME_DAY_LEAD = datetime.timedelta(hours=2)
_EVENT = {DAY_BEFORE: "reminder-day-before", SAME_DAY: "reminder-same-day"}

# Bookings a single task renders: well inside the task time limit (about 20 reminders a
# second were measured), and several batches let every worker process share a busy morning.
BATCH_SIZE = 200
# How long a handed-out booking is left to its task before the scan hands it out again:
# longer than a busy morning's queue of write tasks takes to drain, so that a booking is
# not handed out twice while its first task still waits.
LEASE = datetime.timedelta(minutes=10)
# Bookings whose due time is stored again at once, when something changes under many.
REFRESH_BATCH = 1000


def reminder_key(booking: Booking, kind: str) -> str:
    """`booking:42:reminder-day-before`; a rescheduled booking's new visit gets its own
    reminders (`...:reminder-day-before:1`), the old one's key being taken."""
    key = f"booking:{booking.pk}:{_EVENT[kind]}"
    return f"{key}:{booking.reschedule_count}" if booking.reschedule_count else key


def _moments(booking: Booking, reminder_time: datetime.time, made_at: datetime.datetime):
    """[(moment, kind)], earliest first: the reminders this booking can get. A booking made
    after a reminder's moment does not get it (its confirmation just told the same), and a
    day-before moment that is not before the same-day one is never reached."""
    starts_at = booking.slot.starts_at
    tz = booking.office.tz
    same_day_at = starts_at - SAME_DAY_LEAD
    local_day = timezone.localtime(starts_at, tz).date()
    day_before_at = datetime.datetime.combine(
        local_day - datetime.timedelta(days=1), reminder_time, tzinfo=tz
    )
    moments = []
    if made_at < day_before_at < same_day_at:
        moments.append((day_before_at, DAY_BEFORE))
    if made_at < same_day_at:
        moments.append((same_day_at, SAME_DAY))
    return moments


def _gets_reminders(booking: Booking) -> bool:
    return booking.status == Booking.Status.ACTIVE and booking.slot.is_active


def due_kinds(booking: Booking, reminder_time: datetime.time, now: datetime.datetime) -> list:
    """The reminder this booking is due at `now`, if any: the latest whose moment has come,
    so once the same-day reminder is due the day-before one is dropped rather than sent
    alongside it. None for a visit that began, was cancelled or checked in, or whose slot
    the office switched off."""
    if not _gets_reminders(booking) or now >= booking.slot.starts_at:
        return []
    come = [kind for at, kind in _moments(booking, reminder_time, booking.created_at) if at <= now]
    return come[-1:]


def next_reminder_at(
    booking: Booking,
    reminder_time: datetime.time,
    now: datetime.datetime,
    *,
    made_at: datetime.datetime | None = None,
    handled: bool = False,
) -> datetime.datetime | None:
    """When the scan should next look at this booking: `now` when a reminder is due and
    not `handled` yet (a visit just moved, a reminder time just changed), else the next
    moment to come; None when no reminder is left. `made_at` stands in for `created_at`
    before the booking is saved."""
    if not _gets_reminders(booking) or now >= booking.slot.starts_at:
        return None
    moments = _moments(booking, reminder_time, made_at or booking.created_at)
    if not handled and any(at <= now for at, _kind in moments):
        return now
    return next((at for at, _kind in moments if at > now), None)


def reminder_time_of(office) -> datetime.time:
    return BookingSettings.for_office(office).reminder_time


def refresh_next_reminders(bookings, now: datetime.datetime | None = None) -> int:
    """Store the next reminder moment again for these bookings (a queryset), for what changed
    under them all at once: their slot switched on again, their office's reminder time. In
    keyset batches, so an office's every booking is never in memory at once."""
    now = now or timezone.now()
    times, default_time = {}, BookingSettings._meta.get_field("reminder_time").default
    changed, last = 0, 0
    while True:
        batch = list(
            bookings.filter(pk__gt=last)
            .select_related("slot", "office")
            .order_by("pk")[:REFRESH_BATCH]
        )
        if not batch:
            return changed
        missing = {b.office_id for b in batch} - set(times)
        times.update(
            BookingSettings.objects.filter(office__in=missing).values_list(
                "office_id", "reminder_time"
            )
        )
        moved = []
        for booking in batch:
            due = next_reminder_at(booking, times.get(booking.office_id, default_time), now)
            if due != booking.next_reminder_at:
                booking.next_reminder_at = due
                moved.append(booking)
        Booking.objects.bulk_update(moved, ["next_reminder_at"])
        changed += len(moved)
        last = batch[-1].pk


def due_batches(now: datetime.datetime):
    """Lists of at most BATCH_SIZE ids of bookings due at `now`, each leased and committed
    before it is yielded; read in (next_reminder_at, id) order from the partial index.

    Rows another transaction holds (a booking being moved or cancelled right now) are
    skipped, and found by the next scan: a scan never waits on a citizen's request."""
    lease_until = now + LEASE
    after = None
    while True:
        with transaction.atomic():
            due = Booking.objects.filter(next_reminder_at__lte=now)
            if after is not None:
                # (next_reminder_at, id) > after, spelled so that the index bounds the range.
                due = due.filter(next_reminder_at__gte=after[0]).filter(
                    Q(next_reminder_at__gt=after[0]) | Q(pk__gt=after[1])
                )
            rows = list(
                due.select_for_update(skip_locked=True)
                .order_by("next_reminder_at", "pk")
                .values_list("next_reminder_at", "pk")[:BATCH_SIZE]
            )
            if not rows:
                return
            ids = [pk for _at, pk in rows]
            Booking.objects.filter(pk__in=ids).update(next_reminder_at=lease_until)
        after = rows[-1]
        yield ids


def write_reminders_for(booking_ids: list[int], now: datetime.datetime | None = None) -> int:
    """Write the reminders due now among these bookings (checked again: the booking may have
    been cancelled or moved, or the reminder written, since it was handed out) and store
    each one's next moment. Returns how many were written."""
    now = now or timezone.now()
    bookings = list(
        Booking.objects.filter(pk__in=booking_ids, next_reminder_at__isnull=False)
        .select_related("slot", "office", "citizen", "service_type")
        .order_by("pk")
    )
    if not bookings:
        return 0
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
    checklists = {}  # one per service and office, however many bookings share them
    count = 0
    for booking in bookings:
        reminder_time = reminder_times.get(booking.office_id, default_time)
        then = next_reminder_at(booking, reminder_time, now, handled=True)
        # Only if no other write moved the booking's due time since it was read.
        unchanged = Booking.objects.filter(pk=booking.pk, next_reminder_at=booking.next_reminder_at)
        due = [
            (kind, key)
            for kind in due_kinds(booking, reminder_time, now)
            if (key := reminder_key(booking, kind)) not in written
        ]
        if not due:
            unchanged.update(next_reminder_at=then)
            continue
        # The checklist's texts are taken in the language it is built in: one per language.
        language = booking.language or "id"
        place = (booking.service_type_id, booking.office_id, language)
        try:
            if place not in checklists:
                with translation.override(language):
                    checklists[place] = checklist_for(booking.service_type, booking.office)
            with transaction.atomic():
                for kind, key in due:
                    _remind(booking, kind, key, checklists[place])
                unchanged.update(next_reminder_at=then)
        except SoftTimeLimitExceeded:
            raise
        except Exception:
            # One booking's bad data must not hold back everyone else's reminders; its
            # lease runs out and a later scan tries again, until its visit begins.
            logger.exception("reminder not written", extra={"booking_id": booking.pk})
            continue
        count += len(due)
    return count


def _remind(booking: Booking, kind: str, key: str, checklist) -> None:
    with translation.override(booking.language or "id"):
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


def write_due_reminders(now: datetime.datetime | None = None) -> int:
    """Without a broker (`manage.py send_reminders`): write every reminder due now, batch
    after batch, in this process. Returns how many were written."""
    now = now or timezone.now()
    return sum(write_reminders_for(ids, now) for ids in due_batches(now))


_SOFT_LIMIT, _HARD_LIMIT = settings.CELERY_JOB_TIME_LIMITS["send-due-reminders"]


@shared_task(ignore_result=True, soft_time_limit=_SOFT_LIMIT, time_limit=_HARD_LIMIT)
@periodic_job("send-due-reminders")
def send_due_reminders(budget: float | None = None) -> str:
    """Beat, every five minutes: hand out what is due, in batches of ids. Out of time
    (`budget` seconds, by default its soft limit less a tenth) it stops between batches,
    leaving every batch handed out so far leased and queued; the next scan goes on."""
    deadline = Deadline.for_job("send-due-reminders", budget)
    handed = 0
    scan = due_batches(timezone.now())
    try:
        for ids in scan:
            write_reminders.delay(ids)
            handed += len(ids)
            if deadline.passed():
                raise deadline.stop(f"{handed} bookings handed out")
    finally:
        scan.close()
        if handed:
            logger.info("reminder batches queued", extra={"bookings": handed})
    return f"{handed} bookings handed out"


@shared_task(ignore_result=True)
def write_reminders(booking_ids: list[int]) -> None:
    """Write the reminders still due for these bookings."""
    count = write_reminders_for(booking_ids)
    if count:
        logger.info("reminders written", extra={"count": count})
