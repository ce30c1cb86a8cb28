"""Fixtures for the citizen-facing antrean pages: an office that takes bookings, its slots,
and a clock fixed on an ordinary working week (no holiday, no cuti bersama)."""

import datetime

import pytest
import time_machine
from django.core.cache import cache

from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import VALID_NIK, make_service_type

# Tuesday 1 December 2026, 08.00 in Jakarta; the bookings below are for Wednesday 2 December.
NOW = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)
VISIT_DAY = datetime.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _empty_cache():
    # django-ratelimit counts in the cache, and the free-seat lists live there: each test
    # starts from an empty one.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def open_office(*, service_type=None, **fields):
    """An office open 08.00-15.00 every day of the week, offering `service_type`."""
    services = [service_type] if service_type is not None else []
    return make_booking_office(services=services, weekdays=range(7), break_=None, **fields)


def make_slot(office, *, day=VISIT_DAY, hour=9, **fields):
    return slot_at(office, day, hour, **fields)


def make_booking(slot, service_type, *, nik=VALID_NIK, **fields):
    fields.setdefault("full_name", "Siti Aminah")
    return book(slot, service_type, nik=nik, **fields)


# Named apart from tests/conftest.py's `office` and `service_type`, which the core
# engineer's tests in this folder use as they are.
@pytest.fixture
def service(db):
    return make_service_type(
        code="ktp-baru", name="KTP-el baru", when_applies="Umur 17 tahun atau sudah menikah"
    )


@pytest.fixture
def booking_office(db, service, frozen_now):
    return open_office(service_type=service, name="Sudin Dukcapil Uji", slug="uji")


@pytest.fixture
def slot(booking_office):
    return make_slot(booking_office)
