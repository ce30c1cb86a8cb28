"""The office closes the day of a booked visit: the citizen's SMS link, opened on another
phone with JavaScript off, leads straight to choosing a new time for that booking."""

import re

import pytest
from django.db import transaction
from django.utils import timezone

from antrean.models import Booking, BookingSettings, Closure
from antrean.slots import generate_slots
from ktpportal.celery import app as celery_app
from ktpportal.notifications.models import Notification
from tests.e2e.conftest import watch
from tests.e2e.steps import assert_no_nik_in_address, book_visit, choose

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"/antrean/kelola/u/[\w-]+/")


def test_the_sms_link_opens_the_reschedule_and_the_visit_moves(new_context, portal, monkeypatch):
    # The notices are written by tasks: here they run in-process, at commit.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    code = book_visit(new_context().new_page())
    booking = Booking.objects.select_related("slot").get(code=code)
    office = portal.office
    day = timezone.localdate(booking.slot.starts_at, timezone=office.tz)

    # The office admin closes that day and saves the setup page, which does this.
    with transaction.atomic():
        Closure.objects.update_or_create(
            office=office, date=day, defaults={"reason": "Listrik padam", "closes_at": None}
        )
        generate_slots(
            office=office,
            start=timezone.localdate(timezone=office.tz),
            days=BookingSettings.for_office(office).days_ahead,
        )

    sms = Notification.objects.get(subject_id=booking.pk, kind="booking_switched_off")
    assert "Kantor tutup: Listrik padam" in sms.body_text
    link = LINK.search(sms.body_text).group(0)

    phone = watch(new_context(java_script_enabled=False).new_page())  # no session, no JS
    phone.goto(link)
    phone.wait_for_url("**/antrean/kelola/jadwal/")
    main = phone.locator("main").inner_text()
    assert code in main and "Kantor tidak dapat melayani" in main
    assert_no_nik_in_address(phone)
    assert phone.locator(f"a[href^='/antrean/kelola/jadwal/{day.isoformat()}/']").count() == 0

    choose(phone, ".choice-list a")
    choose(phone, ".choice-list a")
    phone.locator("main form[method=post] button[type=submit]").click()
    phone.wait_for_url("**/antrean/kelola/antrean/")
    booking.refresh_from_db()
    assert booking.reschedule_count == 1 and booking.slot.is_active
    assert timezone.localdate(booking.slot.starts_at, timezone=office.tz) != day
    assert not phone.problems, phone.problems

    # The link has done its job.
    spent = phone.goto(link)
    assert spent.status == 410
    assert "Tautan sudah dipakai" in phone.locator("main").inner_text()
