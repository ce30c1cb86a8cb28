"""Every booking and ticket ends: at the office's closing time in its own zone a booking not
checked in is a no-show (and stops blocking the NIK), a switched-off one is cancelled by the
office when its reschedule link expires, and tickets still waiting have left. Idempotent,
batched, and one office's failure does not stop the others."""

import datetime

import pytest
from django.db import connection

from antrean.models import Booking, Closure, EventKind, Ticket, VisitEvent, VisitSettings
from antrean.services import cancel_booking, reschedule_booking
from antrean.slots import generate_slots
from antrean.visit import closing
from antrean.visit.arrival import check_in, issue_walk_in
from antrean.visit.closing import EndOfDayFailed, end_days
from antrean.visit.counter import call_next, start_serving
from ktpportal.celery import app as celery_app
from ktpportal.jobs import Deadline, OutOfTime
from ktpportal.models import JobRun
from tests.antrean.factories import book
from tests.antrean.visit.conftest import NOW, VISIT_DAY, at, booked, make_office, slot_for
from tests.factories import make_staff

SECOND = datetime.timedelta(seconds=1)


@pytest.mark.parametrize(("regency", "label"), [("3174", "WIB"), ("5171", "WITA"), ("9171", "WIT")])
def test_a_booking_not_checked_in_is_a_no_show_at_closing_in_the_offices_zone(
    service, clock, regency, label
):
    office = make_office(service, regency_code=regency)
    booking = booked(office, service, 14)
    nik = booking.citizen.nik
    clock.move_to(at(office, 14, 30))
    ticket = issue_walk_in(office=office, service_type=service, staff=make_staff(office))

    clock.move_to(at(office, 15) - SECOND)
    end_days()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE

    clock.move_to(at(office, 15))
    assert end_days().no_show == 1
    booking.refresh_from_db()
    assert (booking.status, booking.next_reminder_at) == (Booking.Status.NO_SHOW, None)
    event = VisitEvent.objects.get(booking=booking, kind=EventKind.NO_SHOW)
    assert event.at == at(office, 15)
    # The queue is served for an hour after closing; then the ticket still waiting has left.
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.WAITING
    clock.move_to(at(office, 16) - SECOND)
    end_days()
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.WAITING
    clock.move_to(at(office, 16))
    assert end_days().tickets_left == 1
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.LEFT
    # The NIK is free to book the same service again.
    clock.move_to(NOW + datetime.timedelta(days=1))
    again = book(slot_for(office, 9, day=VISIT_DAY + datetime.timedelta(days=1)), service, nik=nik)
    assert again.status == Booking.Status.ACTIVE
    assert office.tz_label == label


def test_the_check_in_window_is_never_cut_short_by_closing(office, service, clock):
    late_slot = booked(office, service, 14, 45)  # check-in until 15.15
    clock.move_to(at(office, 15, 10))
    end_days()
    assert Booking.objects.get(pk=late_slot.pk).status == Booking.Status.ACTIVE
    clock.move_to(at(office, 15, 15))
    end_days()
    assert Booking.objects.get(pk=late_slot.pk).status == Booking.Status.NO_SHOW


def test_a_half_day_closes_its_bookings_early(office, service, clock):
    generate_slots(office=office, start=NOW.date(), days=3)
    morning = booked(office, service, 10)
    Closure.objects.create(
        office=office, date=VISIT_DAY, reason="Rapat", closes_at=datetime.time(12)
    )
    generate_slots(office=office, start=NOW.date(), days=3)
    clock.move_to(at(office, 12))
    end_days()
    assert Booking.objects.get(pk=morning.pk).status == Booking.Status.NO_SHOW


def test_checked_in_and_cancelled_bookings_are_left_alone_and_a_second_run_changes_nothing(
    office, service, staff, clock
):
    came, gone = booked(office, service, 9), booked(office, service, 9)
    cancel_booking(booking=gone)
    clock.move_to(at(office, 9))
    check_in(office=office, code=came.code, staff=staff)
    clock.move_to(at(office, 23))
    end_days()
    events = VisitEvent.objects.count()
    assert str(end_days()) == (
        "0 no-shows, 0 cancelled by the office, 0 tickets left, 0 tickets closed"
    )
    assert VisitEvent.objects.count() == events
    assert Booking.objects.get(pk=came.pk).status == Booking.Status.CHECKED_IN
    assert Booking.objects.get(pk=gone.pk).status == Booking.Status.CANCELLED


def test_a_switched_off_visit_ends_cancelled_by_the_office_when_its_link_expires(
    office, service, clock
):
    generate_slots(office=office, start=NOW.date(), days=3)
    booking = booked(office, service, 9)
    Closure.objects.create(office=office, date=VISIT_DAY, reason="Banjir")
    generate_slots(office=office, start=NOW.date(), days=3)
    slot = booking.slot
    slot.refresh_from_db()
    assert not slot.is_active and slot.booked == 1

    # The citizen may still move it until the end of the seventh day after the visit.
    deadline = datetime.datetime.combine(
        VISIT_DAY + datetime.timedelta(days=8), datetime.time(0), tzinfo=office.tz
    )
    clock.move_to(deadline - SECOND)
    end_days()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.ACTIVE
    clock.move_to(deadline)
    assert end_days().cancelled == 1

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert list(VisitEvent.objects.filter(booking=booking).values_list("kind", "at")) == [
        (EventKind.BOOKED, NOW),
        (EventKind.CANCELLED_BY_OFFICE, deadline),
    ]
    slot.refresh_from_db()
    assert slot.booked == 0


def test_tickets_still_waiting_leave_after_the_offices_serving_time(
    office, service, staff, counter, clock
):
    VisitSettings.objects.create(office=office, serve_after_closing_minutes=30)
    clock.move_to(at(office, 14))
    waiting = issue_walk_in(office=office, service_type=service, staff=staff)
    serving = issue_walk_in(office=office, service_type=service, staff=staff)
    called = issue_walk_in(office=office, service_type=service, staff=staff)
    first = call_next(counter=counter, staff=staff)
    assert first == waiting
    start_serving(ticket=first, counter=counter, staff=staff)
    other_counter = counter.__class__.objects.create(office=office, number=2)
    assert call_next(counter=other_counter, staff=staff) == serving
    third = counter.__class__.objects.create(office=office, number=3)
    assert call_next(counter=third, staff=staff) == called

    clock.move_to(at(office, 15, 29, 59))
    end_days()
    assert Ticket.objects.filter(state__in=Ticket.OPEN_STATES).count() == 3
    clock.move_to(at(office, 15, 30))
    ended = end_days()
    assert (ended.tickets_left, ended.tickets_closed) == (2, 1)
    first.refresh_from_db()
    # Being served when the day ended: served, with no service time (nobody pressed Selesai).
    assert (first.state, first.finished_at) == (Ticket.State.DONE, None)
    assert Ticket.objects.get(pk=called.pk).state == Ticket.State.LEFT
    assert Ticket.objects.get(pk=serving.pk).finished_at == at(office, 15, 30)
    assert VisitEvent.objects.filter(kind=EventKind.LEFT, at=at(office, 15, 30)).count() == 2


def test_one_offices_failure_does_not_stop_the_others(service, clock):
    broken = make_office(service, slug="rusak")
    sound = make_office(service, slug="sehat")
    for office in (broken, sound):
        booked(office, service, 9)
    # Bad data at one office: a zone no clock knows.
    broken.__class__.objects.filter(pk=broken.pk).update(tz_name="Asia/Nowhere")
    clock.move_to(at(sound, 16))
    with pytest.raises(EndOfDayFailed, match="1 offices failed: rusak"):
        end_days()
    assert Booking.objects.get(office=sound).status == Booking.Status.NO_SHOW
    assert Booking.objects.get(office=broken).status == Booking.Status.ACTIVE


def test_a_run_out_of_time_stops_between_batches_and_the_next_goes_on(
    office, service, clock, monkeypatch
):
    for _ in range(3):
        booked(office, service, 9)
    clock.move_to(at(office, 16))
    with pytest.raises(OutOfTime):
        end_days(deadline=Deadline(0))
    assert Booking.objects.filter(status=Booking.Status.ACTIVE).count() == 3
    monkeypatch.setattr(closing, "BATCH_SIZE", 2)
    assert end_days().no_show == 3


def test_the_beat_task_records_its_run(office, service, clock, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    booked(office, service, 9)
    clock.move_to(at(office, 16))
    closing.end_visit_days.delay()
    run = JobRun.objects.get(name="end-visit-days")
    assert run.last_succeeded_at == at(office, 16)
    assert run.last_summary.startswith("1 no-shows")


def test_the_due_bookings_are_read_from_the_partial_index(office, service, clock):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plan")
    booked(office, service, 9)
    candidates = Booking.objects.filter(
        office=office, status=Booking.Status.ACTIVE, visit_starts_at__lt=at(office, 16)
    ).order_by("visit_starts_at", "pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = candidates.explain()
    assert "antrean_booking_active_visit" in plan


def test_a_booking_keeps_its_visit_time_when_booked_and_moved(office, service, clock):
    booking = booked(office, service, 9)
    assert booking.visit_starts_at == at(office, 9)
    reschedule_booking(booking=booking, new_slot=slot_for(office, 11))
    booking.refresh_from_db()
    assert booking.visit_starts_at == booking.slot.starts_at == at(office, 11)
