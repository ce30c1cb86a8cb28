"""Writers of closure and disruption notices racing for the same bookings (the beat scan and
the task queued at commit, or a redelivered task): real threads, each with its own
PostgreSQL connection. Each booking gets one link and one message per channel."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from antrean import closure_notices, disruptions
from antrean.models import Disruption, RescheduleLink, Slot
from ktpportal.celery import app as celery_app
from ktpportal.notifications.models import Notification
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import make_nik, make_service_type

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)  # Tuesday 08.00 WIB
WEDNESDAY = datetime.date(2026, 12, 2)
WRITERS = 4


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    # Sends run in-process at commit rather than wait in Redis for a worker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def bookings():
    service = make_service_type()
    office = make_booking_office(services=[service])
    slot = slot_at(office, WEDNESDAY, 9, capacity=10)
    made = [book(slot, service, nik=make_nik(), email=f"w{n}@example.org") for n in range(6)]
    Notification.objects.all().delete()
    return office, slot, [b.pk for b in made]


def race(job):
    barrier = threading.Barrier(WRITERS)
    errors = []

    def run():
        try:
            barrier.wait()
            job()
        except Exception as error:  # noqa: BLE001 - any error is what the test counts
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_closure_notice_writers_racing_tell_each_booking_once(bookings):
    _office, slot, ids = bookings
    Slot.objects.filter(pk=slot.pk).update(is_active=False)  # switched off

    assert race(lambda: closure_notices.write_notices(ids)) == []

    assert RescheduleLink.objects.count() == len(ids)
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 2 * len(ids)  # email and SMS each


def test_disruption_notice_writers_racing_send_each_booking_once(bookings):
    office, _slot, ids = bookings
    notice = Disruption.objects.create(office=office, date=WEDNESDAY, message="SIAK terganggu.")

    assert race(lambda: disruptions.write_notices(notice.pk, 1, ids)) == []

    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 2 * len(ids)
