"""Rescheduling to the booking's own slot is refused, not a silent "success"."""

import pytest
from django.urls import reverse

from antrean.services import BookingError, reschedule_booking
from ktpportal.notifications.models import Notification
from tests.antrean.conftest import VISIT_DAY, make_booking, make_slot
from tests.factories import VALID_NIK

pytestmark = pytest.mark.django_db

SAME = "Ini jadwal Anda sekarang. Pilih jam lain untuk mengganti jadwal."


@pytest.fixture
def booking(slot, service):
    return make_booking(slot, service, email="siti@example.id")


def _unchanged(booking, slot):
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.slot_id == slot.pk and booking.reschedule_count == 0
    assert slot.booked == 1
    assert not Notification.objects.filter(key__contains="rescheduled").exists()


def test_the_service_refuses_the_same_slot(booking, slot):
    with pytest.raises(BookingError) as error:
        reschedule_booking(booking=booking, new_slot=slot)
    assert error.value.code == "same_slot"
    assert str(error.value) == SAME
    _unchanged(booking, slot)


def test_the_pages_refuse_the_same_slot(client, booking, slot):
    found = client.post(reverse("antrean:manage"), {"code": booking.code, "nik": VALID_NIK})
    assert found.status_code == 302
    times = client.get(reverse("antrean:reschedule-times", args=[VISIT_DAY]))
    own = reverse("antrean:reschedule-confirm", args=[VISIT_DAY, slot.pk])
    assert "Jadwal Anda sekarang" in times.text and own not in times.text
    for response in (client.get(own), client.post(own)):
        assert response.status_code == 400
        assert SAME in response.text
        assert reverse("antrean:reschedule-times", args=[VISIT_DAY]) in response.text
    _unchanged(booking, slot)


def test_another_slot_is_still_offered(client, booking, booking_office):
    later = make_slot(booking_office, hour=13)
    found = client.post(reverse("antrean:manage"), {"code": booking.code, "nik": VALID_NIK})
    assert found.status_code == 302
    times = client.get(reverse("antrean:reschedule-times", args=[VISIT_DAY]))
    assert reverse("antrean:reschedule-confirm", args=[VISIT_DAY, later.pk]) in times.text
