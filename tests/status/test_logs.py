"""A canary NIK goes through a booking, both lookups and a server error; the log output
(what the configured handler writes) must never contain it."""

import datetime
import io
import logging

import pytest
import time_machine
from django.db.models import QuerySet

from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import make_citizen
from tests.status.factories import make_application

CANARY = "3174015507950123"


@pytest.fixture
def log_output():
    """The project's configured root handler, writing to a buffer this test can read."""
    configured = logging.getLogger().handlers[0]
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(configured.formatter)
    for log_filter in configured.filters:
        handler.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    yield buffer
    root.setLevel(old_level)
    root.removeHandler(handler)


@pytest.mark.django_db
@time_machine.travel(
    datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)
)  # a day before the visit
def test_the_canary_nik_never_reaches_the_logs(client, log_output, service, monkeypatch):
    office = make_booking_office(services=[service])
    book(slot_at(office, datetime.date(2026, 12, 2), 9), service, nik=CANARY)
    application = make_application(office=office, service_type=service)
    citizen = make_citizen(nik=CANARY[:-4] + "0124")

    client.post("/status/", {"receipt_number": application.receipt_number, "nik": CANARY})
    client.post("/status/", {"receipt_number": "bad", "nik": CANARY})
    client.post("/status/kirim-tautan/", {"nik": CANARY})
    client.post("/status/kirim-tautan/", {"nik": citizen.nik})

    # A server error in the middle of a lookup, its message quoting the NIK.
    def broken(self):
        raise RuntimeError(f"database gone while reading {CANARY}")

    monkeypatch.setattr(QuerySet, "_fetch_all", broken)
    client.raise_request_exception = False
    response = client.post(
        "/status/", {"receipt_number": application.receipt_number, "nik": CANARY}
    )
    assert response.status_code == 500

    written = log_output.getvalue()
    assert "Internal Server Error" in written and "RuntimeError" in written
    assert "Not Found: /status/" in written
    assert CANARY not in written
    assert citizen.nik not in written
