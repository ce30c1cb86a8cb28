"""The visit day's fixtures: an office open Monday to Friday 08.00-15.00 (break 12.00-13.00)
in Jakarta (WIB), with one counter and a walk-in quota, bookings made on Tuesday 1 December
2026 for Wednesday the 2nd, and a clock that tests move through the visit day."""

import datetime

import pytest
import time_machine

from antrean.models import Counter, OfficeService, Slot
from tests.antrean.factories import book, make_booking_office
from tests.factories import make_nik, make_service_type, make_staff

NOW = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)  # Tuesday 08.00 WIB
VISIT_DAY = datetime.date(2026, 12, 2)  # Wednesday
# Born 1990 and 1960: 36 and 66 on the visit day (kecamatan 317401, serial from make_nik).
YOUNG_BIRTH, ELDERLY_BIRTH = "120890", "120860"


def at(office, hour, minute=0, second=0, *, day=VISIT_DAY) -> datetime.datetime:
    """A moment on the office's clock (the visit day unless told)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=office.tz)


@pytest.fixture
def clock():
    """Tuesday 08.00 WIB, when the bookings are made; tests move it to the visit day."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def service(db):
    return make_service_type(code="ktp-baru", name="KTP-el baru")


def make_office(*services, regency_code="3174", walk_in_quota=5, letter="A", **fields):
    office = make_booking_office(services=services, regency_code=regency_code, **fields)
    OfficeService.objects.filter(office=office).update(
        walk_in_quota=walk_in_quota, ticket_letter=letter
    )
    return office


@pytest.fixture
def office(service, clock):
    return make_office(service, name="Sudin Dukcapil Uji", slug="uji")


@pytest.fixture
def staff(office):
    return make_staff(office)


@pytest.fixture
def counter(office):
    return Counter.objects.create(office=office, number=1)


def slot_for(office, hour, minute=0, day=VISIT_DAY, **fields) -> Slot:
    starts_at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=office.tz)
    fields.setdefault("capacity", 20)
    slot, _created = Slot.objects.get_or_create(
        office=office,
        starts_at=starts_at,
        service_type=None,
        defaults={"ends_at": starts_at + datetime.timedelta(minutes=30), **fields},
    )
    return slot


def booked(
    office, service, hour, minute=0, *, day=VISIT_DAY, birth=YOUNG_BIRTH, nik=None, **fields
):
    """A booking for that time, made while the clock stands where it is."""
    fields.setdefault("phone", "+6281234567890")
    slot = slot_for(office, hour, minute, day)
    return book(slot, service, nik=nik or make_nik(birth=birth), **fields)
