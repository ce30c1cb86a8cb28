"""Antrean rows for the core tests: an office with settings, hours and services."""

import contextlib
import datetime
import threading
import uuid

from django.db import connection, transaction

from antrean.models import BookingSettings, OfficeService, OpeningHours, Slot
from antrean.services import book_slot
from tests.factories import make_nik, make_office


def make_booking_office(
    *,
    services=(),
    weekdays=range(5),
    opens=datetime.time(8),
    closes=datetime.time(15),
    break_=(datetime.time(12), datetime.time(13)),
    settings=None,
    **office_fields,
):
    """An office open on `weekdays` with a break, taking bookings for `services`."""
    office = make_office(**office_fields)
    BookingSettings.objects.create(office=office, **(settings or {}))
    for weekday in weekdays:
        OpeningHours.objects.create(
            office=office,
            weekday=weekday,
            opens_at=opens,
            closes_at=closes,
            break_starts_at=break_[0] if break_ else None,
            break_ends_at=break_[1] if break_ else None,
        )
    for service_type in services:
        OfficeService.objects.create(office=office, service_type=service_type)
    return office


def slot_at(office, day: datetime.date, hour: int, minute: int = 0, **fields) -> Slot:
    starts_at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=office.tz)
    fields.setdefault("capacity", 4)
    return Slot.objects.create(
        office=office,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=30),
        **fields,
    )


def book(slot, service_type, *, nik=None, token=None, **fields):
    fields.setdefault("full_name", "Budi Santoso")
    fields.setdefault("phone", "081234567890")
    return book_slot(
        slot=slot,
        service_type=service_type,
        nik=nik or make_nik(),
        submission_token=token or uuid.uuid4(),
        **fields,
    )


@contextlib.contextmanager
def slot_held(slot: Slot):
    """Another transaction holds the slot's row lock (a crowd on it) until the block ends."""
    locked, release = threading.Event(), threading.Event()

    def hold_the_slot():
        with transaction.atomic():
            Slot.objects.select_for_update().get(pk=slot.pk)
            locked.set()
            release.wait(20)
        connection.close()

    holder = threading.Thread(target=hold_the_slot)
    holder.start()
    try:
        assert locked.wait(10)
        yield
    finally:
        release.set()
        holder.join()
