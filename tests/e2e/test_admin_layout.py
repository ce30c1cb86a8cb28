"""The staff admin in a real browser: the counter's booking list fits a laptop, and an office
far from the server's zone types its hours with no note about Asia/Jakarta."""

import datetime

import pytest
from django.utils import timezone

from antrean.demo import grant_permissions
from antrean.models import Slot
from ktpportal.models import ServiceType, StaffRole
from tests.antrean.factories import book, make_booking_office
from tests.e2e.conftest import watch
from tests.e2e.steps import staff_login
from tests.factories import make_staff

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}


def test_the_booking_list_shows_schedule_and_status_on_a_laptop(new_context, portal):
    service = ServiceType.objects.get(code="hilang")
    slots = Slot.objects.filter(
        office=portal.office, starts_at__gt=timezone.now() + datetime.timedelta(hours=3)
    ).order_by("starts_at")
    for slot in slots[:3]:
        book(slot, service, full_name="Bambang Pamungkas Wijayakusuma")

    page = watch(new_context(viewport=LAPTOP).new_page())
    staff_login(page, "loket", portal.staff_password)
    page.goto("/admin/antrean/booking/")
    results = page.locator(".results")
    # The list needs no sideways scrolling, and its last columns are on the screen.
    assert results.evaluate("r => r.scrollWidth <= r.clientWidth")
    for column in ("visit_time", "status"):
        box = page.locator(f"th.column-{column}").bounding_box()
        assert box["x"] + box["width"] <= LAPTOP["width"], column
    assert page.locator("th.column-office").count() == 0
    assert not page.problems, page.problems


def test_an_office_in_wit_types_office_hours_without_a_server_zone_note(new_context):
    grant_permissions()
    office = make_booking_office(regency_code="9171", name="Disdukcapil Kota Jayapura")
    make_staff(office, role=StaffRole.ADMIN, username="jayapura-admin", password="sandi-uji-2026")

    # A browser in Jayapura: two hours ahead of the server's Asia/Jakarta.
    page = watch(new_context(viewport=LAPTOP, timezone_id="Asia/Jayapura").new_page())
    staff_login(page, "jayapura-admin", "sandi-uji-2026")
    page.goto(f"/admin/antrean/bookingsetup/{office.pk}/change/")
    page.wait_for_load_state("load")
    assert page.locator(".timezonewarning").count() == 0
    assert page.locator("input[type=time]").count() > 0
    assert "Asia/Jakarta" not in page.locator("#content").inner_text()
    assert "waktu kantor: WIT" in page.locator("#content").inner_text()
    assert not page.problems, page.problems
