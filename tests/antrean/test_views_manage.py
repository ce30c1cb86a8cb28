"""Managing a booking with its code and NIK: view, reschedule, cancel."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from antrean.models import Booking
from tests.antrean.conftest import VISIT_DAY, make_booking, make_slot, open_office
from tests.factories import VALID_NIK, VALID_NIK_FEMALE

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


@pytest.fixture
def booking(slot, service):
    return make_booking(slot, service)


def found(client, booking, nik=VALID_NIK):
    response = client.post(reverse("antrean:manage"), {"code": booking.code, "nik": nik})
    assert response.status_code == 302, response.content
    assert response["Location"] == reverse("antrean:booking-detail")
    return client.get(response["Location"])


def test_manage_with_code_and_nik_shows_the_booking(client, booking):
    page = found(client, booking)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert booking.code in page.text
    assert "Rabu, 2 Desember 2026 09.00 WIB" in page.text
    assert reverse("antrean:reschedule-dates") in page.text
    assert reverse("antrean:cancel") in page.text


def test_code_is_forgiving_of_case_spaces_and_lookalike_letters(client, booking):
    typed = booking.code.replace("-", " ").lower().replace("1", "l").replace("0", "o")
    response = client.post(reverse("antrean:manage"), {"code": typed, "nik": VALID_NIK})
    assert response.status_code == 302
    assert client.session["antrean_booking_id"] == booking.pk


def test_manage_page_offers_the_booking_already_open_in_this_browser(client, booking):
    assert reverse("antrean:booking-detail") not in client.get(reverse("antrean:manage")).text
    found(client, booking)
    assert reverse("antrean:booking-detail") in client.get(reverse("antrean:manage")).text


def without_typed_values(html: str) -> str:
    """The page minus what differs by nature: the CSRF token and the values typed back."""
    html = _CSRF.sub("", html)
    return re.sub(r'(name="(?:code|nik)"[^>]*?) value="[^"]*"', r"\1", html)


def test_wrong_code_and_wrong_nik_get_the_same_answer(client, booking):
    unknown_code = "ABCD-EFGH-JKMN" if booking.code != "ABCD-EFGH-JKMN" else "ABCD-EFGH-JKMP"
    wrong_nik = client.post(
        reverse("antrean:manage"), {"code": booking.code, "nik": VALID_NIK_FEMALE}
    )
    wrong_code = client.post(reverse("antrean:manage"), {"code": unknown_code, "nik": VALID_NIK})
    assert wrong_nik.status_code == wrong_code.status_code == 404
    assert "tidak ditemukan" in wrong_nik.text
    assert without_typed_values(wrong_nik.text) == without_typed_values(wrong_code.text)
    assert booking.citizen.full_name not in wrong_nik.text
    assert "antrean_booking_id" not in client.session


def test_malformed_code_says_its_format_is_wrong(client, booking):
    response = client.post(reverse("antrean:manage"), {"code": "123", "nik": VALID_NIK})
    assert response.status_code == 400
    assert "12 huruf/angka" in response.text
    assert 'href="#id_code"' in response.text


def test_reschedule_through_the_pages_moves_the_seat(client, booking, booking_office, service):
    old_slot = booking.slot
    later = make_slot(booking_office, hour=13)
    found(client, booking)
    dates = client.get(reverse("antrean:reschedule-dates"))
    assert dates.status_code == 200
    assert reverse("antrean:reschedule-times", args=[VISIT_DAY]) in dates.text
    times = client.get(reverse("antrean:reschedule-times", args=[VISIT_DAY]))
    assert "Jadwal Anda sekarang" in times.text
    confirm_url = reverse("antrean:reschedule-confirm", args=[VISIT_DAY, later.pk])
    assert confirm_url in times.text
    current_url = reverse("antrean:reschedule-confirm", args=[VISIT_DAY, booking.slot_id])
    assert current_url not in times.text
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot == later and booking.reschedule_count == 1
    later.refresh_from_db()
    booking.slot.refresh_from_db()
    assert later.booked == 1 and booking.slot.booked == 1
    old_slot.refresh_from_db()
    assert old_slot.booked == 0
    page = client.get(reverse("antrean:booking-detail"))
    assert "13.00 WIB" in page.text and "Jadwal kunjungan Anda sudah diubah" in page.text


def test_reschedule_to_a_full_slot_keeps_the_old_booking(
    client, booking, slot, booking_office, service
):
    full = make_slot(booking_office, hour=14, capacity=1)
    make_booking(full, service, nik=VALID_NIK_FEMALE)
    found(client, booking)
    response = client.post(reverse("antrean:reschedule-confirm", args=[VISIT_DAY, full.pk]))
    assert response.status_code == 409
    assert "sudah penuh" in response.text
    booking.refresh_from_db()
    assert booking.slot_id == slot.pk and booking.reschedule_count == 0
    slot.refresh_from_db()
    full.refresh_from_db()
    assert slot.booked == 1 and full.booked == 1


def test_reschedule_to_a_slot_of_another_office_is_refused(client, booking, service):
    other = open_office(service_type=service)
    foreign = make_slot(other, hour=13)
    found(client, booking)
    response = client.post(reverse("antrean:reschedule-confirm", args=[VISIT_DAY, foreign.pk]))
    assert response.status_code == 404
    booking.refresh_from_db()
    foreign.refresh_from_db()
    assert booking.slot.office == booking.office and foreign.booked == 0


def test_reschedule_pages_need_the_session(booking):
    stranger = Client()
    for url in (
        reverse("antrean:reschedule-dates"),
        reverse("antrean:reschedule-times", args=[VISIT_DAY]),
        reverse("antrean:cancel"),
    ):
        assert stranger.get(url).status_code == 404
    response = stranger.post(reverse("antrean:cancel"))
    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE


def test_cancel_through_the_pages_frees_the_seat(client, booking, slot):
    found(client, booking)
    confirm = client.get(reverse("antrean:cancel"))
    assert confirm.status_code == 200 and "Batalkan booking?" in confirm.text
    response = client.post(reverse("antrean:cancel"))
    assert response.status_code == 302
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and slot.booked == 0
    page = client.get(reverse("antrean:booking-detail"))
    assert "sudah dibatalkan" in page.text
    assert reverse("antrean:reschedule-dates") not in page.text
    # A cancelled booking cannot be cancelled or moved again.
    assert client.post(reverse("antrean:cancel")).status_code == 302
    assert client.get(reverse("antrean:reschedule-dates")).status_code == 302


def test_cancel_after_the_visit_started_is_refused(client, booking_office, service, frozen_now):
    today = make_slot(booking_office, day=frozen_now.date(), hour=10)  # 08.00 WIB now
    booking = make_booking(today, service)
    found(client, booking)
    with time_machine.travel(today.starts_at + datetime.timedelta(minutes=5), tick=False):
        response = client.post(reverse("antrean:cancel"))
    assert response.status_code == 400
    assert "sudah lewat" in response.text
    booking.refresh_from_db()
    today.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE and today.booked == 1
