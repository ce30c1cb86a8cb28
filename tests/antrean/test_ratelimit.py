"""Rate limits on booking and managing (ktpportal/ratelimits.py): failures are counted per
address and per NIK, successes are not, and what a crowd behind one carrier address does
never reaches a limit."""

import uuid

import pytest
from django.urls import reverse

from antrean.models import Booking
from tests.antrean.conftest import VISIT_DAY, make_booking, make_slot
from tests.antrean.test_views_booking import book_url, form_data
from tests.factories import VALID_NIK, VALID_NIK_FEMALE, make_nik

pytestmark = pytest.mark.django_db
NIK_FAILURES = 10
WRONG_CODE = "ABCD-EFGH-JKMN"


def invalid_booking(client, slot, service, nik, ip):
    # No name and no contact: a 400 with the form's messages.
    data = {"nik": nik, "full_name": "", "phone": "", "submission_token": "x"}
    return client.post(book_url(slot, service), data, REMOTE_ADDR=ip)


def valid_booking(client, slot, service, nik, ip):
    url = book_url(slot, service)
    return client.post(url, form_data(client, url, nik=nik), REMOTE_ADDR=ip)


def test_booking_failures_are_limited_per_nik_and_a_good_booking_still_goes_through(
    client, booking_office, service
):
    slot = make_slot(booking_office)
    statuses = [
        invalid_booking(client, slot, service, VALID_NIK, f"198.51.100.{n}").status_code
        for n in range(NIK_FAILURES + 1)
    ]
    assert statuses == [400] * NIK_FAILURES + [429]
    # Another NIK from those addresses is answered as before.
    assert (
        invalid_booking(client, slot, service, make_nik(serial=7), "198.51.100.1").status_code
        == 400
    )
    # The NIK's owner, with a form that is right, books: failures others made do not refuse it.
    assert valid_booking(client, slot, service, VALID_NIK, "203.0.113.9").status_code == 302
    assert Booking.objects.get().citizen.nik == VALID_NIK


def test_booking_failures_are_limited_per_address(client, booking_office, service, settings):
    settings.RATELIMIT_FAILURES_PER_ADDRESS = 5
    slot = make_slot(booking_office)
    statuses = [
        invalid_booking(client, slot, service, make_nik(serial=100 + n), "203.0.113.7").status_code
        for n in range(6)
    ]
    assert statuses == [400] * 5 + [429]
    assert invalid_booking(client, slot, service, VALID_NIK, "203.0.113.8").status_code == 400
    assert valid_booking(client, slot, service, VALID_NIK, "203.0.113.7").status_code == 302


def test_a_crowd_behind_one_address_books_without_a_429(client, booking_office, service):
    """Carrier-grade NAT: an opening rush from one address, bookings and typos mixed. The
    old limit (30 POSTs an hour per address, successes too) refused the 31st citizen."""
    slot = make_slot(booking_office, capacity=40)
    for n in range(35):
        nik = make_nik(serial=200 + n)
        if n % 10 == 0:
            assert invalid_booking(client, slot, service, nik, "182.0.0.1").status_code == 400
        assert valid_booking(client, slot, service, nik, "182.0.0.1").status_code == 302
    assert Booking.objects.count() == 35


def test_a_seat_taken_first_is_not_the_citizens_failure(client, booking_office, service, settings):
    """ "Sudah penuh" is the opening rush: not counted against the crowd's address. A refusal
    about the citizen (an active booking already) is."""
    settings.RATELIMIT_FAILURES_PER_ADDRESS = 2
    full = make_slot(booking_office, capacity=1)
    make_booking(full, service, nik=VALID_NIK_FEMALE)
    for n in range(4):
        data = {
            "nik": make_nik(serial=300 + n),
            "full_name": "Siti Aminah",
            "phone": "081234567890",
            "submission_token": str(uuid.uuid4()),
        }
        response = client.post(book_url(full, service), data, REMOTE_ADDR="182.0.0.2")
        assert response.status_code == 409
    make_booking(make_slot(booking_office, hour=11), service, nik=VALID_NIK)
    other = make_slot(booking_office, hour=13)
    statuses = [
        valid_booking(client, other, service, VALID_NIK, "182.0.0.2").status_code for _ in range(3)
    ]
    assert statuses == [409, 409, 429]


def test_bookings_made_from_one_address_have_a_ceiling(client, booking_office, service, settings):
    settings.RATELIMIT_BOOKINGS_PER_ADDRESS = 3
    slot = make_slot(booking_office, capacity=10)
    statuses = [
        valid_booking(client, slot, service, make_nik(serial=400 + n), "203.0.113.20").status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert Booking.objects.count() == 3
    assert (
        valid_booking(client, slot, service, make_nik(serial=410), "203.0.113.21").status_code
        == 302
    )


# --- Managing: code + NIK ------------------------------------------------------------------


def manage(client, code, nik, ip):
    return client.post(reverse("antrean:manage"), {"code": code, "nik": nik}, REMOTE_ADDR=ip)


def test_a_right_code_and_nik_are_answered_whatever_others_tried_with_that_nik(
    client, slot, service
):
    """The reported lock-out: a stranger's wrong codes with someone's NIK kept its owner out
    for up to an hour."""
    booking = make_booking(slot, service)
    statuses = [
        manage(client, WRONG_CODE, VALID_NIK, f"198.51.100.{n}").status_code
        for n in range(NIK_FAILURES + 1)
    ]
    assert statuses == [404] * NIK_FAILURES + [429]
    response = manage(client, booking.code, VALID_NIK, "203.0.113.30")
    assert response.status_code == 302
    assert client.session["antrean_booking_id"] == booking.pk


def test_manage_failures_are_limited_per_address(client, slot, service, settings):
    settings.RATELIMIT_FAILURES_PER_ADDRESS = 5
    booking = make_booking(slot, service)
    statuses = [manage(client, "123", make_nik(serial=500), "203.0.113.31").status_code]
    statuses += [
        manage(client, WRONG_CODE, make_nik(serial=501 + n), "203.0.113.31").status_code
        for n in range(5)
    ]
    assert statuses == [400] + [404] * 4 + [429]  # a malformed code is a failure too
    assert manage(client, WRONG_CODE, VALID_NIK, "203.0.113.32").status_code == 404
    assert manage(client, booking.code, VALID_NIK, "203.0.113.31").status_code == 302


def test_reschedules_are_limited_per_booking_and_cancelling_is_not(client, slot, service):
    booking = make_booking(slot, service)
    assert manage(client, booking.code, VALID_NIK, "203.0.113.40").status_code == 302
    later = [make_slot(slot.office, hour=hour) for hour in (10, 11, 13, 14)]
    statuses = [
        client.post(
            reverse("antrean:reschedule-confirm", args=[VISIT_DAY, target.pk]),
            REMOTE_ADDR="203.0.113.40",
        ).status_code
        for target in [*later, slot, later[0]]
    ]
    assert statuses == [302] * 5 + [429]
    booking.refresh_from_db()
    assert booking.reschedule_count == 5 and booking.slot == slot
    assert client.post(reverse("antrean:cancel"), REMOTE_ADDR="203.0.113.40").status_code == 302
