"""The counter: the call order (priority first, then booked tickets from their slot's time
and walk-ins by arrival, merged by the moment each was due), recall, skip, transfer,
finish with the application's first values from the booking, and the "5 away" message."""

import pytest

from antrean.models import Counter, EventKind, OfficeService, Ticket, VisitEvent, VisitSettings
from antrean.visit.arrival import check_in, issue_walk_in
from antrean.visit.counter import call_next, finish, recall, skip, start_serving, transfer
from antrean.visit.errors import VisitError
from ktpportal.models import Citizen
from ktpportal.notifications.models import Notification
from tests.antrean.visit.conftest import ELDERLY_BIRTH, at, booked
from tests.factories import make_service_type


def walk_in(office, service, staff, **kwargs):
    return issue_walk_in(office=office, service_type=service, staff=staff, **kwargs)


def called(counter, staff):
    """Call the next ticket and finish it at once: the labels in the order called."""
    ticket = call_next(counter=counter, staff=staff)
    finish(ticket=ticket, counter=counter, staff=staff)
    return ticket.label


def refused(reason, step, **kwargs):
    with pytest.raises(VisitError) as caught:
        step(**kwargs)
    assert caught.value.code == reason, caught.value.message
    return str(caught.value)


def test_booked_tickets_wait_for_their_slot_and_walk_ins_keep_arrival_order(
    office, service, staff, counter, clock
):
    nine, half_past = booked(office, service, 9), booked(office, service, 9, 30)
    clock.move_to(at(office, 8, 40))
    check_in(office=office, code=half_past.code, staff=staff)  # A-001, due 09.30
    check_in(office=office, code=nine.code, staff=staff)  # A-002, due 09.00
    walk_in(office, service, staff)  # A-003, due 08.40
    clock.move_to(at(office, 8, 50))
    walk_in(office, service, staff)  # A-004, due 08.50

    assert [called(counter, staff), called(counter, staff)] == ["A-003", "A-004"]
    # The booked ones are not called before their slot's time.
    assert refused("queue_empty", call_next, counter=counter, staff=staff) == (
        "Belum ada nomor antrean yang bisa dipanggil di Loket 1."
    )
    clock.move_to(at(office, 9, 5))
    walk_in(office, service, staff)  # A-005, due 09.05
    assert [called(counter, staff), called(counter, staff)] == ["A-002", "A-005"]
    clock.move_to(at(office, 9, 30))
    assert called(counter, staff) == "A-001"


def test_priority_tickets_come_first_once_they_are_due(office, service, staff, counter, clock):
    elderly_later = booked(office, service, 10, birth=ELDERLY_BIRTH)
    clock.move_to(at(office, 9))
    walk_in(office, service, staff)
    walk_in(office, service, staff, priority="hamil")
    check_in(office=office, code=elderly_later.code, staff=staff)  # A-003, lansia, due 10.00
    walk_in(office, service, staff, priority="disabilitas")
    assert [called(counter, staff) for _ in range(3)] == ["A-002", "A-004", "A-001"]
    clock.move_to(at(office, 10))
    walk_in(office, service, staff)
    assert [called(counter, staff) for _ in range(2)] == ["A-003", "A-005"]


def test_a_counter_calls_only_its_services(office, service, staff, clock):
    other = make_service_type(name="Perubahan data")
    OfficeService.objects.create(
        office=office, service_type=other, ticket_letter="B", walk_in_quota=5
    )
    ktp_only = Counter.objects.create(office=office, number=2)
    ktp_only.services.set([service])
    every = Counter.objects.create(office=office, number=3)
    clock.move_to(at(office, 9))
    walk_in(office, other, staff)  # B-001
    walk_in(office, service, staff)
    assert called(ktp_only, staff) == "A-001"
    refused("queue_empty", call_next, counter=ktp_only, staff=staff)
    assert called(every, staff) == "B-001"


def test_a_counter_calls_one_ticket_at_a_time(office, service, staff, counter, clock):
    clock.move_to(at(office, 9))
    first = walk_in(office, service, staff)
    walk_in(office, service, staff)
    call_next(counter=counter, staff=staff)
    assert refused("counter_busy", call_next, counter=counter, staff=staff) == (
        "Loket 1 masih memanggil atau melayani A-001: selesaikan, lewati atau pindahkan dulu."
    )
    other = Counter.objects.create(office=office, number=2)
    refused("not_this_counter", finish, ticket=first, counter=other, staff=staff)


def test_recall_and_serve_are_events_with_their_times(office, service, staff, counter, clock):
    booking = booked(office, service, 9, full_name="Siti Aminah", email="siti@example.org")
    # The citizen's record says otherwise: the application starts from what was booked.
    Citizen.objects.filter(pk=booking.citizen_id).update(full_name="S. Aminah", phone="")
    clock.move_to(at(office, 8, 55))
    ticket = check_in(office=office, code=booking.code, staff=staff)
    clock.move_to(at(office, 9))
    call_next(counter=counter, staff=staff)
    clock.move_to(at(office, 9, 2))
    ticket = recall(ticket=ticket, counter=counter, staff=staff)
    assert ticket.call_count == 2
    clock.move_to(at(office, 9, 3))
    start_serving(ticket=ticket, counter=counter, staff=staff)
    clock.move_to(at(office, 9, 15))

    done = finish(ticket=ticket, counter=counter, staff=staff)

    assert done.ticket.state == Ticket.State.DONE
    assert done.application_initial == {
        "booking_code": booking.code,
        "nik": booking.citizen.nik,
        "full_name": "Siti Aminah",
        "phone": "+6281234567890",
        "email": "siti@example.org",
        "office": office.pk,
        "service_type": service.pk,
    }
    assert list(VisitEvent.objects.filter(ticket=ticket).values_list("kind", "at", "counter")) == [
        (EventKind.TICKET_ISSUED, at(office, 8, 55), None),
        (EventKind.CALLED, at(office, 9), counter.pk),
        (EventKind.RECALLED, at(office, 9, 2), counter.pk),
        (EventKind.SERVING_STARTED, at(office, 9, 3), counter.pk),
        (EventKind.SERVED, at(office, 9, 15), counter.pk),
    ]
    ticket.refresh_from_db()
    assert (ticket.first_called_at, ticket.serving_started_at, ticket.finished_at) == (
        at(office, 9),
        at(office, 9, 3),
        at(office, 9, 15),
    )


def test_finishing_a_called_ticket_serves_it_from_its_last_call(
    office, service, staff, counter, clock
):
    clock.move_to(at(office, 9))
    walk_in(office, service, staff)
    ticket = call_next(counter=counter, staff=staff)
    clock.move_to(at(office, 9, 12))
    done = finish(ticket=ticket, counter=counter, staff=staff)
    assert (done.booking, done.application_initial) == (
        None,
        {"office": office.pk, "service_type": service.pk},
    )
    assert (done.ticket.serving_started_at, done.ticket.finished_at) == (
        at(office, 9),
        at(office, 9, 12),
    )


def test_skipped_tickets_come_back_a_few_numbers_later_then_leave(
    office, service, staff, counter, clock
):
    VisitSettings.objects.create(office=office, calls_before_no_show=2)
    clock.move_to(at(office, 9))
    absent = walk_in(office, service, staff)
    walk_in(office, service, staff)
    clock.move_to(at(office, 9, 1))
    assert call_next(counter=counter, staff=staff) == absent
    clock.move_to(at(office, 9, 2))
    walk_in(office, service, staff)  # A-003, waiting before A-001 is skipped
    clock.move_to(at(office, 9, 3))
    ticket = skip(ticket=absent, counter=counter, staff=staff)
    assert (ticket.state, ticket.due_at, ticket.counter) == ("waiting", at(office, 9, 3), None)
    # Behind the two already waiting.
    assert [called(counter, staff), called(counter, staff)] == ["A-002", "A-003"]
    assert call_next(counter=counter, staff=staff) == absent
    ticket = skip(ticket=absent, counter=counter, staff=staff)
    assert ticket.state == Ticket.State.LEFT
    assert list(VisitEvent.objects.filter(ticket=absent).values_list("kind", "detail")) == [
        (EventKind.TICKET_ISSUED, ""),
        (EventKind.CALLED, ""),
        (EventKind.SKIPPED, ""),
        (EventKind.CALLED, ""),
        (EventKind.LEFT, "tidak menjawab 2 panggilan"),
    ]
    refused("queue_empty", call_next, counter=counter, staff=staff)


def test_transfer_to_another_service_keeps_the_number_and_its_place_or_not(
    office, service, staff, counter, clock
):
    other = make_service_type(name="Perubahan data")
    OfficeService.objects.create(
        office=office, service_type=other, ticket_letter="B", walk_in_quota=5
    )
    data_desk = Counter.objects.create(office=office, number=2)
    data_desk.services.set([other])
    counter.services.set([service])
    clock.move_to(at(office, 9))
    wrong_queue = walk_in(office, service, staff)
    clock.move_to(at(office, 9, 1))
    walk_in(office, other, staff)  # B-001
    call_next(counter=counter, staff=staff)

    moved = transfer(ticket=wrong_queue, counter=counter, staff=staff, to_service=other)

    assert (moved.label, moved.service_type, moved.state) == ("A-001", other, "waiting")
    # It keeps its place: it was due before B-001.
    assert called(data_desk, staff) == "A-001"
    # Moved again without keeping its place: behind B-001.
    second = walk_in(office, service, staff)
    call_next(counter=counter, staff=staff)
    clock.move_to(at(office, 9, 5))
    transfer(ticket=second, counter=counter, staff=staff, to_service=other, keep_place=False)
    assert [called(data_desk, staff), called(data_desk, staff)] == ["B-001", "A-002"]
    event = VisitEvent.objects.filter(ticket=second, kind=EventKind.TRANSFERRED).get()
    assert event.detail == "Perubahan data / antre dari belakang"


def test_a_ticket_transferred_to_a_counter_is_called_there_only(
    office, service, staff, counter, clock
):
    supervisor = Counter.objects.create(office=office, number=9, name="Loket supervisor")
    supervisor.services.set([make_service_type(name="Lain")])
    clock.move_to(at(office, 9))
    ticket = walk_in(office, service, staff)
    call_next(counter=counter, staff=staff)
    transfer(ticket=ticket, counter=counter, staff=staff, to_counter=supervisor)
    refused("queue_empty", call_next, counter=counter, staff=staff)
    assert call_next(counter=supervisor, staff=staff) == ticket
    refused("transfer_nowhere", transfer, ticket=ticket, counter=supervisor, staff=staff)


def test_the_ticket_five_away_is_told_once(office, service, staff, counter, clock):
    OfficeService.objects.filter(office=office).update(walk_in_quota=50)
    clock.move_to(at(office, 9))
    for _ in range(6):
        walk_in(office, service, staff)
    watcher = walk_in(office, service, staff, phone="081234567890", wants_heads_up=True)
    heads_up = Notification.objects.filter(kind="visit_heads_up")
    assert not heads_up.exists()  # six ahead
    called(counter, staff)  # A-001 is called: five ahead
    assert heads_up.count() == 1
    assert heads_up.get().key == f"ticket:{watcher.pk}:heads-up:sms"
    assert heads_up.get().body_text.startswith("Nomor antrean A-007 di Sudin Dukcapil Uji segera")
    called(counter, staff)
    assert heads_up.count() == 1


def test_the_estimate_follows_the_offices_own_service_times_and_counters(
    office, service, staff, counter, clock
):
    OfficeService.objects.filter(office=office).update(walk_in_quota=50)
    Counter.objects.create(office=office, number=2)
    clock.move_to(at(office, 8))
    # Five served in 20 minutes each: the office's median.
    for _ in range(5):
        walk_in(office, service, staff)
        ticket = call_next(counter=counter, staff=staff)
        clock.shift(20 * 60)
        finish(ticket=ticket, counter=counter, staff=staff)
    clock.move_to(at(office, 10))
    for _ in range(4):
        walk_in(office, service, staff)
    walk_in(office, service, staff, phone="081234567890")
    # Four ahead, 20 minutes each, two counters: 40 minutes.
    sms = Notification.objects.get(kind="visit_ticket")
    assert "perkiraan dipanggil 10.40 WIB" in sms.body_text
