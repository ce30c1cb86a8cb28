import datetime
import io
from collections import Counter

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from antrean import availability
from antrean.availability import State, days_for, slots_for
from antrean.models import Booking, BookingSettings, Closure, OfficeService, OpeningHours, Slot
from antrean.services import BookingError
from antrean.slots import generate_slots
from antrean.tasks import SlotGenerationFailed, generate_slots_daily
from ktpportal.jobs import OutOfTime
from ktpportal.models import JobRun, Office
from tests.antrean.factories import book, make_booking_office
from tests.factories import make_service_type

# Monday 21 December 2026, 07.00 WIB. That week: Thursday the 24th is cuti bersama,
# Friday the 25th Christmas (libur nasional).
NOW = datetime.datetime(2026, 12, 21, 0, 0, tzinfo=datetime.UTC)
MONDAY = datetime.date(2026, 12, 21)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service(db):
    return make_service_type()


@pytest.fixture
def office(service):
    return make_booking_office(services=[service])


def per_day(office):
    return Counter(
        timezone.localdate(s.starts_at, timezone=office.tz)
        for s in Slot.objects.filter(office=office, is_active=True)
    )


def local_times(office, day):
    return [
        timezone.localtime(s.starts_at, office.tz).strftime("%H.%M")
        for s in Slot.objects.filter(office=office, is_active=True).order_by("starts_at")
        if timezone.localdate(s.starts_at, timezone=office.tz) == day
    ]


def test_slots_follow_hours_and_breaks(office):
    generate_slots(office=office, start=MONDAY, days=1)
    assert local_times(office, MONDAY) == [
        "08.00", "08.30", "09.00", "09.30", "10.00", "10.30", "11.00", "11.30",
        "13.00", "13.30", "14.00", "14.30",
    ]  # fmt: skip
    slot = Slot.objects.first()
    assert slot.capacity == 4 and slot.service_type is None
    assert slot.ends_at - slot.starts_at == datetime.timedelta(minutes=30)


def test_weekends_holidays_and_cuti_bersama_get_no_slots(office):
    generate_slots(office=office, start=MONDAY, days=7)
    assert per_day(office) == {
        MONDAY: 12,
        datetime.date(2026, 12, 22): 12,
        datetime.date(2026, 12, 23): 12,
        # 24th cuti bersama, 25th Christmas, then the weekend.
    }


def test_closures_close_a_day_end_it_early_or_lift_a_holiday(office):
    Closure.objects.create(office=office, date=MONDAY, reason="Pemadaman listrik")
    Closure.objects.create(
        office=office,
        date=datetime.date(2026, 12, 22),
        reason="Rapat",
        closes_at=datetime.time(10),
    )
    Closure.objects.create(
        office=office,
        date=datetime.date(2026, 12, 24),
        reason="Layanan jemput bola",
        lifts_holiday=True,
    )
    generate_slots(office=office, start=MONDAY, days=5)
    assert per_day(office) == {
        datetime.date(2026, 12, 22): 4,  # 08.00-10.00
        datetime.date(2026, 12, 23): 12,
        datetime.date(2026, 12, 24): 12,
    }


def test_slots_that_already_started_are_not_made(office):
    # 11.45 WIB: the 11.30 slot is under way.
    with time_machine.travel(datetime.datetime(2026, 12, 21, 4, 45, tzinfo=datetime.UTC)):
        generate_slots(office=office, start=MONDAY, days=1)
    assert local_times(office, MONDAY) == ["13.00", "13.30", "14.00", "14.30"]


def test_generation_is_idempotent_and_keeps_bookings(office, service):
    generate_slots(office=office, start=MONDAY, days=3)
    slot = Slot.objects.order_by("starts_at").last()
    book(slot, service)
    again = generate_slots(office=office, start=MONDAY, days=3)
    assert again.created == 0 and again.updated == 0 and again.deactivated == 0
    assert Slot.objects.count() == 36
    slot.refresh_from_db()
    assert slot.booked == 1 and slot.is_active


def test_changed_hours_switch_off_booked_slots_and_flag_their_bookings(office, service):
    generate_slots(office=office, start=MONDAY, days=3)
    tuesday = datetime.date(2026, 12, 22)
    late = Slot.objects.get(
        starts_at=datetime.datetime.combine(tuesday, datetime.time(14, 30), tzinfo=office.tz)
    )
    booking = book(late, service)
    OpeningHours.objects.filter(office=office).update(closes_at=datetime.time(14))
    result = generate_slots(office=office, start=MONDAY, days=3)
    late.refresh_from_db()
    assert not late.is_active and late.booked == 1  # kept, with its booking
    assert result.deactivated == 1 and result.deleted == 5 and result.flagged == 1
    booking.refresh_from_db()
    assert booking.needs_attention and booking.status == Booking.Status.ACTIVE
    assert "22-12-2026" in booking.attention_reason
    assert per_day(office)[tuesday] == 10


def test_a_new_closure_flags_the_bookings_with_its_reason(office, service):
    generate_slots(office=office, start=MONDAY, days=3)
    tuesday = datetime.date(2026, 12, 22)
    booking = book(Slot.objects.filter(starts_at__date=tuesday).last(), service)
    Closure.objects.create(office=office, date=tuesday, reason="Banjir")
    generate_slots(office=office, start=MONDAY, days=3)
    booking.refresh_from_db()
    assert booking.needs_attention and "Kantor tutup: Banjir" in booking.attention_reason


def test_fewer_seats_never_drop_below_the_bookings(office, service):
    generate_slots(office=office, start=MONDAY, days=1)
    slot = Slot.objects.order_by("starts_at").last()
    for _ in range(3):
        book(slot, service)
    BookingSettings.objects.filter(office=office).update(seats_per_slot=2)
    generate_slots(office=office, start=MONDAY, days=1)
    slot.refresh_from_db()
    assert (slot.capacity, slot.booked) == (3, 3)
    assert set(Slot.objects.exclude(pk=slot.pk).values_list("capacity", flat=True)) == {2}


def test_per_service_seats_make_a_slot_per_service(office, service):
    other = make_service_type()
    OfficeService.objects.create(office=office, service_type=other, seats_per_slot=2)
    BookingSettings.objects.filter(office=office).update(shared_seats=False, seats_per_slot=5)
    generate_slots(office=office, start=MONDAY, days=1)
    capacities = dict(
        Slot.objects.filter(starts_at__date=MONDAY)
        .values_list("service_type", "capacity")
        .distinct()
    )
    assert capacities == {service.pk: 5, other.pk: 2}
    assert Slot.objects.count() == 24


def test_switching_to_per_service_seats_retires_the_shared_slots(office, service):
    generate_slots(office=office, start=MONDAY, days=1)
    BookingSettings.objects.filter(office=office).update(shared_seats=False)
    result = generate_slots(office=office, start=MONDAY, days=1)
    assert result.deleted == 12
    assert not Slot.objects.filter(service_type__isnull=True).exists()
    assert Slot.objects.filter(service_type=service).count() == 12


def test_office_without_services_gets_no_slots(db):
    office = make_booking_office(services=[])
    generate_slots(office=office, start=MONDAY, days=3)
    assert not Slot.objects.exists()


def test_wit_office_slots_are_in_its_own_time(service):
    office = make_booking_office(services=[service], regency_code="9171")
    generate_slots(office=office, start=datetime.date(2026, 12, 22), days=1)
    first = Slot.objects.filter(office=office).order_by("starts_at").first()
    # 08.00 WIT (UTC+9) on the 22nd is 23.00 UTC on the 21st.
    assert first.starts_at == datetime.datetime(2026, 12, 21, 23, 0, tzinfo=datetime.UTC)
    assert str(first).endswith("2026-12-22 08.00 WIT")


def test_command_generates_for_one_office_over_its_window(office, service):
    other = make_booking_office(services=[service])
    call_command("generate_slots", "--office", office.slug, "--days", "2")
    assert per_day(office) == {MONDAY: 12, datetime.date(2026, 12, 22): 12}
    assert not Slot.objects.filter(office=other).exists()


def test_command_refuses_an_unknown_office(db):
    with pytest.raises(CommandError):
        call_command("generate_slots", "--office", "tidak-ada")


def test_daily_task_fills_every_office_window_and_one_day_beyond(office, service):
    BookingSettings.objects.filter(office=office).update(days_ahead=2)
    generate_slots_daily()
    wednesday = datetime.date(2026, 12, 23)
    assert set(per_day(office)) == {MONDAY, datetime.date(2026, 12, 22), wednesday}

    # Made ahead, but not open: the pages and the booking check keep to the window.
    assert [d.state for d in days_for(office=office, service_type=service)][:3] == [
        State.OPEN,
        State.OPEN,
        State.NOT_OPEN,
    ]
    assert not any(
        s.bookable for s in slots_for(office=office, service_type=service, day=wednesday)
    )
    early = Slot.objects.filter(starts_at__date=wednesday).first()
    with pytest.raises(BookingError) as refused:
        book(early, service)
    assert refused.value.code == "not_open"


def test_one_office_failing_leaves_the_others_their_new_day(service):
    broken = make_booking_office(services=[service])
    Office.objects.filter(pk=broken.pk).update(tz_name="Asia/Tidak_Ada")
    office = make_booking_office(services=[service])

    with pytest.raises(SlotGenerationFailed, match=broken.slug):
        generate_slots_daily()

    assert per_day(office)[MONDAY] == 12
    assert not Slot.objects.filter(office=broken).exists()
    run = JobRun.objects.get(name="generate-slots-daily")
    assert run.last_failed_at == NOW and run.last_succeeded_at is None


def test_the_command_reports_an_office_that_failed(service):
    broken = make_booking_office(services=[service])
    Office.objects.filter(pk=broken.pk).update(tz_name="Asia/Tidak_Ada")
    office = make_booking_office(services=[service])
    out = io.StringIO()

    with pytest.raises(CommandError, match=broken.slug):
        call_command("generate_slots", "--days", "1", stdout=out)

    assert f"{office.slug}: 12 created" in out.getvalue()


class CountingCache:
    """Django's cache, with its deletes counted."""

    def __init__(self, cache):
        self.cache, self.deletes = cache, 0

    def delete(self, key):
        self.deletes += 1
        return self.cache.delete(key)

    def __getattr__(self, name):
        return getattr(self.cache, name)


def test_deleting_slots_drops_the_office_cache_once_not_per_slot(
    office, monkeypatch, django_capture_on_commit_callbacks
):
    generate_slots(office=office, start=MONDAY, days=3)
    Closure.objects.create(office=office, date=MONDAY, reason="Rapat")
    counting = CountingCache(availability.cache)
    monkeypatch.setattr(availability, "cache", counting)

    with django_capture_on_commit_callbacks(execute=True):
        result = generate_slots(office=office, start=MONDAY, days=3)

    assert result.deleted == 12
    assert counting.deletes == 2  # at once, for this transaction, and after its commit


def test_generation_out_of_time_stops_between_offices_and_the_next_run_goes_on(service):
    first = make_booking_office(services=[service])
    second = make_booking_office(services=[service])

    with pytest.raises(OutOfTime):
        generate_slots_daily(budget=0)  # no time: one office, then it stops

    assert per_day(first)[MONDAY] == 12  # offices are generated in id order
    assert not Slot.objects.filter(office=second).exists()
    assert JobRun.objects.get(name="generate-slots-daily").last_succeeded_at is None
    generate_slots_daily()
    assert per_day(first)[MONDAY] == per_day(second)[MONDAY] == 12
