"""Hundreds press "book" at the hour booking opens: real threads, each with its own
PostgreSQL connection, racing for the same seats. No seat may be given twice, and every
loser must get a clear BookingError, never a database error."""

import datetime
import threading
import uuid

import pytest
import time_machine
from django.db import connection, transaction

from antrean.models import Booking, Slot
from antrean.services import BookingError, book_slot, reschedule_booking
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import make_nik, make_service_type

# Threads see only committed rows, hence transaction=True.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)  # Tuesday 08.00 WIB
WEDNESDAY = datetime.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def service():
    return make_service_type()


@pytest.fixture
def office(service):
    return make_booking_office(services=[service])


def race(jobs):
    """Run the jobs in threads released together; return (results, unexpected errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait()
            outcome = job()
        except BookingError as error:
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
        thread.join(timeout=60)
    return results, errors


def test_fifty_people_race_for_five_seats(office, service):
    slot = slot_at(office, WEDNESDAY, 9, capacity=5)
    niks = [make_nik(serial=n) for n in range(1, 51)]
    results, errors = race([lambda nik=nik: book(slot, service, nik=nik) for nik in niks])
    assert errors == []
    assert sum(isinstance(r, Booking) for r in results) == 5
    assert [r for r in results if not isinstance(r, Booking)] == ["full"] * 45
    slot.refresh_from_db()
    assert slot.booked == 5 == Booking.objects.filter(slot=slot).count()


def test_reschedules_race_new_bookings_for_the_same_seats(office, service):
    target = slot_at(office, WEDNESDAY, 10, capacity=5)
    origin = slot_at(office, WEDNESDAY, 9, capacity=20)
    movers = [book(origin, service, nik=make_nik(serial=n)) for n in range(1, 11)]
    newcomers = [make_nik(serial=n) for n in range(11, 41)]
    jobs = [lambda b=b: reschedule_booking(booking=b, new_slot=target) for b in movers]
    jobs += [lambda nik=nik: book(target, service, nik=nik) for nik in newcomers]
    results, errors = race(jobs)
    assert errors == []
    assert len(results) == 40
    assert sum(isinstance(r, Booking) for r in results) == 5
    assert set(r for r in results if not isinstance(r, Booking)) == {"full"}
    target.refresh_from_db()
    origin.refresh_from_db()
    active = Booking.objects.filter(status=Booking.Status.ACTIVE)
    assert target.booked == 5 == active.filter(slot=target).count()
    assert origin.booked == active.filter(slot=origin).count()
    # A mover that lost kept its old seat, untouched.
    for mover in movers:
        mover.refresh_from_db()
        assert (mover.slot == target) == (mover.reschedule_count == 1)


def test_same_form_sent_ten_times_at_once_books_once(office, service):
    slot = slot_at(office, WEDNESDAY, 9, capacity=5)
    token, nik = uuid.uuid4(), make_nik()

    def submit():
        return book_slot(
            slot=slot,
            service_type=service,
            nik=nik,
            full_name="Dewi Lestari",
            phone="081234567890",
            submission_token=token,
        )

    results, errors = race([submit] * 10)
    assert errors == []
    assert len({r.pk for r in results}) == 1
    slot.refresh_from_db()
    assert slot.booked == 1


def test_a_long_lock_gives_busy_not_an_error(office, service):
    slot = slot_at(office, WEDNESDAY, 9)
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                Slot.objects.select_for_update().get(pk=slot.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with pytest.raises(BookingError) as error:
            book(slot, service)
    finally:
        release.set()
        holder.join()
    assert error.value.code == "busy"
    assert "Sedang ramai" in str(error.value.message)
    slot.refresh_from_db()
    assert slot.booked == 0 and not Booking.objects.exists()
