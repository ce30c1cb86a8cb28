"""The visit day in the admin: office admins set their own counters and rules; staff read
their own office's tickets (no phone shown); the demo seed gives every office counters."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from antrean.demo import grant_permissions
from antrean.models import Counter, EventKind, OfficeService, VisitEvent, VisitSettings
from antrean.visit.arrival import issue_walk_in
from ktpportal.models import Office, StaffRole
from tests.antrean.visit.conftest import at, booked, make_office
from tests.factories import make_staff


@pytest.fixture
def other_office(service):
    return make_office(service, name="Kantor Lain")


@pytest.fixture
def office_admin(client, office):
    grant_permissions()
    client.force_login(make_staff(office, role=StaffRole.ADMIN))
    return client


def test_office_admins_set_up_their_own_counters_only(office_admin, office, other_office, service):
    Counter.objects.create(office=other_office, number=7)
    url = reverse("admin:antrean_counter_add")
    response = office_admin.post(
        url,
        {"office": office.pk, "number": 1, "name": "", "services": [service.pk], "is_active": "on"},
    )
    assert response.status_code == 302
    counter = Counter.objects.get(office=office)
    assert counter.label == "Loket 1" and list(counter.services.all()) == [service]
    # Another office is not a choice.
    response = office_admin.post(url, {"office": other_office.pk, "number": 2, "is_active": "on"})
    assert response.status_code == 200 and Counter.objects.filter(number=2).count() == 0
    listing = office_admin.get(reverse("admin:antrean_counter_changelist")).content.decode()
    assert "Loket 1" in listing and "Loket 7" not in listing


def test_office_admins_set_the_visit_day_rules(office_admin, office):
    response = office_admin.post(
        reverse("admin:antrean_visitsettings_add"),
        {
            "office": office.pk,
            "check_in_early_minutes": 30,
            "check_in_late_minutes": 15,
            "late_as_walk_in": "on",
            "calls_before_no_show": 2,
            "service_minutes": 12,
            "serve_after_closing_minutes": 0,
            "no_show_rule": "on",
            "no_show_limit": 3,
            "no_show_days": 30,
            "no_show_wait_days": 14,
        },
    )
    assert response.status_code == 302
    assert VisitSettings.for_office(office).no_show_rule is True


def test_counter_staff_read_their_offices_tickets_without_phones(
    client, office, other_office, service, staff, clock
):
    grant_permissions()
    clock.move_to(at(office, 9))
    mine = issue_walk_in(office=office, service_type=service, staff=staff, phone="081234567890")
    issue_walk_in(
        office=other_office, service_type=service, staff=make_staff(other_office), phone=""
    )
    client.force_login(staff)
    listing = client.get(reverse("admin:antrean_ticket_changelist")).content.decode()
    assert "A-001" in listing and "Kantor Lain" not in listing
    page = client.get(reverse("admin:antrean_ticket_change", args=[mine.pk])).content.decode()
    assert "A-001" in page and "1234567890" not in page


def test_marking_present_in_the_admin_records_who(office, service, clock, client):
    grant_permissions()
    booking = booked(office, service, 9)
    staff = make_staff(office)
    client.force_login(staff)
    client.post(
        reverse("admin:antrean_booking_changelist"),
        {"action": "mark_checked_in", "_selected_action": [booking.pk]},
    )
    event = VisitEvent.objects.get(booking=booking, kind=EventKind.CHECKED_IN)
    assert event.staff == staff


def test_the_demo_gives_every_office_counters_letters_and_walk_in_quotas(db):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    for office in Office.objects.all():
        assert office.counters.count() == 3
    assert set(OfficeService.objects.values_list("ticket_letter", flat=True)) == {"A", "B"}
    assert not OfficeService.objects.filter(walk_in_quota=0).exists()
