"""A NIK is printed on many documents: typing someone's NIK into the booking form must not
change their record or redirect their messages."""

import datetime

import pytest
import time_machine

from ktpportal.models import Citizen
from ktpportal.notifications.models import Notification
from ktpportal.services import register_citizen
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import VALID_NIK, make_citizen, make_service_type

NOW = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)
WEDNESDAY = datetime.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.django_db
def test_a_booking_never_rewrites_the_citizen_on_file():
    service = make_service_type()
    office = make_booking_office(services=[service])
    make_citizen(nik=VALID_NIK, full_name="Siti Aminah", phone="081111111111", email="")
    booking = book(
        slot_at(office, WEDNESDAY, 9),
        service,
        nik=VALID_NIK,
        full_name="Orang Lain",
        phone="089999999999",
        email="lain@example.com",
    )
    citizen = Citizen.objects.get(nik=VALID_NIK)
    assert (citizen.full_name, citizen.phone, citizen.email) == ("Siti Aminah", "081111111111", "")
    # The booking's own messages go to the contact typed for it, and nowhere else.
    assert (booking.full_name, booking.phone) == ("Orang Lain", "089999999999")
    recipients = set(Notification.objects.values_list("recipient", flat=True))
    assert recipients == {"lain@example.com"}


@pytest.mark.django_db
def test_counter_staff_update_the_record():
    make_citizen(nik=VALID_NIK, full_name="Siti", phone="081111111111")
    citizen = register_citizen(
        nik=VALID_NIK, full_name="Siti Aminah", phone="082222222222", verified=True
    )
    assert (citizen.full_name, citizen.phone) == ("Siti Aminah", "082222222222")
    untouched = register_citizen(nik=VALID_NIK, full_name="X", phone="083", verified=False)
    assert (untouched.full_name, untouched.phone) == ("Siti Aminah", "082222222222")
