"""Staff read and type every time as their office's: in its zone with its label (WIB, WITA,
WIT), in lists, read-only fields and forms; never Django's server zone (Asia/Jakarta)."""

import datetime
import re

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse

from antrean.demo import grant_permissions
from antrean.models import BookingSetup, Disruption
from ktpportal.models import StaffRole
from ktpportal.scoping import OfficeScopedAdmin
from status.demo import grant_roles
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import make_service_type, make_staff
from tests.status.factories import make_application

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 1, 30, tzinfo=datetime.UTC)  # 08.30 WIB, 10.30 WIT


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service(db):
    return make_service_type(name="KTP-el baru", promised_hours=24)


@pytest.fixture
def jayapura(service):
    """An office in WIT, two hours ahead of the server's zone."""
    grant_permissions()
    grant_roles()
    return make_booking_office(services=[service], regency_code="9171", name="Kantor Jayapura")


def test_an_office_in_wit_reads_application_times_in_wit(client, jayapura, service):
    application = make_application(office=jayapura, service_type=service)
    client.force_login(make_staff(jayapura, role=StaffRole.COUNTER))

    listed = client.get(reverse("admin:status_application_changelist")).content.decode()
    assert "1 Des 2026 10.30 WIT" in listed  # made
    assert "2 Des 2026 10.30 WIT" in listed  # promised, 24 hours on
    assert "08.30" not in listed

    page = client.get(reverse("admin:status_application_change", args=[application.pk]))
    shown = page.content.decode()
    # Made, promised, and the timeline's first step.
    assert shown.count("1 Des 2026 10.30 WIT") == 2
    assert "2 Des 2026 10.30 WIT" in shown
    assert "08.30" not in shown


def test_an_office_in_wit_reads_booking_times_in_wit(client, jayapura, service):
    booking = book(slot_at(jayapura, datetime.date(2026, 12, 2), 9), service)
    client.force_login(make_staff(jayapura, role=StaffRole.COUNTER))

    listed = client.get(reverse("admin:antrean_booking_changelist")).content.decode()
    assert "2 Des 2026 09.00 WIT" in listed
    page = client.get(reverse("admin:antrean_booking_change", args=[booking.pk])).content
    shown = page.decode()
    assert "2 Des 2026 09.00 WIT" in shown  # the visit
    assert "1 Des 2026 10.30 WIT" in shown  # booked


def test_office_hours_and_dates_are_typed_as_office_time_without_a_server_zone_note(
    client, jayapura
):
    Disruption.objects.create(office=jayapura, date=datetime.date(2026, 12, 1), message="SIAK")
    client.force_login(make_staff(jayapura, role=StaffRole.ADMIN))
    for url in (
        reverse("admin:antrean_bookingsetup_change", args=[jayapura.pk]),
        reverse("admin:antrean_disruption_add"),
    ):
        page = client.get(url).content.decode()
        # Django's admin adds "Note: Enter times in the Asia/Jakarta timezone" by script to
        # every vTimeField and vDateField; the browser's own fields carry no such note.
        assert "vTimeField" not in page and "vDateField" not in page, url
        assert 'type="time"' in page, url
    setup = client.get(reverse("admin:antrean_bookingsetup_change", args=[jayapura.pk]))
    shown = setup.content.decode()
    assert re.search(r'type="time" name="[\w-]+-0-opens_at" value="08:00"', shown)
    assert "Semua jam dan tanggal di halaman ini adalah waktu kantor: WIT." in shown


def _moments(model, names) -> list[str]:
    found = []
    for name in names:
        if not isinstance(name, str):
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a method or an admin attribute
            continue
        if isinstance(field, models.DateTimeField):
            found.append(f"{model.__name__}.{name}")
    return found


def test_no_office_admin_shows_a_moment_in_the_servers_zone(rf, django_user_model):
    """The class, not one page: an office's admin that lists or shows a DateTimeField as it
    is would show it in WIB without a label; it goes through ktpportal.admin_time.office_time."""
    request = rf.get("/admin/")
    request.user = django_user_model.objects.create_superuser("super", "s@example.com", "x")
    raw = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, OfficeScopedAdmin):
            continue
        obj = model()
        raw += _moments(model, model_admin.get_list_display(request))
        raw += _moments(model, model_admin.get_readonly_fields(request, obj))
        raw += _moments(model, model_admin.get_readonly_fields(request, None))
        for inline in model_admin.get_inline_instances(request, obj):
            raw += _moments(inline.model, inline.get_readonly_fields(request, obj))
    assert raw == []
    assert BookingSetup in admin.site._registry  # the registry was looked at
