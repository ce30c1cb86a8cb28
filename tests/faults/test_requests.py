"""Every citizen page that touches Redis (rate limits, free-seat lists, queueing a message)
answers correctly and quickly with Redis down or silent, and nothing is lost: the booking is
made, the seat counted, the messages wait in the outbox. In this process, with the settings a
process started with REDIS_URL=<broken Redis> has; test_gunicorn.py does it over HTTP.

Redis breaks after the test's own rows are written (their signals drop cached lists), so the
first timed request is the one that finds it gone and pays its timeout."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from antrean.calendar_rules import holiday_reason
from antrean.models import Booking, Slot
from ktpportal.notifications.models import Notification, State
from status.models import Application
from tests.antrean.conftest import NOW, VISIT_DAY, make_booking, make_slot, open_office
from tests.factories import VALID_NIK, VALID_NIK_FEMALE, make_citizen, make_service_type
from tests.faults.conftest import within
from tests.status.factories import make_application

pytestmark = pytest.mark.django_db

# What one request may cost when Redis is gone: the brief's bound, generous for a loaded CI
# machine (without the fixes a silent Redis costs 5 s per call, a down one a 500).
LIMIT = 1.0


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True, scope="module")
def _holidays_known():
    # Building a year's holiday calendar takes over a second of CPU, once per process: gunicorn
    # does it before forking its workers (gunicorn.conf.py), so no request pays for it.
    holiday_reason(VISIT_DAY)


@pytest.fixture
def service(db):
    return make_service_type(code="ktp-baru", name="KTP-el baru")


@pytest.fixture
def office(service):
    return open_office(service_type=service, name="Sudin Dukcapil Uji", slug="uji")


@pytest.fixture
def nine(office):
    return make_slot(office, hour=9)


@pytest.fixture
def ten(office):
    return make_slot(office, hour=10)


def pending_messages(**filters) -> int:
    return Notification.objects.filter(state=State.PENDING, **filters).count()


def test_date_and_time_pages_are_computed_from_the_database(
    client, broken_redis, app_on_redis, office, service, nine
):
    app_on_redis(broken_redis.url)
    with within(LIMIT, "the date page"):
        dates = client.get(reverse("antrean:dates", args=[office.slug, service.code]))
    with within(LIMIT, "the time page"):
        times = client.get(reverse("antrean:times", args=[office.slug, service.code, VISIT_DAY]))

    assert dates.status_code == times.status_code == 200
    assert "4 kursi kosong" in dates.text
    assert reverse("antrean:book", args=[office.slug, service.code, VISIT_DAY, nine.pk]) in (
        times.text
    )


def test_booking_is_made_and_its_messages_wait_in_the_outbox(
    client,
    broken_redis,
    app_on_redis,
    office,
    service,
    nine,
    ten,
    django_capture_on_commit_callbacks,
    caplog,
):
    url = reverse("antrean:book", args=[office.slug, service.code, VISIT_DAY, nine.pk])
    page = client.get(url)
    token = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', page.text).group(1)
    # A process's first booking renders the email, SMS and calendar templates for the first
    # time: someone else's, before the timed one, so that only Redis is measured.
    make_booking(ten, service, nik=VALID_NIK_FEMALE, email="ani@example.org", sms_consent=True)
    Notification.objects.all().delete()
    app_on_redis(broken_redis.url)

    # The messages are queued after commit: those callbacks run inside the timed block.
    with within(LIMIT, "the booking POST"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "nik": VALID_NIK,
                "full_name": "Siti Aminah",
                "phone": "0812 3456 7890",
                "email": "siti@example.org",
                "sms_consent": "on",
                "submission_token": token,
            },
        )

    assert response.status_code == 302, response.content
    assert response["Location"] == reverse("antrean:confirmation")
    booking = Booking.objects.get(citizen__nik=VALID_NIK)
    assert booking.status == Booking.Status.ACTIVE
    assert Slot.objects.get(pk=nine.pk).booked == 1
    assert pending_messages(kind="booking_confirmed") == 2  # the email and the SMS
    assert "queued for later delivery" in caplog.text
    assert VALID_NIK not in caplog.text


def test_manage_reschedule_and_cancel(
    client, broken_redis, app_on_redis, service, nine, ten, django_capture_on_commit_callbacks
):
    booking = make_booking(nine, service, email="siti@example.org")
    app_on_redis(broken_redis.url)

    with within(LIMIT, "the manage POST"):
        found = client.post(reverse("antrean:manage"), {"code": booking.code, "nik": VALID_NIK})
    assert found.status_code == 302, found.content
    assert found["Location"] == reverse("antrean:booking-detail")

    reschedule = reverse("antrean:reschedule-confirm", args=[VISIT_DAY, ten.pk])
    with within(LIMIT, "the reschedule POST"), django_capture_on_commit_callbacks(execute=True):
        moved = client.post(reschedule)
    assert moved.status_code == 302, moved.content
    booking.refresh_from_db()
    assert booking.slot_id == ten.pk
    assert (Slot.objects.get(pk=nine.pk).booked, Slot.objects.get(pk=ten.pk).booked) == (0, 1)

    with within(LIMIT, "the cancel POST"), django_capture_on_commit_callbacks(execute=True):
        cancelled = client.post(reverse("antrean:cancel"))
    assert cancelled.status_code == 302, cancelled.content
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Slot.objects.get(pk=ten.pk).booked == 0
    assert pending_messages(kind="booking_rescheduled") == 1
    assert pending_messages(kind="booking_cancelled") == 1


def test_both_status_lookups(client, broken_redis, app_on_redis, office, service):
    citizen = make_citizen(nik=VALID_NIK, email="siti@example.org")
    application = make_application(office=office, service_type=service, citizen=citizen)
    app_on_redis(broken_redis.url)

    with within(LIMIT, "the receipt + NIK lookup"):
        timeline = client.post(
            reverse("status:index"),
            {"receipt_number": application.receipt_number, "nik": VALID_NIK},
        )
    assert timeline.status_code == 200
    assert application.receipt_number in timeline.text

    with within(LIMIT, "the NIK-only link"):
        sent = client.post(reverse("status:send-link"), {"nik": VALID_NIK})
    assert sent.status_code == 200
    assert "kami telah mengirim tautan" in sent.text
    assert pending_messages(kind="status_link") == 2
    assert Application.objects.count() == 1


def test_bad_input_still_gets_its_message_and_a_400(client, app_on_broken_redis):
    with within(LIMIT, "a bad lookup"):
        response = client.post(reverse("status:index"), {"receipt_number": "x", "nik": "123"})
    assert response.status_code == 400
    assert "NIK" in response.text


def test_a_day_not_yet_computed_is_not_kept_anywhere(client, app_on_broken_redis, office, service):
    """Control for the free-seat fallback: a seat taken is seen at once, since nothing was
    kept while Redis was gone."""
    slot = make_slot(office, day=VISIT_DAY + datetime.timedelta(days=1), hour=9, capacity=1)
    url = reverse("antrean:dates", args=[office.slug, service.code])
    assert "1 kursi kosong" in client.get(url).text
    make_booking(slot, service)
    assert "1 kursi kosong" not in client.get(url).text
