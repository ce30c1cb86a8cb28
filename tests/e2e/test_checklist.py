"""Journey 4: the document checklist for a service: tick items, print it, book from there."""

import pytest

from antrean.models import Booking
from tests.e2e.steps import NIK, choose

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_tick_print_and_book_from_the_checklist(page, portal, assert_accessible):
    page.goto("/dokumen/")
    choose(page, "a[href='/dokumen/baru-17/']")
    assert_accessible(page, "checklist")
    boxes = page.locator("form.checklist input[type=checkbox][name=ada]")
    assert boxes.count() >= 1
    boxes.first.check()

    # Ticks are remembered on this device: they are still there after coming back.
    page.reload()
    assert page.locator("form.checklist input[type=checkbox][name=ada]").first.is_checked()

    # Printed: no header, footer or buttons, the documents and their boxes stay.
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator(".checklist-actions").is_visible()
    assert page.locator("form.checklist input[type=checkbox]").first.is_visible()
    page.emulate_media(media="screen")
    assert page.locator("button[data-print]").is_visible()  # JavaScript shows the print button

    page.locator(".book-visit a").click()
    page.wait_for_load_state()
    # The booking flow starts with the service already chosen.
    choose(page, "a[href^='/antrean/jaksel/']")
    assert "/antrean/jaksel/baru-17/" in page.url
    choose(page, ".choice-list a")
    choose(page, ".choice-list a")
    page.locator("#id_nik").fill(NIK)
    page.locator("#id_full_name").fill("Siti Aminah")
    page.locator("#id_email").fill("siti@example.id")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/antrean/selesai/")
    booking = Booking.objects.get(citizen__nik=NIK)
    assert booking.service_type.code == "baru-17"
    assert not page.problems, page.problems
