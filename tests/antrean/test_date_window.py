"""A date in a booking address far from the office's booking window is the portal's 404,
answered before any calendar of that day is computed; the calendar itself copes with the
first and the last day there is."""

import datetime

import pytest
from django.urls import reverse

from antrean import calendar_rules
from antrean.calendar_rules import holiday_reason, plan_days
from antrean.models import Booking, BookingSettings
from antrean.views.common import DAYS_AFTER_WINDOW, DAYS_BEFORE_TODAY
from tests.antrean.conftest import NOW, make_booking, make_slot
from tests.factories import VALID_NIK, VALID_NIK_FEMALE

pytestmark = pytest.mark.django_db

TODAY = NOW.date()  # 1 December 2026 in Jakarta too (08.00 WIB)
FAR = ["9999-12-31", "0001-01-01", "9000-01-01", "2026-11-01", "2027-06-01"]


def _is_portal_404(response):
    return response.status_code == 404 and "Halaman tidak ditemukan" in response.text


@pytest.mark.parametrize("day", FAR)
def test_time_page_far_from_the_window_is_404(client, booking_office, service, day):
    assert _is_portal_404(client.get(f"/antrean/uji/ktp-baru/{day}/"))


def test_window_edges(client, booking_office, service):
    days_ahead = BookingSettings.for_office(booking_office).days_ahead
    first = TODAY - datetime.timedelta(days=DAYS_BEFORE_TODAY)
    last = TODAY + datetime.timedelta(days=days_ahead + DAYS_AFTER_WINDOW)
    one_day = datetime.timedelta(days=1)
    for day, status in [(first - one_day, 404), (first, 200), (last, 200), (last + one_day, 404)]:
        url = reverse("antrean:times", args=["uji", "ktp-baru", day])
        assert client.get(url).status_code == status, day


def test_the_window_is_the_offices(client, booking_office, service):
    BookingSettings.objects.filter(office=booking_office).update(days_ahead=60)
    url = reverse("antrean:times", args=["uji", "ktp-baru", TODAY + datetime.timedelta(days=60)])
    assert client.get(url).status_code == 200


def test_no_holiday_calendar_is_computed_for_a_far_date(client, booking_office, service):
    calendar_rules._holidays.cache_clear()
    client.get("/antrean/uji/ktp-baru/9000-01-01/")
    assert calendar_rules._holidays.cache_info().misses == 0
    client.get(reverse("antrean:times", args=["uji", "ktp-baru", TODAY]))
    assert calendar_rules._holidays.cache_info().misses > 0  # the check sees a computed one


@pytest.mark.parametrize("day", FAR)
def test_book_page_far_from_the_window_is_404(client, slot, service, day):
    url = f"/antrean/uji/ktp-baru/{day}/{slot.pk}/"
    assert _is_portal_404(client.get(url))
    assert _is_portal_404(client.post(url, {"nik": VALID_NIK_FEMALE, "full_name": "Siti"}))
    assert not Booking.objects.exists()


@pytest.mark.parametrize("day", FAR)
def test_reschedule_pages_far_from_the_window_are_404(client, slot, service, day):
    booking = make_booking(slot, service)
    later = make_slot(slot.office, hour=13)
    found = client.post(reverse("antrean:manage"), {"code": booking.code, "nik": VALID_NIK})
    assert found.status_code == 302
    assert _is_portal_404(client.get(f"/antrean/kelola/jadwal/{day}/"))
    assert _is_portal_404(client.get(f"/antrean/kelola/jadwal/{day}/{later.pk}/"))
    assert _is_portal_404(client.post(f"/antrean/kelola/jadwal/{day}/{later.pk}/"))
    booking.refresh_from_db()
    assert booking.slot_id == slot.pk


@pytest.mark.parametrize("start", [datetime.date.min, datetime.date.max])
def test_the_calendar_copes_with_the_ends_of_time(booking_office, start):
    plans = plan_days(office=booking_office, start=start, days=17)
    assert plans[0].date == start
    assert plans[-1].date <= datetime.date.max
    assert holiday_reason(start) == ""
