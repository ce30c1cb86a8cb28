"""What arrival and the counter share: issuing a ticket (its number, the walk-in quota,
its short message), the queue's call order, the estimate of when a ticket is called, and the
"5 away" message."""

import datetime
import math
import statistics

from django.conf import settings
from django.db.models import Case, F, Q, Value, When
from django.utils import translation

from antrean.models import (
    Booking,
    Counter,
    EventKind,
    OfficeService,
    Ticket,
    TicketSequence,
    VisitSettings,
    WalkInTally,
)
from antrean.visit import days, events
from antrean.visit.errors import refusal
from ktpportal.models import Office, ServiceType
from ktpportal.nik import parse_nik
from ktpportal.notifications.models import Channel
from ktpportal.notifications.rendering import render_short
from ktpportal.notifications.services import queue_notification

# The queue's order: priority tickets (lansia, disabilitas, ibu hamil) first, then by the
# moment each was due (a booked ticket its slot's start, a walk-in its arrival), then by id.
# Only tickets already due are called: a booked ticket never before its slot's start.
CALL_ORDER = (Case(When(priority="", then=Value(1)), default=Value(0)), "due_at", "pk")
HEADS_UP_AHEAD = 5
ELDERLY_AGE = 60
# The estimate's service time: the median of this many of the service's latest finished
# tickets at the office, within RECENT_DAYS; the office's own setting until there are
# MIN_RECENT of them.
RECENT_TICKETS = 50
RECENT_DAYS = 30
MIN_RECENT = 5
ROUND_TO = datetime.timedelta(minutes=5)


def office_service(office: Office, service_type: ServiceType, *, offered: bool) -> OfficeService:
    """The office's row for this service (its ticket letter and walk-in quota). `offered`:
    only while the office takes it; a booking made before it stopped still checks in."""
    rows = OfficeService.objects.filter(office=office, service_type=service_type)
    if offered:
        rows = rows.filter(is_active=True, service_type__is_active=True)
    found = rows.first()
    if found is None:
        if offered:
            raise refusal("service_not_offered", service=service_type.name)
        found = OfficeService(office=office, service_type=service_type)
    return found


def priority_for(chosen: str, *, nik: str, day: datetime.date) -> str:
    """What staff ticked, or lansia when the NIK's birth date makes the citizen 60 or
    older on the day (ktpportal.nik)."""
    if chosen:
        return Ticket.Priority(chosen)
    if nik:
        born = parse_nik(nik, today=day).birth_date
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if age >= ELDERLY_AGE:
            return Ticket.Priority.ELDERLY
    return Ticket.Priority.NONE


def next_number(office: Office, day: datetime.date, letter: str) -> int:
    """The series' next number. The UPDATE holds the series' row until the transaction
    ends, so two clerks issuing at once take turns and never get the same number."""
    sequence, _created = TicketSequence.objects.get_or_create(office=office, day=day, letter=letter)
    TicketSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    return TicketSequence.objects.values_list("last", flat=True).get(pk=sequence.pk)


def take_walk_in_place(row: OfficeService, day: datetime.date) -> None:
    """One of the day's walk-in places for the service, or a refusal: a conditional UPDATE
    (`issued < quota`), so two clerks cannot give the last place twice."""
    if row.walk_in_quota == 0:
        raise refusal("no_walk_ins", service=row.service_type.name)
    tally, _created = WalkInTally.objects.get_or_create(
        office_id=row.office_id, day=day, service_type_id=row.service_type_id
    )
    taken = WalkInTally.objects.filter(pk=tally.pk, issued__lt=row.walk_in_quota).update(
        issued=F("issued") + 1
    )
    if not taken:
        raise refusal("walk_ins_full", service=row.service_type.name, quota=row.walk_in_quota)


def issue(
    *,
    office: Office,
    service_type: ServiceType,
    kind: Ticket.Kind,
    booking: Booking | None,
    phone: str,
    language: str,
    priority: str,
    wants_heads_up: bool,
    staff,
    now: datetime.datetime,
    due_at: datetime.datetime,
) -> Ticket:
    """Give the next ticket in the service's series, record it, and queue its short message
    when there is a phone. Runs inside the caller's transaction."""
    day = days.today(office, now)
    row = office_service(office, service_type, offered=kind == Ticket.Kind.WALK_IN)
    if kind == Ticket.Kind.WALK_IN:
        take_walk_in_place(row, day)
    ticket = Ticket.objects.create(
        office=office,
        day=day,
        letter=row.ticket_letter,
        number=next_number(office, day, row.ticket_letter),
        kind=kind,
        booking=booking,
        service_type=service_type,
        priority=priority,
        phone=phone,
        language=language or "id",
        wants_heads_up=wants_heads_up and bool(phone),
        due_at=due_at,
        ready_at=max(now, due_at),
        issued_at=now,
    )
    events.record(EventKind.TICKET_ISSUED, at=now, ticket=ticket, staff=staff)
    if phone:
        send_short_message(
            ticket, "visit_ticket", "issued", {"estimate": estimate(ticket, now=now)}
        )
    return ticket


def waiting_in_order(ticket: Ticket):
    """The ids of the day's waiting tickets for this ticket's service, in call order."""
    return (
        Ticket.objects.filter(
            office_id=ticket.office_id,
            day=ticket.day,
            service_type_id=ticket.service_type_id,
            state=Ticket.State.WAITING,
        )
        .order_by(*CALL_ORDER)
        .values_list("pk", flat=True)
    )


def service_minutes(office: Office, service_type_id: int, now: datetime.datetime) -> float:
    """How long one ticket of this service takes at this office: the median of its latest
    finished tickets, or the office's setting until there are enough."""
    recent = [
        (finished - started).total_seconds() / 60
        for started, finished in Ticket.objects.filter(
            office=office,
            service_type_id=service_type_id,
            state=Ticket.State.DONE,
            day__gte=days.today(office, now) - datetime.timedelta(days=RECENT_DAYS),
            serving_started_at__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("serving_started_at", "finished_at")[:RECENT_TICKETS]
    ]
    if len(recent) >= MIN_RECENT:
        return max(statistics.median(recent), 1)
    return VisitSettings.for_office(office).service_minutes


def estimate(ticket: Ticket, *, now: datetime.datetime) -> datetime.datetime:
    """When the ticket is likely called (docs/visit-day.md): the tickets ahead of it in its
    service's queue, times that service's usual length at this office, shared among the
    active counters that call it; never before its slot's start. Rounded up to 5 minutes."""
    ahead = list(waiting_in_order(ticket)).index(ticket.pk)
    counters = (
        Counter.objects.filter(office_id=ticket.office_id, is_active=True)
        .filter(Q(services=None) | Q(services=ticket.service_type_id))
        .distinct()
        .count()
    )
    each = service_minutes(ticket.office, ticket.service_type_id, now)
    wait = datetime.timedelta(minutes=ahead * each / max(counters, 1))
    moment = max(now, ticket.due_at) + wait
    # Every Indonesian zone is a whole number of hours from UTC: rounding in UTC is rounding
    # on the office's clock.
    step = ROUND_TO.total_seconds()
    return datetime.datetime.fromtimestamp(
        math.ceil(moment.timestamp() / step) * step, tz=datetime.UTC
    )


def send_heads_ups(ticket: Ticket, *, now: datetime.datetime) -> None:
    """After a call in this ticket's service: the waiting tickets now at most
    HEADS_UP_AHEAD places from the front that asked for it get their message, once. Each is
    locked and marked before its message is written; one another counter holds right now
    (it is being called) is passed over rather than waited for, so two calls at once
    never wait on each other's tickets."""
    front = list(waiting_in_order(ticket)[: HEADS_UP_AHEAD + 1])
    due = (
        Ticket.objects.filter(
            pk__in=front, state=Ticket.State.WAITING, wants_heads_up=True, heads_up_sent_at=None
        )
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("office")
    )
    for waiting in due:
        waiting.heads_up_sent_at = now
        waiting.save(update_fields=["heads_up_sent_at"])
        send_short_message(waiting, "visit_heads_up", "heads-up", {})


def send_short_message(ticket: Ticket, kind: str, event: str, context: dict) -> None:
    """A short message about the citizen's own visit, to the phone given for this ticket:
    a service message, sent without reminder consent (docs/notifications.md)."""
    channel = Channel(settings.SHORT_MESSAGE_CHANNEL)
    with translation.override(ticket.language):
        text = render_short(
            kind, {"ticket": ticket, "office": ticket.office, **context}, ticket.language
        )
    queue_notification(
        key=f"ticket:{ticket.pk}:{event}:{channel}",
        kind=kind,
        channel=channel,
        recipient=ticket.phone,
        about=ticket,
        office=ticket.office,
        body_text=text,
        language=ticket.language,
    )
