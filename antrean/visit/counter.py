"""The counter (loket): call the next ticket, call it again, skip it, transfer it, serve and
finish it (docs/visit-day.md).

A counter calls one ticket at a time: the counter's row is locked for each step, so a
double click cannot call two. The next ticket is taken with SELECT ... FOR UPDATE SKIP
LOCKED in call order (antrean.visit.tickets.CALL_ORDER), so counters pressing "Panggil
berikutnya" at the same moment each get a different ticket without waiting on each other.
"""

import datetime
import functools
from dataclasses import dataclass

from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from antrean.models import Booking, Counter, EventKind, Ticket, VisitSettings
from antrean.services.seats import bound_lock_waits, is_busy
from antrean.visit import board, days, events, tickets
from antrean.visit.errors import refusal
from ktpportal.models import ServiceType

_AT_COUNTER = (Ticket.State.CALLED, Ticket.State.SERVING)


def _busy_as_refusal(step):
    """A crowd on the same rows is "try again", never a 500 (as for booking)."""

    @functools.wraps(step)
    def run(**kwargs):
        try:
            return step(**kwargs)
        except OperationalError as exc:
            if is_busy(exc):
                raise refusal("busy") from None
            raise

    return run


def _locked_counter(counter: Counter) -> Counter:
    locked = Counter.objects.select_for_update(of=("self",)).select_related("office")
    counter = locked.get(pk=counter.pk)
    if not counter.is_active:
        raise refusal("counter_inactive", counter=counter.label)
    return counter


def _locked_ticket(ticket: Ticket, counter: Counter, states=_AT_COUNTER) -> Ticket:
    """The ticket's row, locked; refused unless it is in one of `states` and, when it is at
    a counter, at this one."""
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("office", "service_type", "counter", "booking")
        .get(pk=ticket.pk)
    )
    if ticket.state not in states:
        raise refusal("wrong_state", ticket=ticket.label, state=ticket.get_state_display().lower())
    if ticket.state in _AT_COUNTER and ticket.counter_id != counter.pk:
        raise refusal("not_this_counter", ticket=ticket.label, counter=ticket.counter.label)
    return ticket


def current_ticket(counter: Counter) -> Ticket | None:
    """The ticket this counter has called or is serving, if any."""
    return (
        Ticket.objects.filter(counter=counter, state__in=_AT_COUNTER)
        .select_related("service_type", "booking")
        .first()
    )


@_busy_as_refusal
def call_next(*, counter: Counter, staff, now: datetime.datetime | None = None) -> Ticket:
    """Call the next ticket for this counter: the first in call order among the day's
    waiting tickets that are due (a booked one from its slot's start) and are for the
    counter's services, or were transferred to this counter."""
    now = now or timezone.now()
    with transaction.atomic():
        bound_lock_waits()
        counter = _locked_counter(counter)
        busy = current_ticket(counter)
        if busy is not None:
            raise refusal("counter_busy", counter=counter.label, ticket=busy.label)
        office = counter.office
        open_to_all = Q(reserved_counter__isnull=True)
        services = list(counter.services.values_list("pk", flat=True))
        if services:
            open_to_all &= Q(service_type__in=services)
        ticket = (
            Ticket.objects.filter(
                office=office,
                day=days.today(office, now),
                state=Ticket.State.WAITING,
                due_at__lte=now,
            )
            .filter(open_to_all | Q(reserved_counter=counter))
            .order_by(*tickets.CALL_ORDER)
            # Rows another counter is taking right now are passed over, not waited for.
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if ticket is None:
            raise refusal("queue_empty", counter=counter.label)
        Ticket.objects.filter(pk=ticket.pk, state=Ticket.State.WAITING).update(
            state=Ticket.State.CALLED,
            counter=counter,
            reserved_counter=None,
            call_count=F("call_count") + 1,
            called_at=now,
            first_called_at=Coalesce("first_called_at", now),
        )
        ticket.refresh_from_db()
        ticket.office, ticket.counter = office, counter
        events.record(EventKind.CALLED, at=now, ticket=ticket, staff=staff, counter=counter)
        tickets.send_heads_ups(ticket, now=now)
        board.changed(office)
    return ticket


@_busy_as_refusal
def recall(
    *, ticket: Ticket, counter: Counter, staff, now: datetime.datetime | None = None
) -> Ticket:
    """Call the same ticket again (the board chimes again)."""
    now = now or timezone.now()
    with transaction.atomic():
        bound_lock_waits()
        counter = _locked_counter(counter)
        ticket = _locked_ticket(ticket, counter, states=[Ticket.State.CALLED])
        ticket.call_count += 1
        ticket.called_at = now
        ticket.save(update_fields=["call_count", "called_at"])
        events.record(EventKind.RECALLED, at=now, ticket=ticket, staff=staff, counter=counter)
        board.changed(counter.office)
    return ticket


@_busy_as_refusal
def skip(
    *, ticket: Ticket, counter: Counter, staff, now: datetime.datetime | None = None
) -> Ticket:
    """Nobody came. Called fewer times than the office's `calls_before_no_show`, the ticket
    waits again behind the tickets already due (it is called again a few numbers later,
    as offices do); after that many calls it has left."""
    now = now or timezone.now()
    with transaction.atomic():
        bound_lock_waits()
        counter = _locked_counter(counter)
        ticket = _locked_ticket(ticket, counter, states=[Ticket.State.CALLED])
        calls = VisitSettings.for_office(counter.office).calls_before_no_show
        if ticket.call_count >= calls:
            ticket.state = Ticket.State.LEFT
            ticket.finished_at = now
            kind = EventKind.LEFT
            detail = _("tidak menjawab %(calls)s panggilan") % {"calls": calls}
        else:
            ticket.state = Ticket.State.WAITING
            ticket.counter = None
            ticket.due_at = now
            kind, detail = EventKind.SKIPPED, ""
        ticket.save(update_fields=["state", "finished_at", "counter", "due_at"])
        events.record(kind, at=now, ticket=ticket, staff=staff, counter=counter, detail=detail)
        board.changed(counter.office)
    return ticket


@_busy_as_refusal
def start_serving(
    *, ticket: Ticket, counter: Counter, staff, now: datetime.datetime | None = None
) -> Ticket:
    """The citizen reached the counter."""
    now = now or timezone.now()
    with transaction.atomic():
        bound_lock_waits()
        counter = _locked_counter(counter)
        ticket = _locked_ticket(ticket, counter, states=[Ticket.State.CALLED])
        _start(ticket, counter, staff, now)
        board.changed(counter.office)
    return ticket


def _start(ticket: Ticket, counter: Counter, staff, at: datetime.datetime) -> None:
    ticket.state = Ticket.State.SERVING
    ticket.serving_started_at = at
    ticket.save(update_fields=["state", "serving_started_at"])
    events.record(EventKind.SERVING_STARTED, at=at, ticket=ticket, staff=staff, counter=counter)


@dataclass(frozen=True)
class Finished:
    """What the counter page needs after "Selesai": the ticket, and the application form's
    first values, taken from the booking (what the citizen typed for this visit), or only
    the office and service for a walk-in."""

    ticket: Ticket
    booking: Booking | None
    application_initial: dict


@_busy_as_refusal
def finish(
    *, ticket: Ticket, counter: Counter, staff, now: datetime.datetime | None = None
) -> Finished:
    """Served. A ticket finished straight from "called" was served from its last call: the
    counter page need not press "mulai dilayani" for the service time to be a fact."""
    now = now or timezone.now()
    with transaction.atomic():
        bound_lock_waits()
        counter = _locked_counter(counter)
        ticket = _locked_ticket(ticket, counter)
        if ticket.state == Ticket.State.CALLED:
            _start(ticket, counter, staff, ticket.called_at)
        ticket.state = Ticket.State.DONE
        ticket.finished_at = now
        ticket.save(update_fields=["state", "finished_at"])
        events.record(EventKind.SERVED, at=now, ticket=ticket, staff=staff, counter=counter)
        board.changed(counter.office)
    booking = ticket.booking
    if booking is not None:
        initial = application_initial(booking)
    else:
        initial = {"office": ticket.office_id, "service_type": ticket.service_type_id}
    return Finished(ticket=ticket, booking=booking, application_initial=initial)


def application_initial(booking: Booking) -> dict:
    """The application form's first values for this booking: the name, phone and email
    typed for the visit (the citizen's record may hold older ones), and its NIK."""
    return {
        "booking_code": booking.code,
        "nik": booking.citizen.nik,
        "full_name": booking.full_name or booking.citizen.full_name,
        "phone": booking.phone,
        "email": booking.email,
        "office": booking.office_id,
        "service_type": booking.service_type_id,
    }


@_busy_as_refusal
def transfer(
    *,
    ticket: Ticket,
    counter: Counter,
    staff,
    to_service: ServiceType | None = None,
    to_counter: Counter | None = None,
    keep_place: bool = True,
    now: datetime.datetime | None = None,
) -> Ticket:
    """Send the ticket to another service's queue, or to one counter, or both. It keeps its
    number (what the citizen holds) and waits again; with `keep_place` it keeps its place in
    the call order (it comes first if it was due first), otherwise it joins the back as if
    it arrived now. A waiting ticket can be moved too (from the day's list)."""
    now = now or timezone.now()
    if to_service is None and to_counter is None:
        raise refusal("transfer_nowhere")
    with transaction.atomic():
        bound_lock_waits()
        counter = _locked_counter(counter)
        ticket = _locked_ticket(ticket, counter, states=[*_AT_COUNTER, Ticket.State.WAITING])
        office = ticket.office
        if to_counter is not None and to_counter.office_id != office.pk:
            raise refusal("transfer_other_office")
        if to_service is not None:
            tickets.office_service(office, to_service, offered=True)
            ticket.service_type = to_service
        ticket.reserved_counter = to_counter
        ticket.state = Ticket.State.WAITING
        ticket.counter = None
        ticket.call_count = 0
        if not keep_place:
            ticket.due_at = now
        ticket.save(
            update_fields=[
                "service_type",
                "reserved_counter",
                "state",
                "counter",
                "call_count",
                "due_at",
            ]
        )
        where = [str(x) for x in (to_service, to_counter) if x is not None]
        events.record(
            EventKind.TRANSFERRED,
            at=now,
            ticket=ticket,
            staff=staff,
            counter=counter,
            detail=" / ".join(where if keep_place else [*where, _("antre dari belakang")]),
        )
        board.changed(office)
    return ticket
