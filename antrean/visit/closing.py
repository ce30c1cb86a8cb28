"""Every booking and every ticket ends (docs/visit-day.md, "States, and how each ends").

A booking still active when its day is over becomes a no-show, so that it stops holding
the citizen's one active booking for the service (the partial unique index) and the
reminder scan forgets it. Its day is over at the office's closing time that day (its
hours, a half day: antrean.calendar_rules; midnight for a day the office did not serve),
and never before its check-in window closes. A booking whose slot the office switched
off did nothing wrong: it ends as cancelled by the office, when its reschedule link
expires (antrean.closure_notices.move_deadline), and never counts as a no-show.

A ticket still waiting or called when its day is over has left; one still being served is
closed as served, without a service time (nobody pressed "Selesai"). A ticket's day is
over `serve_after_closing_minutes` after closing (offices serve those already inside),
at midnight at the latest. The day's numbering and walk-in rows go with it.

Beat runs `end_visit_days` every ten minutes. Each office in turn, so one that fails is
logged and the others still end; within it, the bookings and tickets that can be due are
read from partial indexes (active bookings by visit time, open tickets by day), in keyset
batches, each locked (rows another transaction holds are skipped: a check-in right now
wins, and the next run sees it) and committed on its own. The event rows carry the moment
the booking or ticket ended, not the moment the job ran. A run that nears its soft time
limit stops between batches; the next one goes on.
"""

import datetime
import logging
from dataclasses import dataclass

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from antrean.closure_notices import move_deadline
from antrean.models import (
    Booking,
    EventKind,
    Ticket,
    TicketSequence,
    VisitSettings,
    WalkInTally,
)
from antrean.services.seats import free_seat
from antrean.visit import days, events
from ktpportal.jobs import Deadline, OutOfTime, periodic_job
from ktpportal.models import Office

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
_SOFT_LIMIT, _HARD_LIMIT = settings.CELERY_JOB_TIME_LIMITS["end-visit-days"]


class EndOfDayFailed(Exception):
    """Some offices' days were not ended; the others were."""


@dataclass
class Ended:
    no_show: int = 0
    cancelled: int = 0
    tickets_left: int = 0
    tickets_closed: int = 0

    def add(self, other: "Ended") -> None:
        for field in self.__dataclass_fields__:
            setattr(self, field, getattr(self, field) + getattr(other, field))

    def __str__(self):
        return (
            f"{self.no_show} no-shows, {self.cancelled} cancelled by the office, "
            f"{self.tickets_left} tickets left, {self.tickets_closed} tickets closed"
        )


class _Day:
    """One office's days as the end of day needs them, each worked out once a run."""

    def __init__(self, office: Office):
        self.office = office
        self.settings = VisitSettings.for_office(office)
        self._closing = {}

    def closes_at(self, day: datetime.date) -> datetime.datetime:
        """Closing time, or the day's end on a day the office does not serve."""
        if day not in self._closing:
            closes = days.closes_at(self.office, day)
            end = days.midnight(self.office, day + datetime.timedelta(days=1))
            self._closing[day] = min(closes, end) if closes else end
        return self._closing[day]

    def booking_ends_at(self, booking: Booking) -> datetime.datetime:
        slot = booking.slot
        if not slot.is_active:
            return move_deadline(booking)
        late = datetime.timedelta(minutes=self.settings.check_in_late_minutes)
        day = timezone.localdate(slot.starts_at, timezone=self.office.tz)
        return max(self.closes_at(day), slot.starts_at + late)

    def tickets_end_at(self, day: datetime.date) -> datetime.datetime:
        after = datetime.timedelta(minutes=self.settings.serve_after_closing_minutes)
        end = days.midnight(self.office, day + datetime.timedelta(days=1))
        return min(self.closes_at(day) + after, end)


def end_office_day(
    *, office: Office, now: datetime.datetime, deadline: Deadline | None = None
) -> Ended:
    """End what is over at this office at `now`; batches are committed as they go."""
    plan = _Day(office)
    today = days.today(office, now)
    ended = Ended()
    # Today's bookings are read only once today's closing has passed: before it, none of
    # them can be due, and a day's active bookings need not be read every ten minutes.
    before = now if now >= plan.closes_at(today) else days.midnight(office, today)
    candidates = Booking.objects.filter(
        office=office, status=Booking.Status.ACTIVE, visit_starts_at__lt=before
    )
    after = None
    while True:
        _check(deadline)
        with transaction.atomic():
            batch = candidates
            if after is not None:
                batch = batch.filter(visit_starts_at__gte=after[0]).filter(
                    Q(visit_starts_at__gt=after[0]) | Q(pk__gt=after[1])
                )
            rows = list(
                batch.select_for_update(skip_locked=True, of=("self",))
                .select_related("slot", "office")
                .order_by("visit_starts_at", "pk")[:BATCH_SIZE]
            )
            if not rows:
                break
            for booking in rows:
                _end_booking(booking, plan.booking_ends_at(booking), now, ended)
        after = (rows[-1].visit_starts_at, rows[-1].pk)

    last_day = today if now >= plan.tickets_end_at(today) else today - datetime.timedelta(days=1)
    open_tickets = Ticket.objects.filter(
        office=office, state__in=Ticket.OPEN_STATES, day__lte=last_day
    )
    last_pk = 0
    while True:
        _check(deadline)
        with transaction.atomic():
            rows = list(
                open_tickets.filter(pk__gt=last_pk)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:BATCH_SIZE]
            )
            if not rows:
                break
            for ticket in rows:
                _end_ticket(ticket, plan.tickets_end_at(ticket.day), ended)
        last_pk = rows[-1].pk
    # Numbering and walk-in rows are needed on their own day only.
    TicketSequence.objects.filter(office=office, day__lt=today).delete()
    WalkInTally.objects.filter(office=office, day__lt=today).delete()
    return ended


def _check(deadline: Deadline | None) -> None:
    # Before each batch: the soft limit's own exception could land while a statement waits
    # on the database (ktpportal.jobs.Deadline).
    if deadline is not None and deadline.passed():
        raise deadline.stop("the batches committed so far")


def _end_booking(
    booking: Booking, ends_at: datetime.datetime, now: datetime.datetime, ended: Ended
) -> None:
    if now < ends_at:
        return
    booking.next_reminder_at = None
    if booking.slot.is_active:
        booking.status = Booking.Status.NO_SHOW
        booking.save(update_fields=["status", "next_reminder_at", "updated_at"])
        events.record(
            EventKind.NO_SHOW, at=ends_at, booking=booking, detail=_("tidak check-in sampai tutup")
        )
        ended.no_show += 1
    else:
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at", "next_reminder_at", "updated_at"])
        free_seat(booking.slot_id, booking.office)
        events.record(
            EventKind.CANCELLED_BY_OFFICE,
            at=ends_at,
            booking=booking,
            detail=_("jadwal ditiadakan kantor, tidak dipindah"),
        )
        ended.cancelled += 1


def _end_ticket(ticket: Ticket, ends_at: datetime.datetime, ended: Ended) -> None:
    if ticket.state == Ticket.State.SERVING:
        # Nobody pressed "Selesai": served, but the service time is unknown, not hours long.
        ticket.state = Ticket.State.DONE
        kind, detail = EventKind.SERVED, _("ditutup otomatis saat hari berakhir")
        ended.tickets_closed += 1
    else:
        ticket.state = Ticket.State.LEFT
        ticket.finished_at = ends_at
        kind, detail = EventKind.LEFT, _("masih menunggu saat hari berakhir")
        ended.tickets_left += 1
    ticket.save(update_fields=["state", "finished_at"])
    events.record(kind, at=ends_at, ticket=ticket, detail=detail)


def end_days(*, now: datetime.datetime | None = None, deadline: Deadline | None = None) -> Ended:
    """End what is over at every office (inactive ones too: their bookings end as well).
    An office that fails is logged and the others go on; then EndOfDayFailed names it."""
    now = now or timezone.now()
    total, failed = Ended(), []
    for office in Office.objects.order_by("pk"):
        try:
            total.add(end_office_day(office=office, now=now, deadline=deadline))
        except (SoftTimeLimitExceeded, OutOfTime):
            raise
        except Exception:
            logger.exception("visit day not ended", extra={"office": office.slug})
            failed.append(office.slug)
    if failed:
        raise EndOfDayFailed(f"{total}; {len(failed)} offices failed: {', '.join(failed)}")
    return total


@shared_task(ignore_result=True, soft_time_limit=_SOFT_LIMIT, time_limit=_HARD_LIMIT)
@periodic_job("end-visit-days")
def end_visit_days(budget: float | None = None) -> str:
    """Beat, every ten minutes: end the bookings and tickets whose day is over."""
    ended = end_days(deadline=Deadline.for_job("end-visit-days", budget))
    if ended.no_show or ended.cancelled or ended.tickets_left or ended.tickets_closed:
        logger.info("visit days ended", extra={"summary": str(ended)})
    return str(ended)
