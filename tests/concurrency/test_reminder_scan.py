"""Two reminder scans at once (beat's next one while a slow one still runs, or two beats by
mistake): real threads, each with its own PostgreSQL connection. Every due booking is
handed out once, to one of them."""

import datetime
import threading
from collections import Counter

import pytest
import time_machine
from django.db import connection

from antrean import reminders
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import make_service_type

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BOOKED_AT = datetime.datetime(2026, 11, 30, 1, 0, tzinfo=datetime.UTC)  # Monday 08.00 WIB
DAY_BEFORE_AT = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)  # Tuesday 08.00 WIB


def test_scans_running_at_once_hand_each_due_booking_out_once(monkeypatch):
    service = make_service_type()
    office = make_booking_office(services=[service])
    with time_machine.travel(BOOKED_AT, tick=False):
        slot = slot_at(office, datetime.date(2026, 12, 2), 9, capacity=60)
        booked = [book(slot, service, email=f"warga{n}@example.org").pk for n in range(60)]
    monkeypatch.setattr(reminders, "BATCH_SIZE", 3)
    barrier = threading.Barrier(4)
    handed, errors = [], []

    def scan():
        try:
            barrier.wait()
            for ids in reminders.due_batches(DAY_BEFORE_AT):
                handed.extend(ids)
        except Exception as error:  # noqa: BLE001 - any error fails the test below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert Counter(handed) == Counter(booked)
