"""The retention purge in batches: each committed on its own, a run stopped between two
keeps what it erased and the next one goes on, and no table is read past its old rows.
What is erased, and when, is tests/security/test_purge.py."""

import datetime
import io
import os
import signal
import subprocess
import sys
import time

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from antrean.models import Booking
from ktpportal.models import Citizen
from status import purge
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import make_service_type

UTC = datetime.UTC
MADE = datetime.datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # Monday 3 March 2025, 08.00 WIB
VISIT = datetime.date(2025, 3, 5)
LATER = datetime.datetime(2026, 6, 2, 1, 0, tzinfo=UTC)  # over a year after the visits


def _old_bookings(count: int) -> list[Booking]:
    service = make_service_type()
    office = make_booking_office(services=[service])
    with time_machine.travel(MADE, tick=False):
        slot = slot_at(office, VISIT, 9, capacity=count)
        return [book(slot, service, email=f"warga{n}@example.org") for n in range(count)]


def _cutoff():
    return LATER - datetime.timedelta(days=settings.RETENTION_DAYS)


@pytest.mark.django_db
def test_a_purge_stopped_between_batches_keeps_what_it_erased_and_the_next_goes_on(
    monkeypatch,
):
    _old_bookings(5)
    monkeypatch.setattr(purge, "BATCH_SIZE", 2)

    with time_machine.travel(LATER, tick=False):
        batches = purge.purge_batches(cutoff=_cutoff())
        for kind, _rows in batches:
            if kind == "bookings":
                break
        batches.close()  # as the time limit stops it: between two batches
        assert Booking.objects.count() == 3
        assert Citizen.objects.count() == 5  # citizens go last, in a later run

        counts = purge.purge(cutoff=_cutoff())

    assert counts["bookings"] == 3 and counts["citizens"] == 5
    assert not Booking.objects.exists() and not Citizen.objects.exists()


@pytest.mark.django_db
def test_the_walk_ends_at_the_first_batch_made_after_the_cutoff(monkeypatch):
    _old_bookings(1)
    service = make_service_type(code="lain")
    office = make_booking_office(services=[service])
    with time_machine.travel(LATER - datetime.timedelta(days=2), tick=False):
        slot = slot_at(office, LATER.date(), 9, capacity=10)
        for n in range(10):
            book(slot, service, email=f"baru{n}@example.org")
    monkeypatch.setattr(purge, "BATCH_SIZE", 2)

    with time_machine.travel(LATER, tick=False):
        batches = [kind for kind, _rows in purge.purge_batches(cutoff=_cutoff())]

    # The old booking with a new one, then two new ones: the other eight are not read.
    assert batches.count("bookings") == 2 and batches.count("citizens") == 2
    assert Booking.objects.count() == 10


def _database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_purge_killed_midway_keeps_what_it_erased_and_the_next_run_finishes(tmp_path):
    made = _old_bookings(300)
    start = made[0].pk
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": "purge-under-test",
        "PYTHONPATH": str(settings.BASE_DIR),
        "PURGE_TEST_BATCH_SIZE": "5",
    }
    # A purge as cron runs it, in a process of its own, on this test database: the clock
    # moved past the retention, the batches small, slowed so that it can be killed midway.
    script = tmp_path / "purge.py"
    script.write_text(
        "import datetime, os, time, django, time_machine\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "from status import purge\n"
        "purge.BATCH_SIZE = int(os.environ['PURGE_TEST_BATCH_SIZE'])\n"
        f"with time_machine.travel(datetime.datetime.fromisoformat('{LATER.isoformat()}')):\n"
        "    for _ in purge.purge_batches(cutoff=datetime.datetime.fromisoformat("
        f"'{_cutoff().isoformat()}')):\n"
        "        time.sleep(0.05)\n"
    )
    process = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "ktpportal.settings"},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while Booking.objects.count() > 150 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
    left = Booking.objects.count()
    assert 0 < left < 300
    # Erased in whole batches, oldest first: what is left is the newest, each still whole.
    assert list(Booking.objects.order_by("pk").values_list("pk", flat=True)) == list(
        range(start + 300 - left, start + 300)
    )
    assert Citizen.objects.count() == 300

    out = io.StringIO()
    with time_machine.travel(LATER, tick=False):
        call_command("purge_personal_data", stdout=out)
    assert f"bookings: {left}" in out.getvalue() and "citizens: 300" in out.getvalue()
    assert not Booking.objects.exists() and not Citizen.objects.exists()
