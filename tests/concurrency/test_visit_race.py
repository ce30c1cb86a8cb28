"""The visit day under contention, on PostgreSQL with real threads: counters calling at the
same moment never get the same ticket, a check-in racing a cancellation leaves one of them,
and clerks racing for the last walk-in places never give more than the quota."""

import datetime
import threading
from collections import Counter as Tally

import pytest
import time_machine
from django.db import connection

from antrean.models import Booking, Counter, EventKind, OfficeService, Ticket, VisitEvent
from antrean.services import BookingError, cancel_booking
from antrean.visit.arrival import check_in, issue_walk_in
from antrean.visit.counter import call_next, finish
from antrean.visit.errors import VisitError
from ktpportal.notifications.models import Notification
from tests.antrean.visit.conftest import NOW, VISIT_DAY, booked, make_office
from tests.factories import make_service_type, make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VISIT_MORNING = datetime.datetime.combine(
    VISIT_DAY, datetime.time(1, 0), tzinfo=datetime.UTC
)  # Wednesday 08.00 WIB


@pytest.fixture
def service():
    return make_service_type()


@pytest.fixture
def office(service):
    with time_machine.travel(NOW, tick=False):
        return make_office(service, walk_in_quota=500)


@pytest.fixture
def staff(office):
    return make_staff(office)


def together(jobs):
    """Run the jobs in threads released at once; return (results, unexpected errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait()
            outcome = job()
        except (VisitError, BookingError) as error:
            outcome = error.code
        except Exception as error:  # noqa: BLE001 - any other error is what the test counts
            with lock:
                errors.append(repr(error))
            return
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_twenty_counters_calling_two_hundred_tickets_call_each_exactly_once(office, service, staff):
    with time_machine.travel(VISIT_MORNING, tick=True):
        for n in range(200):
            # Half of them asked to be told when five away: those messages are written by
            # the calls too, without two calls waiting on each other's tickets.
            issue_walk_in(
                office=office,
                service_type=service,
                staff=staff,
                phone="081234567890" if n % 2 else "",
                wants_heads_up=bool(n % 2),
            )
        counters = [Counter.objects.create(office=office, number=n) for n in range(1, 21)]

        def work(counter):
            def serve_until_empty():
                served = []
                while True:
                    try:
                        ticket = call_next(counter=counter, staff=staff)
                    except VisitError as error:
                        if error.code == "queue_empty":
                            return served
                        raise
                    finish(ticket=ticket, counter=counter, staff=staff)
                    served.append(ticket.pk)

            return serve_until_empty

        results, errors = together([work(counter) for counter in counters])

    assert errors == []
    assert all(isinstance(per_counter, list) for per_counter in results), results
    served = [pk for per_counter in results for pk in per_counter]
    assert len(served) == len(set(served)) == 200
    calls = Tally(
        VisitEvent.objects.filter(kind=EventKind.CALLED).values_list("ticket_id", flat=True)
    )
    assert len(calls) == 200 and set(calls.values()) == {1}
    assert Ticket.objects.filter(state=Ticket.State.DONE).count() == 200
    # Told once each; a ticket called before any call found it waiting five away (twenty
    # counters move the queue twenty at a time) needed no message.
    told = Ticket.objects.filter(heads_up_sent_at__isnull=False)
    assert not told.filter(wants_heads_up=False).exists()
    assert Notification.objects.filter(kind="visit_heads_up").count() == told.count() > 0
    # The work was shared, not done by one counter while the others waited.
    assert sum(1 for per_counter in results if per_counter) > 1


def test_check_in_racing_a_cancellation_leaves_exactly_one_of_them(office, service, staff):
    with time_machine.travel(NOW, tick=False):
        bookings = [booked(office, service, 9) for _ in range(10)]
    with time_machine.travel(VISIT_MORNING + datetime.timedelta(minutes=50), tick=True):
        jobs = []
        for booking in bookings:
            jobs.append(lambda b=booking: check_in(office=office, code=b.code, staff=staff))
            jobs.append(lambda b=booking: cancel_booking(booking=b))
        results, errors = together(jobs)

    assert errors == []
    for booking in bookings:
        booking.refresh_from_db()
        has_ticket = Ticket.objects.filter(booking=booking).exists()
        if booking.status == Booking.Status.CHECKED_IN:
            assert has_ticket
        else:
            assert booking.status == Booking.Status.CANCELLED and not has_ticket
    outcomes = Tally(r if isinstance(r, str) else type(r).__name__ for r in results)
    checked_in = outcomes["Ticket"]
    assert checked_in + outcomes["Booking"] == 10
    # Each loser was told why: the cancellation found it checked in, or the check-in found
    # it cancelled.
    assert outcomes["not_found"] == checked_in and outcomes["cancelled"] == 10 - checked_in


def test_clerks_racing_for_the_last_walk_in_places_never_pass_the_quota(office, service, staff):
    OfficeService.objects.filter(office=office).update(walk_in_quota=10)
    with time_machine.travel(VISIT_MORNING, tick=True):
        for _ in range(8):
            issue_walk_in(office=office, service_type=service, staff=staff)
        results, errors = together(
            [
                lambda: issue_walk_in(office=office, service_type=service, staff=staff)
                for _ in range(12)
            ]
        )
    assert errors == []
    issued = [r for r in results if isinstance(r, Ticket)]
    assert len(issued) == 2
    assert [r for r in results if isinstance(r, str)] == ["walk_ins_full"] * 10
    assert sorted(Ticket.objects.values_list("number", flat=True)) == list(range(1, 11))
