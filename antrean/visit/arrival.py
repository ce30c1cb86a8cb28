"""Arrival: checking a booking in by its code, and tickets for people without a booking
(docs/visit-day.md)."""

import datetime

from django.db import OperationalError, transaction
from django.utils import timezone

from antrean.calendar_rules import plan_days
from antrean.models import Booking, EventKind, Ticket, VisitEvent, VisitSettings
from antrean.services.seats import bound_lock_waits, is_busy
from antrean.visit import days, events, tickets
from antrean.visit.errors import VisitError, refusal
from ktpportal.codes import normalize_code
from ktpportal.models import Office, ServiceType
from ktpportal.phones import normalize_phone


def check_in(
    *,
    office: Office,
    code: str,
    staff,
    now: datetime.datetime | None = None,
    priority: str = "",
    wants_heads_up: bool = False,
    late_as_walk_in: bool = False,
) -> Ticket:
    """The citizen with this booking code is at the office: mark the booking checked in
    and give its ticket, or raise VisitError saying why not (nothing is issued then).

    Accepted from `check_in_early_minutes` before the slot to `check_in_late_minutes` after
    it (VisitSettings). Later than that, with the office's `late_as_walk_in` and staff
    asking for it (`late_as_walk_in=True`), the booking gets a walk-in ticket instead, from
    the service's walk-in quota. `priority`: what staff ticked; lansia (60+) is read from
    the NIK."""
    now = now or timezone.now()
    normalized = normalize_code(code)
    if normalized is None:
        raise refusal("unknown")
    try:
        with transaction.atomic():
            bound_lock_waits()
            # The booking's row is locked first: a cancellation at the same moment either
            # happened before (refused here) or waits and finds it checked in.
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("office", "slot", "citizen", "service_type")
                .filter(code=normalized)
                .first()
            )
            if booking is None:
                raise refusal("unknown")
            kind = _admissible(booking, office, now, late_as_walk_in)
            booking.status = Booking.Status.CHECKED_IN
            booking.next_reminder_at = None
            booking.save(update_fields=["status", "next_reminder_at", "updated_at"])
            events.record(EventKind.CHECKED_IN, at=now, booking=booking, staff=staff)
            slot_start = booking.slot.starts_at
            return tickets.issue(
                office=office,
                service_type=booking.service_type,
                kind=kind,
                booking=booking,
                phone=booking.phone,
                language=booking.language,
                priority=tickets.priority_for(
                    priority, nik=booking.citizen.nik, day=days.today(office, now)
                ),
                wants_heads_up=wants_heads_up,
                staff=staff,
                now=now,
                # A booked ticket is due at its slot's start; a late one made a walk-in
                # queues as one, from now.
                due_at=slot_start if kind == Ticket.Kind.BOOKED else now,
            )
    except OperationalError as exc:
        if is_busy(exc):
            raise refusal("busy") from None
        raise


def _admissible(
    booking: Booking, office: Office, now: datetime.datetime, late_as_walk_in: bool
) -> Ticket.Kind:
    """The kind of ticket this booking gets now, or the refusal."""
    if booking.office_id != office.pk:
        raise refusal("other_office", office=booking.office.name)
    if booking.status == Booking.Status.CHECKED_IN:
        raise _already_checked_in(booking)
    if booking.status == Booking.Status.CANCELLED:
        raise refusal("cancelled")
    if booking.status == Booking.Status.NO_SHOW:
        raise refusal("no_show")
    slot = booking.slot
    visit_day = timezone.localdate(slot.starts_at, timezone=office.tz)
    if visit_day != days.today(office, now):
        raise refusal("other_day", date=days.date(visit_day))
    if not slot.is_active:
        raise refusal("switched_off")
    settings = VisitSettings.for_office(office)
    opens = slot.starts_at - datetime.timedelta(minutes=settings.check_in_early_minutes)
    closes = slot.starts_at + datetime.timedelta(minutes=settings.check_in_late_minutes)
    times = {"slot": days.hour(slot.starts_at, office)}
    if now < opens:
        raise refusal("too_early", time=days.hour(opens, office), **times)
    if now <= closes:
        return Ticket.Kind.BOOKED
    if not settings.late_as_walk_in:
        raise refusal("too_late", time=days.hour(closes, office), **times)
    if not late_as_walk_in:
        raise refusal("too_late_walk_in", time=days.hour(closes, office), **times)
    return Ticket.Kind.WALK_IN


def _already_checked_in(booking: Booking) -> VisitError:
    """ "sudah check-in pukul 09.12": from its ticket, or when staff marked it present."""
    ticket = Ticket.objects.filter(booking=booking).first()
    if ticket is not None:
        return refusal(
            "already", time=days.hour(ticket.issued_at, booking.office), ticket=ticket.label
        )
    event = (
        VisitEvent.objects.filter(booking=booking, kind=EventKind.CHECKED_IN).order_by("at").first()
    )
    at = event.at if event is not None else booking.updated_at
    return refusal("already_no_ticket", time=days.hour(at, booking.office))


def issue_walk_in(
    *,
    office: Office,
    service_type: ServiceType,
    staff,
    phone: str = "",
    priority: str = "",
    wants_heads_up: bool = False,
    now: datetime.datetime | None = None,
) -> Ticket:
    """A ticket for someone without a booking, from the service's walk-in quota for the
    day (OfficeService.walk_in_quota), while the office serves today. `phone` (typed at the
    counter, optional) gets the ticket's short message; ValidationError if it is not a
    mobile number."""
    now = now or timezone.now()
    phone = normalize_phone(phone) if phone else ""
    today = days.today(office, now)
    plan = plan_days(office=office, start=today, days=1)[0]
    if not plan.is_open:
        raise refusal("closed_today", reason=plan.reason)
    closes = days.plan_closes_at(office, plan)
    if now >= closes:
        raise refusal("closed_now", time=days.hour(closes, office))
    try:
        with transaction.atomic():
            bound_lock_waits()
            return tickets.issue(
                office=office,
                service_type=service_type,
                kind=Ticket.Kind.WALK_IN,
                booking=None,
                phone=phone,
                language="id",
                priority=tickets.priority_for(priority, nik="", day=today),
                wants_heads_up=wants_heads_up,
                staff=staff,
                now=now,
                due_at=now,
            )
    except OperationalError as exc:
        if is_busy(exc):
            raise refusal("busy") from None
        raise
