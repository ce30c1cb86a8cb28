"""Each office opens the newest day of its booking window at its own time, office time
(BookingSettings.booking_opens_at, antrean/window.py): before it, the window ends a day
earlier, for everything that decides or shows whether a day can be booked."""

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from antrean.availability import days_for, slots_for
from antrean.models import Booking, BookingSettings, Slot
from antrean.services import BookingError, check_slot
from antrean.window import BookingWindow
from tests.antrean.conftest import make_booking, open_office
from tests.antrean.factories import slot_at
from tests.factories import VALID_NIK, VALID_NIK_FEMALE

pytestmark = pytest.mark.django_db

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WIT = zoneinfo.ZoneInfo("Asia/Jayapura")
# Tuesday 1 December 2026, an ordinary week: no holiday, no cuti bersama.
TODAY = datetime.date(2026, 12, 1)


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def at(hour, minute=0, second=0, *, n=0, tz=WIB) -> datetime.datetime:
    return datetime.datetime.combine(day(n), datetime.time(hour, minute, second), tzinfo=tz)


def clock(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def office_opening_at(
    service, opens_at=datetime.time(7), days_ahead=3, cutoff_minutes=60, **fields
):
    """An office open 08.00-15.00 every day, a slot at 09.00 on each of the next days."""
    settings = {
        "days_ahead": days_ahead,
        "booking_opens_at": opens_at,
        "cutoff_minutes": cutoff_minutes,
    }
    office = open_office(service_type=service, settings=settings, **fields)
    for n in range(days_ahead + 3):
        slot_at(office, day(n), 9)
    return office


def nine_on(office, n) -> Slot:
    return Slot.objects.get(office=office, starts_at=at(9, n=n, tz=office.tz))


def by_date(days):
    return {d.date: d for d in days}


# --- The window itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "last_day"),
    [
        (at(0, 0), day(2)),
        (at(6, 59, 59), day(2)),
        (at(23, 59, 59), day(2)),
        (at(0, 0, n=1), day(3)),
    ],
)
def test_at_midnight_the_window_is_today_and_the_next_days(now, last_day):
    window = BookingWindow.at(now, days_ahead=3, opening_time=datetime.time(0), tz=WIB)
    assert (window.first_day, window.last_day) == (now.astimezone(WIB).date(), last_day)


@pytest.mark.parametrize(
    ("now", "last_day", "since", "until"),
    [
        (at(0, 0), day(1), at(0, 0), at(7, 0)),
        (at(6, 59, 59), day(1), at(0, 0), at(7, 0)),
        (at(7, 0), day(2), at(7, 0), at(0, 0, n=1)),
        (at(23, 59, 59), day(2), at(7, 0), at(0, 0, n=1)),
    ],
)
def test_the_newest_day_opens_at_the_opening_time(now, last_day, since, until):
    window = BookingWindow.at(now, days_ahead=3, opening_time=datetime.time(7), tz=WIB)
    assert (window.first_day, window.last_day) == (TODAY, last_day)
    assert (window.since, window.until) == (since, until)
    assert window.is_current(now)
    assert not window.is_current(until) and not window.is_current(since - datetime.timedelta(1))
    assert window.opens_at(day(2)) == at(7, 0)
    assert window.opens_at(day(3)) == at(7, 0, n=1)


def test_one_day_ahead_opens_today_only_at_the_opening_time():
    before = BookingWindow.at(at(6, 59), days_ahead=1, opening_time=datetime.time(7), tz=WIB)
    assert TODAY not in before and before.last_day == day(-1)
    assert before.opens_at(TODAY) == at(7, 0)
    after = BookingWindow.at(at(7, 0), days_ahead=1, opening_time=datetime.time(7), tz=WIB)
    assert TODAY in after and day(1) not in after


# --- What the pages show -------------------------------------------------------------------


def test_days_before_and_after_the_opening_time(service):
    office = office_opening_at(service)
    with clock(at(6, 59)):
        days = by_date(days_for(office=office, service_type=service))
    assert list(days) == [day(n) for n in range(5)]  # the window, then three not open yet
    assert [days[day(n)].state for n in range(2)] == ["open", "open"]
    assert days[day(2)].state == "not_open"
    assert days[day(2)].reason == "Belum dibuka: dibuka hari ini pukul 07.00 WIB"
    assert days[day(3)].reason == "Belum dibuka: dibuka besok pukul 07.00 WIB"
    assert days[day(4)].reason == "Belum dibuka: dibuka 3 Desember 2026 pukul 07.00 WIB"

    with clock(at(7, 0)):
        days = by_date(days_for(office=office, service_type=service))
    assert list(days) == [day(n) for n in range(6)]
    assert (days[day(2)].state, days[day(2)].free) == ("open", 4)
    assert days[day(3)].reason == "Belum dibuka: dibuka besok pukul 07.00 WIB"


def test_midnight_opening_keeps_the_plain_window(service):
    office = office_opening_at(service, opens_at=datetime.time(0))
    with clock(at(23, 59, 59)):
        days = by_date(days_for(office=office, service_type=service))
    assert [days[day(n)].state for n in range(4)] == ["past", "open", "open", "not_open"]
    assert days[day(3)].reason == "Belum dibuka: dibuka besok pukul 00.00 WIB"
    with clock(at(0, 0, n=1)):
        days = by_date(days_for(office=office, service_type=service))
    assert TODAY not in days
    assert [days[day(n)].state for n in range(1, 5)] == ["open", "open", "open", "not_open"]


def test_an_office_in_wit_opens_two_hours_before_one_in_wib(service):
    wib = office_opening_at(service, slug="wib")
    wit = office_opening_at(service, slug="wit", regency_code="9171")  # Kota Jayapura
    # 07.30 WIT is 05.30 WIB.
    with clock(at(7, 30, tz=WIT)):
        assert by_date(days_for(office=wit, service_type=service))[day(2)].state == "open"
        newest_in_wib = by_date(days_for(office=wib, service_type=service))[day(2)]
        assert Slot.objects.bookable(office=wit, service_type=service, on=day(2)).exists()
        assert not Slot.objects.bookable(office=wib, service_type=service, on=day(2)).exists()
    assert newest_in_wib.reason == "Belum dibuka: dibuka hari ini pukul 07.00 WIB"
    with clock(at(6, 59, tz=WIT)):
        newest_in_wit = by_date(days_for(office=wit, service_type=service))[day(2)]
    assert newest_in_wit.reason == "Belum dibuka: dibuka hari ini pukul 07.00 WIT"


def test_slots_of_the_newest_day_open_at_the_opening_time(service):
    office = office_opening_at(service)
    yesterday = slot_at(office, day(-1), 9)
    with clock(at(6, 59, 59)):
        (before,) = slots_for(office=office, service_type=service, day=day(2))
        (gone,) = slots_for(office=office, service_type=service, day=day(-1))
        assert not Slot.objects.bookable(office=office, service_type=service, on=day(2)).exists()
        assert Slot.objects.bookable(office=office, service_type=service, on=day(1)).exists()
    assert (before.bookable, before.reason) == (False, "Belum dibuka")
    # A day before the window has not "not opened": its time is over.
    assert (gone.slot, gone.reason) == (yesterday, "Waktu pemesanan sudah lewat")
    with clock(at(7, 0)):
        (after,) = slots_for(office=office, service_type=service, day=day(2))
        assert Slot.objects.bookable(office=office, service_type=service, on=day(2)).exists()
    assert (after.bookable, after.reason) == (True, "")


def test_one_day_ahead_with_the_cutoff_on_top(service):
    office = office_opening_at(service, days_ahead=1, cutoff_minutes=90)
    early = slot_at(office, TODAY, 8)  # inside the 90-minute cut-off at 07.00
    with clock(at(6, 59)):
        (today,) = [d for d in days_for(office=office, service_type=service) if d.date == TODAY]
        rows = slots_for(office=office, service_type=service, day=TODAY)
    assert (today.state, today.reason) == (
        "not_open",
        "Belum dibuka: dibuka hari ini pukul 07.00 WIB",
    )
    assert [r.reason for r in rows] == ["Belum dibuka", "Belum dibuka"]
    with clock(at(7, 0)):
        rows = {r.slot.pk: r for r in slots_for(office=office, service_type=service, day=TODAY)}
        days = by_date(days_for(office=office, service_type=service))
    assert rows[early.pk].reason == "Waktu pemesanan sudah lewat"
    assert rows[nine_on(office, 0).pk].bookable
    assert (days[TODAY].state, days[TODAY].free) == ("open", 4)
    assert days[day(1)].state == "not_open"


def test_a_day_the_office_is_closed_is_not_promised_to_open(service):
    office = office_opening_at(service)
    office.opening_hours.filter(weekday=5).delete()  # closed on Saturdays: 5 December
    with clock(at(7, 0)):
        days = by_date(days_for(office=office, service_type=service))
    assert days[day(4)].state == "closed"
    assert days[day(4)].reason == "Kantor tidak melayani pada hari Sabtu"


# --- Booking and rescheduling --------------------------------------------------------------


def test_check_slot_refuses_the_newest_day_until_the_opening_time(service):
    office = office_opening_at(service)
    newest = nine_on(office, 2)
    with pytest.raises(BookingError) as error:
        check_slot(slot=newest, service_type=service, now=at(6, 59, 59))
    assert error.value.code == "not_open"
    assert error.value.message == (
        "Pemesanan untuk tanggal ini belum dibuka: dibuka hari ini pukul 07.00 WIB."
    )
    check_slot(slot=newest, service_type=service, now=at(7, 0))
    with pytest.raises(BookingError) as error:
        check_slot(slot=nine_on(office, 3), service_type=service, now=at(7, 0))
    assert "dibuka besok pukul 07.00 WIB" in error.value.message


def _post_booking(client, office, service, slot, n):
    url = reverse("antrean:book", args=[office.slug, service.code, day(n), slot.pk])
    data = {
        "nik": VALID_NIK,
        "full_name": "Siti Aminah",
        "phone": "081234567890",
        "email": "",
        "submission_token": str(uuid.uuid4()),
    }
    return client.post(url, data)


def test_booking_the_newest_day_at_the_opening_minute(client, service):
    office = office_opening_at(service)
    newest = nine_on(office, 2)
    with clock(at(6, 59, 59)):
        refused = _post_booking(client, office, service, newest, 2)
    assert refused.status_code == 400
    assert "belum dibuka: dibuka hari ini pukul 07.00 WIB" in refused.text
    newest.refresh_from_db()
    assert newest.booked == 0 and not Booking.objects.exists()
    with clock(at(7, 0)):
        accepted = _post_booking(client, office, service, newest, 2)
    assert accepted.status_code == 302
    newest.refresh_from_db()
    assert newest.booked == 1 and Booking.objects.get().slot == newest


def test_the_refusal_in_english(client, settings, service):
    office = office_opening_at(service)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with clock(at(6, 59)):
        refused = _post_booking(client, office, service, nine_on(office, 2), 2)
    assert "Booking for this date is not open yet: it opens today at 07.00 WIB." in refused.text


def test_rescheduling_to_the_newest_day_waits_for_the_opening_time(client, service):
    office = office_opening_at(service)
    with clock(at(6, 0)):
        booking = make_booking(nine_on(office, 1), service, nik=VALID_NIK_FEMALE)
        form = {"code": booking.code, "nik": VALID_NIK_FEMALE}
        assert client.post(reverse("antrean:manage"), form).status_code == 302
    newest = nine_on(office, 2)
    times = reverse("antrean:reschedule-times", args=[day(2)])
    confirm = reverse("antrean:reschedule-confirm", args=[day(2), newest.pk])
    with clock(at(6, 59)):
        assert times not in client.get(reverse("antrean:reschedule-dates")).text
        assert confirm not in client.get(times).text
        refused = client.post(confirm)
    assert refused.status_code == 400
    assert "dibuka hari ini pukul 07.00 WIB" in refused.text
    with clock(at(7, 0)):
        assert times in client.get(reverse("antrean:reschedule-dates")).text
        assert confirm in client.get(times).text
        assert client.post(confirm).status_code == 302
    booking.refresh_from_db()
    assert booking.slot == newest


def test_a_later_opening_time_takes_effect_at_once(service):
    office = office_opening_at(service, opens_at=datetime.time(0))
    with clock(at(7, 30)):
        assert Slot.objects.bookable(office=office, service_type=service, on=day(2)).exists()
        BookingSettings.objects.filter(office=office).update(booking_opens_at=datetime.time(8))
        assert not Slot.objects.bookable(office=office, service_type=service, on=day(2)).exists()
