"""A long job that runs out of time in a real worker stops between batches: the batches it
committed stay done, the run is recorded as failed, and the next run finishes the work."""

import datetime
import random
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from antrean.models import Booking, Slot
from bench.generate import nik_for
from ktpportal.models import Citizen, JobRun
from status.tasks import purge_personal_data
from tests.antrean.factories import make_booking_office
from tests.factories import make_service_type
from tests.notifications.conftest import wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

EXPIRED = 20_000


def _expired_bookings() -> None:
    """EXPIRED bookings of visits 400 days ago, each with its citizen, written in bulk."""
    service = make_service_type()
    office = make_booking_office(services=[service])
    visit = timezone.now() - datetime.timedelta(days=400)
    slot = Slot.objects.create(
        office=office,
        starts_at=visit,
        ends_at=visit + datetime.timedelta(minutes=30),
        capacity=EXPIRED,
    )
    rng = random.Random(1)
    citizens = Citizen.objects.bulk_create(
        Citizen(nik=nik_for(n, rng), full_name="Warga Uji", email=f"w{n}@example.org")
        for n in range(EXPIRED)
    )
    Booking.objects.bulk_create(
        (
            Booking(
                office=office,
                service_type=service,
                slot=slot,
                visit_starts_at=slot.starts_at,
                citizen=citizen,
                status=Booking.Status.CHECKED_IN,
                submission_token=uuid.uuid4(),
            )
            for citizen in citizens
        ),
        batch_size=2000,
    )
    # Made before the visit (auto_now_add ignores a given value).
    made = visit - datetime.timedelta(days=3)
    Booking.objects.update(created_at=made, updated_at=made)
    Citizen.objects.update(created_at=made, updated_at=made)


def test_the_purge_out_of_time_keeps_its_batches_and_the_next_run_ends_it(start_worker):
    _expired_bookings()
    start_worker()

    # No time at all: it stops after its first batch, whatever the machine's speed.
    purge_personal_data.apply_async(kwargs={"budget": 0})

    wait_for(
        lambda: JobRun.objects.filter(
            name="purge-personal-data", last_failed_at__isnull=False
        ).exists(),
        60,
        "the purge to stop when out of time",
    )
    left = Booking.objects.count()
    assert left == EXPIRED - 1000  # one whole batch erased, and committed
    run = JobRun.objects.get(name="purge-personal-data")
    assert run.last_succeeded_at is None

    call_command("purge_personal_data")
    assert not Booking.objects.exists() and not Citizen.objects.exists()
