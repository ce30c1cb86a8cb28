"""The most real: gunicorn started as the Dockerfile starts it, with REDIS_URL pointing at a
Redis that is down or silent, against the test database. A citizen's whole way through
(date and time pages, booking, finding it again, rescheduling, cancelling, both status
lookups) answers right, each request within a second, and nothing is lost."""

import json
import re

import pytest
from django.db import connection

from antrean.models import Booking, Slot
from ktpportal.notifications.models import Notification, State
from tests.antrean.conftest import open_office
from tests.antrean.factories import slot_at
from tests.factories import VALID_NIK, VALID_NIK_FEMALE, make_citizen, make_service_type
from tests.faults.conftest import (
    Gunicorn,
    SilentRedis,
    bookable_day,
    database_url,
)
from tests.notifications.conftest import free_port
from tests.status.factories import make_application

LIMIT = 1.0


@pytest.fixture(scope="module", params=["down", "silent"])
def portal(request, django_db_setup, collected_static, tmp_path_factory):
    silent = SilentRedis() if request.param == "silent" else None
    url = silent.url if silent else f"redis://127.0.0.1:{free_port()}/0"
    server = Gunicorn(
        tmp_path_factory.mktemp("gunicorn"),
        DATABASE_URL=database_url(),
        REDIS_URL=url,
        STATIC_ROOT=str(collected_static),
        # Its connections are told apart from the test's own in pg_stat_activity.
        PGAPPNAME="ktp-faults-gunicorn",
    ).start()
    yield server, silent
    server.stop()
    if silent:
        silent.close()


def _connections(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [application_name],
        )
        return cursor.fetchone()[0]


def _answered(page, status, what):
    assert page.status == status, f"{what}: {page.status}\n{page.text[:2000]}"
    assert page.seconds < LIMIT, f"{what} took {page.seconds:.2f} s"
    return page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_citizen_books_manages_and_looks_up_with_redis_gone(portal):
    server, silent = portal
    service = make_service_type(code="ktp-baru", name="KTP-el baru")
    office = open_office(service_type=service, name="Sudin Dukcapil Uji", slug="uji")
    day = bookable_day(office)
    nine, ten = slot_at(office, day, 9), slot_at(office, day, 10)
    holder = make_citizen(nik=VALID_NIK_FEMALE, email="ani@example.org")
    application = make_application(office=office, service_type=service, citizen=holder)
    phone = server.browser()

    live = _answered(phone.get("/healthz"), 200, "liveness")
    assert json.loads(live.text) == {"status": "ok", "database": "ok"}
    ready = _answered(phone.get("/healthz/ready"), 200, "readiness")
    assert json.loads(ready.text) == {
        "status": "degraded",
        "database": "ok",
        "cache": "degraded",
        "broker": "degraded",
        "static": "ok",
    }

    dates = _answered(phone.get("/antrean/uji/ktp-baru/"), 200, "the date page")
    assert "8 kursi kosong" in dates.text
    times = _answered(phone.get(f"/antrean/uji/ktp-baru/{day}/"), 200, "the time page")
    book_url = f"/antrean/uji/ktp-baru/{day}/{nine.pk}/"
    assert book_url in times.text
    form = _answered(phone.get(book_url), 200, "the booking form")
    token = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', form.text).group(1)
    booked = _answered(
        phone.post(
            book_url,
            {
                "nik": VALID_NIK,
                "full_name": "Siti Aminah",
                "phone": "0812 3456 7890",
                "email": "siti@example.org",
                "sms_consent": "on",
                "submission_token": token,
            },
        ),
        302,
        "the booking POST",
    )
    assert booked.location == "/antrean/selesai/"
    booking = Booking.objects.get()
    assert Slot.objects.get(pk=nine.pk).booked == 1
    assert booking.code in _answered(phone.get("/antrean/selesai/"), 200, "confirmation").text

    other = server.browser()  # later, on another phone: code + NIK
    _answered(other.get("/antrean/kelola/"), 200, "the manage form")
    found = _answered(
        other.post("/antrean/kelola/", {"code": booking.code, "nik": VALID_NIK}),
        302,
        "the manage POST",
    )
    assert found.location == "/antrean/kelola/antrean/"
    confirm = f"/antrean/kelola/jadwal/{day}/{ten.pk}/"
    _answered(other.get(confirm), 200, "the reschedule form")
    _answered(other.post(confirm, {}), 302, "the reschedule POST")
    assert (Slot.objects.get(pk=nine.pk).booked, Slot.objects.get(pk=ten.pk).booked) == (0, 1)
    _answered(other.get("/antrean/kelola/batal/"), 200, "the cancel form")
    _answered(other.post("/antrean/kelola/batal/", {}), 302, "the cancel POST")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Slot.objects.get(pk=ten.pk).booked == 0

    _answered(phone.get("/status/"), 200, "the status page")
    timeline = _answered(
        phone.post(
            "/status/",
            {"receipt_number": application.receipt_number, "nik": VALID_NIK_FEMALE},
        ),
        200,
        "the receipt + NIK lookup",
    )
    assert application.receipt_number in timeline.text
    sent = _answered(
        phone.post("/status/kirim-tautan/", {"nik": VALID_NIK_FEMALE}), 200, "the NIK-only link"
    )
    assert "kami telah mengirim tautan" in sent.text

    # Nothing lost: every message waits in the outbox for the requeue scan.
    kinds = sorted(Notification.objects.filter(state=State.PENDING).values_list("kind", flat=True))
    assert kinds == sorted(
        ["booking_confirmed"] * 2
        + ["booking_rescheduled"] * 2
        + ["booking_cancelled"] * 2
        + ["status_link"] * 2
    )
    log = server.read_log()
    assert "Redis" in log and "WARNING" in log
    assert VALID_NIK not in log and VALID_NIK_FEMALE not in log
    if silent:
        # A silent Redis is tried once per REDIS_RETRY_AFTER (5 s), not once per call.
        assert silent.accepted <= 4, silent.accepted
    # One sync worker: one connection, not a pool of idle ones.
    assert _connections("ktp-faults-gunicorn") <= 1


def test_database_down_is_503_on_both_health_endpoints(collected_static, tmp_path):
    server = Gunicorn(
        tmp_path,
        DATABASE_URL=f"postgres://ktp@127.0.0.1:{free_port()}/ktp",
        DATABASE_POOL_TIMEOUT="1",
        REDIS_URL="",
        STATIC_ROOT=str(collected_static),
    ).start()
    try:
        phone = server.browser()
        live = phone.get("/healthz")
        ready = phone.get("/healthz/ready")
    finally:
        server.stop()
    assert live.status == ready.status == 503
    assert json.loads(live.text) == {"status": "error", "database": "error"}
    assert json.loads(ready.text) == {
        "status": "error",
        "database": "error",
        "cache": "ok",
        "broker": "ok",
        "static": "ok",
    }
    assert live.seconds < 5 and ready.seconds < 5
