"""The no-show rule (an office's choice, off by default): after N no-shows at the office
within D days, that NIK waits W days before booking there again, and is told until when.
Bookings the office cancelled never count."""

import datetime

import pytest

from antrean.models import Closure, VisitSettings
from antrean.services import BookingError, mark_no_show
from antrean.slots import generate_slots
from antrean.visit.closing import end_days
from antrean.visit.noshow import no_show_wait
from tests.antrean.visit.conftest import NOW, VISIT_DAY, at, booked, make_office
from tests.factories import VALID_NIK, make_service_type

SOON, LATER = (VISIT_DAY + datetime.timedelta(days=n) for n in (3, 20))


@pytest.fixture
def services(service):
    return [service, make_service_type(name="Rusak"), make_service_type(name="Hilang")]


@pytest.fixture
def office(services, clock):
    office = make_office(*services, weekdays=range(7), name="Sudin Uji")
    VisitSettings.objects.create(
        office=office, no_show_rule=True, no_show_limit=3, no_show_days=30, no_show_wait_days=14
    )
    return office


def absent(office, services, *, hour=9, day=VISIT_DAY):
    """The NIK books each service for that day and never comes; the day ends."""
    for service in services:
        booked(office, service, hour, day=day, nik=VALID_NIK)


def book_again(office, service, day):
    return booked(office, service, 9, day=day, nik=VALID_NIK)


def test_three_no_shows_make_the_nik_wait_and_the_refusal_says_until_when(office, services, clock):
    absent(office, services)
    clock.move_to(at(office, 15))
    assert end_days().no_show == 3

    wait_ends = datetime.datetime.combine(
        VISIT_DAY + datetime.timedelta(days=14), datetime.time(0), tzinfo=office.tz
    )
    clock.move_to(wait_ends - datetime.timedelta(seconds=1))
    with pytest.raises(BookingError) as refused:
        book_again(office, services[0], LATER)
    assert refused.value.code == "no_show_wait"
    assert str(refused.value) == (
        "Anda tidak hadir 3 kali dalam 30 hari terakhir, jadi baru bisa mengambil antrean "
        "lagi di kantor ini mulai 16 Desember 2026."
    )
    clock.move_to(wait_ends)
    assert book_again(office, services[0], LATER).status == "active"


def test_the_rule_is_off_unless_the_office_turns_it_on(office, services, clock):
    VisitSettings.objects.filter(office=office).update(no_show_rule=False)
    absent(office, services)
    clock.move_to(at(office, 15))
    end_days()
    assert book_again(office, services[0], SOON).status == "active"


def test_fewer_no_shows_or_at_another_office_do_not_count(office, services, clock):
    other = make_office(*services, weekdays=range(7))
    VisitSettings.objects.create(office=other, no_show_rule=True, no_show_limit=3)
    absent(office, services[:2])
    absent(other, services[2:])
    clock.move_to(at(office, 15))
    assert end_days().no_show == 3
    assert no_show_wait(nik=VALID_NIK, office=office, now=at(office, 15)) is None
    assert book_again(office, services[0], SOON).status == "active"


def test_no_shows_spread_beyond_the_window_do_not_count(office, services, clock):
    absent(office, services[:2])
    clock.move_to(at(office, 15))
    end_days()
    # The third, 31 days after the first two.
    third_day = VISIT_DAY + datetime.timedelta(days=31)
    clock.move_to(at(office, 8, day=third_day - datetime.timedelta(days=1)))
    absent(office, services[2:], day=third_day)
    clock.move_to(at(office, 15, day=third_day))
    end_days()
    assert book_again(office, services[0], third_day + datetime.timedelta(days=2))


def test_staff_marking_a_no_show_counts_too(office, services, staff, clock):
    absent(office, services)
    from antrean.models import Booking

    for booking in Booking.objects.all():
        mark_no_show(booking=booking, by=staff)
    wait = no_show_wait(nik=VALID_NIK, office=office, now=NOW)
    assert (wait.count, wait.until) == (3, NOW.date() + datetime.timedelta(days=14))


def test_visits_the_office_cancelled_never_count(office, services, clock):
    generate_slots(office=office, start=NOW.date(), days=3)
    absent(office, services)
    Closure.objects.create(office=office, date=VISIT_DAY, reason="Banjir")
    generate_slots(office=office, start=NOW.date(), days=3)
    clock.move_to(at(office, 0, day=VISIT_DAY + datetime.timedelta(days=8)))
    assert end_days().cancelled == 3
    assert book_again(office, services[0], LATER).status == "active"
