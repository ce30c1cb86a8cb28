"""Journeys 1, 2 and 5: book a visit from the home page (with and without JavaScript),
download the calendar file, reschedule, cancel; the seat counts follow."""

from pathlib import Path

import icalendar
import pytest

from antrean.models import Booking, Slot
from tests.e2e.conftest import watch
from tests.e2e.steps import NIK, assert_no_nik_in_address, book_visit, choose

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _no_nik_anywhere(page, step):
    assert_no_nik_in_address(page)
    assert NIK not in page.content(), f"{step}: the whole NIK is on the page"


def _check_confirmation_and_calendar(page, code):
    booking = Booking.objects.select_related("slot", "office", "citizen").get(code=code)
    assert booking.status == Booking.Status.ACTIVE
    assert booking.citizen.nik == NIK and booking.citizen.full_name == "Siti Aminah"
    assert booking.slot.booked == 1
    main = page.locator("main")
    assert "3174" in main.inner_text() and "0001" in main.inner_text()  # the masked NIK

    with page.expect_download() as download_info:
        page.locator("a[href$='.ics']").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == booking.slot.starts_at
    assert event.decoded("DTEND") == booking.slot.ends_at
    text = calendar.to_ical().decode()
    assert booking.code in text
    assert booking.office.name in str(event.get("LOCATION", "")) + str(event.get("SUMMARY"))
    assert NIK not in text
    return booking


def test_book_from_the_home_page_and_download_the_calendar_file(page, portal):
    code = book_visit(page, at_each_step=_no_nik_anywhere)
    _check_confirmation_and_calendar(page, code)
    assert not page.problems, page.problems


def test_book_with_javascript_off(new_context, portal):
    page = watch(new_context(java_script_enabled=False).new_page())
    code = book_visit(page, at_each_step=_no_nik_anywhere)
    _check_confirmation_and_calendar(page, code)
    assert not page.problems, page.problems


def test_reschedule_then_cancel_and_the_seats_follow(page, portal):
    code = book_visit(page)
    booking = Booking.objects.get(code=code)
    first_slot = booking.slot

    choose(page, "a[href='/antrean/kelola/jadwal/']")
    choose(page, ".choice-list a")
    choose(page, ".choice-list a")  # the current slot is not a link: this is another one
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/antrean/kelola/antrean/")
    booking.refresh_from_db()
    assert booking.slot_id != first_slot.pk
    assert booking.reschedule_count == 1
    assert Slot.objects.get(pk=first_slot.pk).booked == 0
    assert Slot.objects.get(pk=booking.slot_id).booked == 1
    assert page.locator("main .alert-success, main .messages").count()

    choose(page, "a[href='/antrean/kelola/batal/']")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/antrean/kelola/antrean/")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Slot.objects.get(pk=booking.slot_id).booked == 0
    # A cancelled booking offers no more changes.
    assert page.locator("a[href='/antrean/kelola/batal/']").count() == 0
    assert not page.problems, page.problems


def test_find_the_booking_again_with_code_and_nik(new_context, portal):
    first = new_context().new_page()
    code = book_visit(first)
    later = watch(new_context().new_page())  # another device: no session
    later.goto("/antrean/kelola/")
    later.locator("#id_code").fill(code.lower())
    later.locator("#id_nik").fill(NIK)
    later.locator("main form[method=post] button[type=submit]").click()
    later.wait_for_url("**/antrean/kelola/antrean/")
    assert code in later.locator("main").inner_text()
    assert_no_nik_in_address(later)
    assert not later.problems, later.problems
