import datetime

import pytest
import time_machine
from django.utils import translation

from antrean.availability import days_for, services_for, slots_for
from antrean.models import BookingSettings, Closure, OfficeService, Slot
from antrean.slots import generate_slots
from tests.antrean.factories import book, make_booking_office
from tests.factories import make_service_type

# Monday 21 December 2026, 10.00 WIB. Thursday the 24th is cuti bersama, Friday the 25th
# Christmas, then a weekend.
NOW = datetime.datetime(2026, 12, 21, 3, 0, tzinfo=datetime.UTC)
MONDAY = datetime.date(2026, 12, 21)
TUESDAY = datetime.date(2026, 12, 22)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service(db):
    return make_service_type()


@pytest.fixture
def office(service):
    office = make_booking_office(services=[service], settings={"days_ahead": 7})
    generate_slots(office=office, start=MONDAY, days=7)
    return office


def by_date(days):
    return {d.date: d for d in days}


def test_days_show_free_seats_and_why_a_day_cannot_be_booked(office, service):
    Closure.objects.create(office=office, date=datetime.date(2026, 12, 23), reason="Banjir")
    days = by_date(days_for(office=office, service_type=service))
    assert len(days) == 7 + 3
    monday, tuesday = days[MONDAY], days[TUESDAY]
    # 10.00 now: slots from 10.30 were made; with the 60-minute cut-off 11.00 onwards is
    # still open today.
    assert (monday.state, monday.free, monday.capacity) == ("open", 6 * 4, 7 * 4)
    assert (tuesday.state, tuesday.free, tuesday.reason) == ("open", 48, "")
    assert days[datetime.date(2026, 12, 23)].reason == "Kantor tutup: Banjir"
    assert days[datetime.date(2026, 12, 24)].state == "closed"
    assert days[datetime.date(2026, 12, 24)].reason.startswith("Cuti bersama")
    assert days[datetime.date(2026, 12, 25)].reason == "Libur nasional: Hari Raya Natal"
    assert days[datetime.date(2026, 12, 26)].reason == "Kantor tidak melayani pada hari Sabtu"
    not_open = days[datetime.date(2026, 12, 28)]
    assert not_open.state == "not_open"
    assert not_open.reason == "Belum dibuka: dibuka besok pukul 00.00 WIB"


def test_holiday_reason_follows_the_language(office, service):
    with translation.override("en"):
        days = by_date(days_for(office=office, service_type=service))
    assert "Christmas" in days[datetime.date(2026, 12, 25)].reason


def test_full_day_and_day_past_its_last_slot(office, service):
    slots = office.slots.filter(starts_at__date=TUESDAY)
    slots.update(booked=4)
    assert by_date(days_for(office=office, service_type=service))[TUESDAY].state == "full"
    with time_machine.travel(datetime.datetime(2026, 12, 21, 7, 0, tzinfo=datetime.UTC)):
        monday = by_date(days_for(office=office, service_type=service))[MONDAY]
    assert (monday.state, monday.free) == ("past", 0)


def test_open_day_without_slots_is_closed(service):
    office = make_booking_office(services=[service])
    days = days_for(office=office, service_type=service)
    assert days[0].state == "closed" and days[0].reason == "Tidak ada jadwal layanan"


def test_service_not_offered_has_no_seats(office, service):
    other = make_service_type()
    assert all(day.free == 0 for day in days_for(office=office, service_type=other))
    assert slots_for(office=office, service_type=other, day=TUESDAY) == []
    assert services_for(office=office) == [service]
    OfficeService.objects.filter(office=office).update(is_active=False)
    assert services_for(office=office) == []


def test_slots_show_free_seats_and_why_not_bookable(office, service):
    ten_thirty = office.slots.get(
        starts_at=datetime.datetime.combine(MONDAY, datetime.time(10, 30), tzinfo=office.tz)
    )
    eleven = office.slots.get(
        starts_at=datetime.datetime.combine(MONDAY, datetime.time(11), tzinfo=office.tz)
    )
    book(eleven, service)
    eleven_thirty = office.slots.get(
        starts_at=datetime.datetime.combine(MONDAY, datetime.time(11, 30), tzinfo=office.tz)
    )
    eleven_thirty.booked = eleven_thirty.capacity
    eleven_thirty.save()
    rows = {row.slot.pk: row for row in slots_for(office=office, service_type=service, day=MONDAY)}
    assert (rows[ten_thirty.pk].bookable, rows[ten_thirty.pk].reason) == (
        False,
        "Waktu pemesanan sudah lewat",
    )
    assert (rows[eleven.pk].bookable, rows[eleven.pk].free) == (True, 3)
    assert (rows[eleven_thirty.pk].bookable, rows[eleven_thirty.pk].reason) == (False, "Penuh")


def test_slots_beyond_the_window_are_not_open_yet(office, service):
    BookingSettings.objects.filter(office=office).update(days_ahead=1)
    rows = slots_for(office=office, service_type=service, day=TUESDAY)
    assert rows and all(not r.bookable and r.reason == "Belum dibuka" for r in rows)


def test_slots_of_a_day_closed_after_they_were_made_are_not_bookable(office, service):
    Closure.objects.create(office=office, date=TUESDAY, reason="Banjir")
    rows = slots_for(office=office, service_type=service, day=TUESDAY)
    assert rows and all(not r.bookable and r.reason == "Kantor tutup: Banjir" for r in rows)


def test_wit_office_days_and_slots_are_in_its_own_time(service):
    # 10.00 WIB is 12.00 WIT: with the cut-off only 13.00 WIT onwards is open today.
    office = make_booking_office(services=[service], regency_code="9171")
    generate_slots(office=office, start=MONDAY, days=2)
    rows = slots_for(office=office, service_type=service, day=MONDAY)
    bookable = [r.slot for r in rows if r.bookable]
    assert [str(s)[-9:] for s in bookable] == ["13.00 WIT", "13.30 WIT", "14.00 WIT", "14.30 WIT"]
    assert by_date(days_for(office=office, service_type=service))[MONDAY].free == 16


@pytest.mark.parametrize("function", ["days", "slots"])
def test_query_count_does_not_grow_with_days_or_slots(
    service, function, django_assert_max_num_queries
):
    small = make_booking_office(services=[service], settings={"days_ahead": 2})
    big = make_booking_office(
        services=[service], settings={"days_ahead": 30, "slot_minutes": 10}, weekdays=range(7)
    )
    for office in (small, big):
        generate_slots(office=office, start=MONDAY, days=30)
        for slot in office.slots.filter(starts_at__date=TUESDAY)[:3]:
            book(slot, service)

    def run(office):
        if function == "days":
            return days_for(office=office, service_type=service)
        return slots_for(office=office, service_type=service, day=TUESDAY)

    with django_assert_max_num_queries(5) as small_queries:
        small_result = run(small)
    with django_assert_max_num_queries(5) as big_queries:
        big_result = run(big)
    assert len(big_result) >= 3 * len(small_result)
    assert len(big_queries.captured_queries) == len(small_queries.captured_queries)


def test_bookable_slots_are_free_after_the_cutoff_and_inside_the_window(office, service):
    full = office.slots.get(
        starts_at=datetime.datetime.combine(MONDAY, datetime.time(13), tzinfo=office.tz)
    )
    full.booked = full.capacity
    full.save()
    today = Slot.objects.bookable(office=office, service_type=service, on=MONDAY)
    times = [s.starts_at.astimezone(office.tz).strftime("%H.%M") for s in today]
    assert times == ["11.00", "11.30", "13.30", "14.00", "14.30"]
    assert not Slot.objects.bookable(office=office, service_type=make_service_type(), on=TUESDAY)
    assert not Slot.objects.bookable(
        office=office, service_type=service, on=datetime.date(2026, 12, 28)
    )
