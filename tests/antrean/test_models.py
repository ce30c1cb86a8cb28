"""The database's own guards: they hold even for code that skips the services."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from antrean.models import Booking, BookingSettings, OpeningHours, Slot
from tests.antrean.factories import make_booking_office, slot_at
from tests.factories import make_citizen, make_service_type

DAY = datetime.date(2026, 12, 2)


@pytest.fixture
def service(db):
    return make_service_type()


@pytest.fixture
def office(service):
    return make_booking_office(services=[service])


def test_booked_can_never_pass_capacity(office):
    slot = slot_at(office, DAY, 9, capacity=1, booked=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)


def test_one_shared_slot_per_office_and_start(office):
    slot_at(office, DAY, 9)
    with pytest.raises(IntegrityError), transaction.atomic():
        slot_at(office, DAY, 9)


def test_one_slot_per_service_and_start_beside_the_shared_one(office, service):
    slot_at(office, DAY, 9)
    slot_at(office, DAY, 9, service_type=service)
    with pytest.raises(IntegrityError), transaction.atomic():
        slot_at(office, DAY, 9, service_type=service)


def test_one_active_booking_per_nik_and_service(office, service):
    citizen = make_citizen()
    slot = slot_at(office, DAY, 9)

    def create(status=Booking.Status.ACTIVE):
        return Booking.objects.create(
            office=office,
            service_type=service,
            slot=slot,
            citizen=citizen,
            status=status,
            submission_token=uuid.uuid4(),
        )

    create(status=Booking.Status.CANCELLED)
    create(status=Booking.Status.CANCELLED)
    create()
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_same_submission_token_is_one_booking(office, service):
    token = uuid.uuid4()
    slot = slot_at(office, DAY, 9)
    Booking.objects.create(
        office=office, service_type=service, slot=slot, citizen=make_citizen(),
        submission_token=token,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            office=office, service_type=service, slot=slot, citizen=make_citizen(),
            submission_token=token,
        )  # fmt: skip


def test_booking_codes_are_random_and_unique(office, service):
    slot = slot_at(office, DAY, 9)
    codes = {
        Booking.objects.create(
            office=office, service_type=service, slot=slot, citizen=make_citizen(),
            submission_token=uuid.uuid4(),
        ).code
        for _ in range(20)
    }  # fmt: skip
    assert len(codes) == 20


@pytest.mark.parametrize(
    ("hours", "field"),
    [
        ((9, 8, None, None), "closes_at"),
        ((8, 15, 12, None), "break_ends_at"),
        ((8, 15, 7, 9), "break_starts_at"),
        ((8, 15, 13, 12), "break_starts_at"),
    ],
)
def test_opening_hours_must_make_sense(office, hours, field):
    opens, closes, break_start, break_end = (
        datetime.time(h) if h is not None else None for h in hours
    )
    row = OpeningHours(
        office=office,
        weekday=6,
        opens_at=opens,
        closes_at=closes,
        break_starts_at=break_start,
        break_ends_at=break_end,
    )
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_settings_default_when_the_office_has_none(db):
    office = make_booking_office(services=[])
    BookingSettings.objects.filter(office=office).delete()
    defaults = BookingSettings.for_office(office)
    assert defaults.pk is None
    assert (defaults.days_ahead, defaults.cutoff_minutes, defaults.slot_minutes) == (14, 60, 30)
    assert (defaults.seats_per_slot, defaults.shared_seats) == (4, True)
    assert defaults.reminder_time == datetime.time(8)


def test_slot_reads_in_the_office_time(service):
    office = make_booking_office(services=[service], regency_code="5171")
    assert str(slot_at(office, DAY, 9)).endswith("2026-12-02 09.00 WITA")
