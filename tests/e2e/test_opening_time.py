"""A citizen on a phone with JavaScript off, at 06.59 at an office that opens each new day at
07.00: the date page says when to come back, and at 07.00 the newest day can be booked (the
cached page turned over: Redis on PostgreSQL runs)."""

import datetime
import zoneinfo

import pytest
import time_machine

from antrean.models import Booking, BookingSettings
from antrean.slots import generate_slots
from tests.e2e.conftest import PHONE, watch
from tests.e2e.steps import NIK, choose

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
TUESDAY = datetime.date(2026, 12, 1)  # an ordinary week; the newest day is Thursday the 3rd


def test_the_newest_day_opens_at_the_offices_time(new_context, portal):
    office = portal.office
    BookingSettings.objects.filter(office=office).update(
        days_ahead=3, booking_opens_at=datetime.time(7)
    )
    page = watch(new_context(java_script_enabled=False).new_page())
    newest = "a[href='/antrean/jaksel/baru-17/2026-12-03/']"
    before = datetime.datetime.combine(TUESDAY, datetime.time(6, 59, 30), tzinfo=WIB)
    with time_machine.travel(before):
        generate_slots(office=office, start=TUESDAY, days=4)
        page.goto("/antrean/jaksel/baru-17/")
        text = page.locator("main").inner_text()
        assert (
            "Tanggal berikutnya, Kamis, 3 Desember 2026, dibuka hari ini pukul 07.00 WIB." in text
        )
        assert page.locator(newest).count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    opening = datetime.datetime.combine(TUESDAY, datetime.time(7), tzinfo=WIB)
    with time_machine.travel(opening):
        page.reload()
        assert "dibuka besok pukul 07.00 WIB" in page.locator("main").inner_text()
        choose(page, newest)
        choose(page, ".choice-list a")
        page.locator("#id_nik").fill(NIK)
        page.locator("#id_full_name").fill("Siti Aminah")
        page.locator("#id_phone").fill("0812 3456 7890")
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_url("**/antrean/selesai/")
        code = page.locator(".booking-code").inner_text().strip()
    booking = Booking.objects.select_related("slot").get(code=code)
    assert booking.slot.starts_at.astimezone(WIB).date() == datetime.date(2026, 12, 3)
    assert not page.problems, page.problems
