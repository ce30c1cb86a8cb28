"""The application form opened from a booking code (what "Selesai" at the counter opens)
starts from what the citizen typed for that visit, not from an older citizen record."""

import datetime

import time_machine

from ktpportal.models import Citizen, StaffRole
from status.demo import grant_roles
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import make_service_type, make_staff

NOW = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)  # Tuesday 08.00 WIB


def test_the_form_is_prefilled_from_the_booking_not_the_citizen_record(client, db):
    service = make_service_type()
    office = make_booking_office(services=[service])
    grant_roles()
    with time_machine.travel(NOW, tick=False):
        booking = book(
            slot_at(office, datetime.date(2026, 12, 2), 9),
            service,
            full_name="Rina Marlina",
            phone="+6281298765432",
            email="rina@example.org",
        )
    Citizen.objects.filter(pk=booking.citizen_id).update(
        full_name="Rina M.", phone="+6281100000000", email="lama@example.org"
    )
    client.force_login(make_staff(office, role=StaffRole.COUNTER))

    page = client.get("/admin/status/application/add/", {"kode_booking": booking.code})

    initial = page.context["adminform"].form.initial
    assert (initial["full_name"], initial["phone"], initial["email"]) == (
        "Rina Marlina",
        "+6281298765432",
        "rina@example.org",
    )
    assert initial["booking_code"] == booking.code
