"""Journey 3: a counter staff member opens an application from the citizen's booking code in
the admin and moves it through to "Siap diambil"; the citizen's lookup by receipt number and
NIK shows it, with what to bring."""

import re

import pytest

from antrean.models import Booking
from status.models import Application
from status.stages import Stage
from tests.e2e.conftest import watch
from tests.e2e.steps import NIK, assert_no_nik_in_address, book_visit, staff_login

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PATH = [
    Stage.VERIFIKASI,
    Stage.PEREKAMAN,
    Stage.PROSES_PUSAT,
    Stage.SIAP_CETAK,
    Stage.DICETAK,
    Stage.SIAP_DIAMBIL,
]


def test_staff_move_an_application_to_ready_and_the_citizen_sees_it(
    new_context, portal, assert_accessible
):
    code = book_visit(new_context().new_page())
    booking = Booking.objects.get(code=code)

    staff = watch(new_context().new_page())
    staff_login(staff, "loket", portal.staff_password)
    staff.goto(f"/admin/status/application/add/?kode_booking={code}")
    assert staff.locator("#id_booking_code").input_value() == code
    assert staff.locator("#id_full_name").input_value() == "Siti Aminah"
    staff.locator("input[name=_continue]").click()
    staff.wait_for_url(re.compile(r"/admin/status/application/[0-9]+/change/"))
    application = Application.objects.get(citizen__nik=NIK)
    assert application.office == portal.office and application.booking == booking

    for stage in PATH:
        staff.locator("#id_new_stage").select_option(stage.value)
        staff.locator("input[name=_continue]").click()
        staff.wait_for_load_state()
        application.refresh_from_db()
        assert application.stage == stage, staff.locator("#content").inner_text()[:500]
    assert application.changes.count() == len(PATH) + 1
    assert not staff.problems, staff.problems

    citizen = watch(new_context().new_page())
    citizen.goto("/status/")
    citizen.locator("#tt-receipt_number").fill(application.receipt_number)
    citizen.locator("#tt-nik").fill(NIK)
    citizen.locator("#tt-nik").press("Enter")
    citizen.wait_for_load_state()
    assert citizen.locator("#h-now").inner_text() == "Siap diambil"
    bring = citizen.locator("#h-bring")
    assert bring.inner_text() == "Yang dibawa saat mengambil KTP-el"
    assert citizen.locator(".checklist li").count() >= 1
    assert_no_nik_in_address(citizen)
    assert NIK not in citizen.content()
    assert_accessible(citizen, "status timeline")
    assert not citizen.problems, citizen.problems
