"""Arrival: a booking is checked in by its code within its window and gets a ticket; every
other case is refused with a message staff can read out, and nothing is issued."""

import pytest

from antrean.models import Booking, Closure, EventKind, Ticket, VisitEvent, VisitSettings
from antrean.slots import generate_slots
from antrean.visit.arrival import check_in
from antrean.visit.errors import VisitError
from ktpportal.notifications.models import Notification
from tests.antrean.visit.conftest import ELDERLY_BIRTH, NOW, VISIT_DAY, at, booked, make_office


def refused(reason, **kwargs):
    with pytest.raises(VisitError) as caught:
        check_in(**kwargs)
    assert caught.value.code == reason, caught.value.message
    return str(caught.value)


def test_check_in_issues_a_ticket_and_ends_the_bookings_reminders(office, service, staff, clock):
    booking = booked(office, service, 9, 30, sms_consent=False)
    assert booking.next_reminder_at is not None
    clock.move_to(at(office, 9, 12))

    ticket = check_in(office=office, code=booking.code.lower().replace("-", " "), staff=staff)

    assert ticket.label == "A-001"
    assert (ticket.kind, ticket.state, ticket.booking) == ("booked", "waiting", booking)
    assert ticket.due_at == at(office, 9, 30) and ticket.issued_at == at(office, 9, 12)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN
    assert booking.next_reminder_at is None
    assert list(VisitEvent.objects.filter(booking=booking).values_list("kind", "staff", "at")) == [
        (EventKind.BOOKED, None, NOW),
        (EventKind.CHECKED_IN, staff.pk, at(office, 9, 12)),
        (EventKind.TICKET_ISSUED, staff.pk, at(office, 9, 12)),
    ]
    # A service message about the visit: sent without the reminder consent, never by email.
    sms = Notification.objects.get(kind="visit_ticket")
    assert sms.key == f"ticket:{ticket.pk}:issued:sms"
    assert sms.recipient == "+6281234567890"
    assert sms.body_text == (
        "Nomor antrean A-001 di Sudin Dukcapil Uji, perkiraan dipanggil 09.30 WIB. "
        "Pantau layar panggilan."
    )


def test_window_opens_and_closes_around_the_slot(office, service, staff, clock):
    VisitSettings.objects.create(office=office, check_in_early_minutes=45, check_in_late_minutes=15)
    early, on_time, late = (booked(office, service, 10) for _ in range(3))

    clock.move_to(at(office, 9, 14, 59))
    message = refused("too_early", office=office, code=early.code, staff=staff)
    assert message == "Terlalu awal: check-in untuk jadwal 10.00 WIB dibuka pukul 09.15 WIB."
    clock.move_to(at(office, 9, 15))
    assert check_in(office=office, code=early.code, staff=staff).label == "A-001"

    clock.move_to(at(office, 10, 15))
    assert check_in(office=office, code=on_time.code, staff=staff).label == "A-002"
    clock.move_to(at(office, 10, 15, 1))
    message = refused("too_late_walk_in", office=office, code=late.code, staff=staff)
    assert message.startswith("Terlambat: check-in untuk jadwal 10.00 WIB ditutup pukul 10.15 WIB.")
    assert Ticket.objects.count() == 2
    assert Booking.objects.get(pk=late.pk).status == Booking.Status.ACTIVE


def test_a_late_arrival_becomes_a_walk_in_on_staffs_request(office, service, staff, clock):
    late, *others, last = (booked(office, service, 9) for _ in range(6))
    clock.move_to(at(office, 10))

    ticket = check_in(office=office, code=late.code, staff=staff, late_as_walk_in=True)

    assert (ticket.kind, ticket.booking, ticket.due_at) == ("walk_in", late, at(office, 10))
    assert ticket.label == "A-001"
    # Each took one of the day's five walk-in places.
    for other in others:
        check_in(office=office, code=other.code, staff=staff, late_as_walk_in=True)
    refused("walk_ins_full", office=office, code=last.code, staff=staff, late_as_walk_in=True)
    assert Booking.objects.get(pk=last.pk).status == Booking.Status.ACTIVE


def test_an_office_may_refuse_late_arrivals_outright(office, service, staff, clock):
    VisitSettings.objects.create(office=office, late_as_walk_in=False)
    late = booked(office, service, 9)
    clock.move_to(at(office, 10))
    message = refused("too_late", office=office, code=late.code, staff=staff, late_as_walk_in=True)
    assert message == "Terlambat: check-in untuk jadwal 09.00 WIB ditutup pukul 09.30 WIB."
    assert not Ticket.objects.exists()


def test_a_second_scan_says_when_and_issues_nothing(office, service, staff, clock):
    booking = booked(office, service, 9)
    clock.move_to(at(office, 9, 12))
    check_in(office=office, code=booking.code, staff=staff)
    clock.move_to(at(office, 9, 40))
    message = refused("already", office=office, code=booking.code, staff=staff)
    assert message == "Booking ini sudah check-in pukul 09.12 WIB (nomor antrean A-001)."
    assert Ticket.objects.count() == 1
    assert VisitEvent.objects.filter(kind=EventKind.TICKET_ISSUED).count() == 1


def test_a_booking_marked_present_without_a_ticket_says_when(office, service, staff, clock):
    from antrean.services import check_in_booking

    booking = booked(office, service, 9)
    clock.move_to(at(office, 8, 55))
    check_in_booking(booking=booking, by=staff)
    clock.move_to(at(office, 9, 5))
    message = refused("already_no_ticket", office=office, code=booking.code, staff=staff)
    assert message == "Booking ini sudah ditandai hadir pukul 08.55 WIB."


def test_another_offices_booking_is_refused(office, service, staff, clock):
    other = make_office(service, name="Disdukcapil Lain")
    booking = booked(other, service, 9)
    clock.move_to(at(office, 9))
    message = refused("other_office", office=office, code=booking.code, staff=staff)
    assert message == (
        "Booking ini untuk Disdukcapil Lain, bukan kantor ini. Nomor antrean tidak diberikan."
    )
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.ACTIVE


def test_another_days_booking_is_refused(office, service, staff, clock):
    booking = booked(office, service, 9)
    clock.move_to(at(office, 9, day=NOW.date()))
    message = refused("other_day", office=office, code=booking.code, staff=staff)
    assert message == (
        "Booking ini untuk Rabu, 2 Desember 2026, bukan hari ini. Nomor antrean tidak diberikan."
    )


def test_cancelled_unknown_and_malformed_codes_are_refused(office, service, staff, clock):
    from antrean.services import cancel_booking

    cancelled = booked(office, service, 9)
    cancel_booking(booking=cancelled)
    clock.move_to(at(office, 9))
    refused("cancelled", office=office, code=cancelled.code, staff=staff)
    refused("unknown", office=office, code="7KQ2-M9XD-4HTP", staff=staff)
    refused("unknown", office=office, code="bukan kode", staff=staff)
    assert not Ticket.objects.exists()


def test_a_visit_the_office_switched_off_is_refused(office, service, staff, clock):
    generate_slots(office=office, start=NOW.date(), days=3)
    booking = booked(office, service, 9)
    Closure.objects.create(office=office, date=VISIT_DAY, reason="Banjir")
    generate_slots(office=office, start=NOW.date(), days=3)
    clock.move_to(at(office, 9))
    refused("switched_off", office=office, code=booking.code, staff=staff)


def test_elderly_citizens_get_priority_from_their_nik_and_staff_tick_the_rest(
    office, service, staff, clock
):
    elderly = booked(office, service, 9, birth=ELDERLY_BIRTH)
    pregnant = booked(office, service, 9)
    plain = booked(office, service, 9)
    clock.move_to(at(office, 9))
    assert check_in(office=office, code=elderly.code, staff=staff).priority == "lansia"
    ticked = check_in(office=office, code=pregnant.code, staff=staff, priority="hamil")
    assert ticked.priority == "hamil"
    assert check_in(office=office, code=plain.code, staff=staff).priority == ""


def test_no_phone_no_short_message_and_no_heads_up(office, service, staff, clock):
    booking = booked(office, service, 9, phone="", email="siti@example.org")
    clock.move_to(at(office, 9))
    ticket = check_in(office=office, code=booking.code, staff=staff, wants_heads_up=True)
    assert ticket.wants_heads_up is False
    assert not Notification.objects.filter(kind="visit_ticket").exists()
