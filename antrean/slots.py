"""Making slots ahead of time from each office's hours, holidays and closures.

Idempotent: an existing slot keeps its bookings and its count, only its seats, end and
active flag follow the settings. A slot that no longer fits (hours changed, a closure was
added) is switched off, never deleted while a booking points at it, and its active bookings
are flagged for staff: a change of hours never silently drops a citizen's visit.
"""

import datetime
import logging
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from antrean import availability, closure_notices, reminders
from antrean.calendar_rules import plan_days
from antrean.models import Booking, BookingSettings, OfficeService, Slot
from antrean.services import flag_bookings
from ktpportal.jobs import Deadline
from ktpportal.models import Office

logger = logging.getLogger(__name__)


@dataclass
class GenerateResult:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    deleted: int = 0
    flagged: int = 0

    def __str__(self):
        return (
            f"{self.created} created, {self.updated} updated, {self.deactivated} deactivated, "
            f"{self.deleted} deleted, {self.flagged} bookings flagged"
        )


def _wanted_slots(*, office: Office, start: datetime.date, days: int) -> tuple[dict, dict]:
    """{(service_type_id or None, starts_at): (ends_at, capacity)} for the days, and each
    day's reason (for the flag on bookings whose slot goes)."""
    settings = BookingSettings.for_office(office)
    services = list(OfficeService.objects.offered(office))
    if not services:
        seats = []
    elif settings.shared_seats:
        seats = [(None, settings.seats_per_slot)]
    else:
        seats = [(s.service_type_id, s.seats_per_slot or settings.seats_per_slot) for s in services]
    length = datetime.timedelta(minutes=settings.slot_minutes)
    wanted = {}
    reasons = {}
    for plan in plan_days(office=office, start=start, days=days):
        reasons[plan.date] = plan.reason
        for opens, closes in plan.intervals:
            # Aware datetimes in the office's zone; Django stores them in UTC.
            slot_start = datetime.datetime.combine(plan.date, opens, tzinfo=office.tz)
            end = datetime.datetime.combine(plan.date, closes, tzinfo=office.tz)
            while slot_start + length <= end:
                for service_type_id, capacity in seats:
                    wanted[(service_type_id, slot_start)] = (slot_start + length, capacity)
                slot_start += length
    return wanted, reasons


def generate_slots(*, office: Office, start: datetime.date, days: int) -> GenerateResult:
    """Bring the office's slots from `start` (office-local date) for `days` days in line
    with its settings. Slots that already started are left as they are."""
    result = GenerateResult()
    now = timezone.now()
    wanted, reasons = _wanted_slots(office=office, start=start, days=days)
    range_start = datetime.datetime.combine(start, datetime.time(0), tzinfo=office.tz)
    range_end = range_start + datetime.timedelta(days=days)
    with transaction.atomic():
        availability.forget(office)
        existing = Slot.objects.filter(
            office=office, starts_at__gte=max(range_start, now), starts_at__lt=range_end
        )
        gone, back_on = [], []
        for slot in existing:
            key = (slot.service_type_id, slot.starts_at)
            if key not in wanted:
                if slot.is_active:
                    gone.append(slot)
                continue
            ends_at, capacity = wanted.pop(key)
            if (slot.ends_at, slot.capacity, slot.is_active) != (ends_at, capacity, True):
                # Fewer seats never drop a booking: the count stays and no new seat opens
                # until it is below the new capacity. The UPDATE reads `booked` itself, so a
                # booking made meanwhile is counted too.
                Slot.objects.filter(pk=slot.pk).update(
                    ends_at=ends_at, capacity=Greatest(Value(capacity), "booked"), is_active=True
                )
                result.updated += 1
                if not slot.is_active:
                    back_on.append(slot.pk)
        Slot.objects.bulk_create(
            [
                Slot(
                    office=office,
                    service_type_id=service_type_id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    capacity=capacity,
                )
                for (service_type_id, starts_at), (ends_at, capacity) in wanted.items()
                if starts_at > now
            ],
            ignore_conflicts=True,
        )
        result.created = sum(1 for (_s, starts_at) in wanted if starts_at > now)
        if gone:
            gone_ids = [slot.pk for slot in gone]
            unused = Slot.objects.filter(pk__in=gone_ids).exclude(
                Q(bookings__isnull=False) | Q(booked__gt=0)
            )
            result.deleted, _by_model = unused.delete()
            kept = Slot.objects.filter(pk__in=gone_ids)
            result.deactivated = kept.update(is_active=False)
            # No reminder for a visit that is not going to happen.
            Booking.objects.filter(slot_id__in=gone_ids, next_reminder_at__isnull=False).update(
                next_reminder_at=None
            )
            for day in sorted({timezone.localdate(s.starts_at, timezone=office.tz) for s in gone}):
                day_ids = [
                    s.pk for s in gone if timezone.localdate(s.starts_at, timezone=office.tz) == day
                ]
                reason = reasons.get(day) or _("jam layanan berubah")
                result.flagged += flag_bookings(
                    slot_ids=day_ids,
                    reason=_("Jadwal %(date)s tidak lagi tersedia (%(reason)s); hubungi warga.")
                    % {"date": day.strftime("%d-%m-%Y"), "reason": reason},
                )
            # And their citizens are told, with a link to pick another time.
            closure_notices.announce(office=office)
        if back_on:
            reminders.refresh_next_reminders(
                Booking.objects.filter(slot_id__in=back_on, status=Booking.Status.ACTIVE)
            )
    return result


def days_to_generate(settings: BookingSettings) -> int:
    """The booking window and one day beyond it: the day that opens next already has its
    slots when it opens, whenever in the night the daily run comes. The pages and
    `check_slot` keep that day closed until it is inside the window."""
    return settings.days_ahead + 1


def generate_all(
    *, days: int | None = None, office_slug: str | None = None, deadline: Deadline | None = None
) -> tuple[dict[str, GenerateResult], list[str]]:
    """Generate for every active office from its own today, over `days` or its window and
    one day beyond. Each office in its own transaction: one that fails is logged and left as
    it was, and the others still get their days. Returns each office's result and the slugs
    of those that failed. Past `deadline` it stops after the office in hand (OutOfTime); the
    offices done keep their days and the next run does the rest."""
    offices = Office.objects.active().order_by("pk")
    if office_slug:
        offices = offices.filter(slug=office_slug)
    results, failed = {}, []
    for office in offices:
        try:
            settings = BookingSettings.for_office(office)
            today = timezone.localdate(timezone=office.tz)
            results[office.slug] = generate_slots(
                office=office, start=today, days=days or days_to_generate(settings)
            )
        except SoftTimeLimitExceeded:
            raise
        except Exception:
            logger.exception("slots not generated", extra={"office": office.slug})
            failed.append(office.slug)
        if deadline is not None and deadline.passed():
            raise deadline.stop(f"{len(results)} offices done, {len(failed)} failed")
    return results, failed
