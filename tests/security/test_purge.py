"""`manage.py purge_personal_data`: what is past RETENTION_DAYS goes, the rest stays."""

import datetime
import io

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from antrean.models import Booking, Slot
from ktpportal.models import Citizen
from status.models import Application, StatusChange
from status.services import change_stage, create_application
from status.stages import Stage
from tests.e2e.portal import build_portal
from tests.security.flows import book

pytestmark = pytest.mark.django_db


def _purge(*args):
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def test_old_bookings_and_their_citizens_go_recent_ones_stay(client):
    build_portal()
    assert book(client).status_code == 302
    client.post("/admin/login/", {"username": "loket", "password": "salah"})
    booking = Booking.objects.select_related("slot").get()
    assert "bookings: 0" in _purge() and Booking.objects.exists()
    assert AccessAttempt.objects.exists()

    after = booking.slot.ends_at + datetime.timedelta(days=settings.RETENTION_DAYS + 1)
    with time_machine.travel(after, tick=False):
        assert "bookings: 1" in _purge("--dry-run")
        assert Booking.objects.exists()
        assert "bookings: 1" in _purge()
    assert not Booking.objects.exists() and not Citizen.objects.exists()
    assert not AccessAttempt.objects.exists()
    assert Slot.objects.filter(pk=booking.slot_id).exists()  # the office's calendar stays


def test_an_open_application_keeps_its_citizen(client):
    portal = build_portal()
    book(client)
    booking = Booking.objects.select_related("slot", "citizen").get()
    create_application(
        citizen=booking.citizen,
        office=portal.office,
        service_type=booking.service_type,
        booking=booking,
        by=portal.staff,
    )
    after = booking.slot.ends_at + datetime.timedelta(days=settings.RETENTION_DAYS + 1)
    with time_machine.travel(after, tick=False):
        _purge()
    assert not Booking.objects.exists()
    application = Application.objects.get()
    assert application.booking is None
    assert Citizen.objects.filter(pk=booking.citizen_id).exists()


def test_a_closed_application_goes_with_its_timeline(client):
    portal = build_portal()
    book(client)
    booking = Booking.objects.select_related("slot", "citizen").get()
    application = create_application(
        citizen=booking.citizen,
        office=portal.office,
        service_type=booking.service_type,
        booking=booking,
        by=portal.staff,
    )
    change_stage(application=application, to_stage=Stage.DIBATALKAN, by=portal.staff)
    just_before = timezone.now() + datetime.timedelta(days=settings.RETENTION_DAYS - 1)
    with time_machine.travel(just_before, tick=False):
        assert "applications: 0" in _purge()
    after = max(booking.slot.ends_at, timezone.now()) + datetime.timedelta(
        days=settings.RETENTION_DAYS + 1
    )
    with time_machine.travel(after, tick=False):
        assert "applications: 1, status changes: 2" in _purge()
    assert not Application.objects.exists() and not StatusChange.objects.exists()
    assert not Citizen.objects.exists()


def test_old_queue_tickets_and_their_events_go(db):
    from antrean.models import Ticket, VisitEvent
    from antrean.visit.arrival import issue_walk_in
    from tests.antrean.visit.conftest import make_office
    from tests.factories import make_service_type, make_staff

    service = make_service_type()
    office = make_office(service)
    issued_at = datetime.datetime(2026, 12, 2, 2, 0, tzinfo=datetime.UTC)  # 09.00 WIB
    with time_machine.travel(issued_at, tick=False):
        issue_walk_in(
            office=office, service_type=service, staff=make_staff(office), phone="081234567890"
        )
    with time_machine.travel(issued_at + datetime.timedelta(days=settings.RETENTION_DAYS - 1)):
        assert "tickets: 0" in _purge()
    with time_machine.travel(issued_at + datetime.timedelta(days=settings.RETENTION_DAYS + 1)):
        assert "tickets: 1" in _purge()
    assert not Ticket.objects.exists() and not VisitEvent.objects.exists()
