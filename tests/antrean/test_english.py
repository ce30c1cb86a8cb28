"""The booking pages and messages in English: service names and documents in English, a
closure's reason in English when staff gave one, and staff's Indonesian text marked
lang="id" on an English page."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from antrean.demo import grant_permissions
from antrean.models import Closure, Disruption
from antrean.reminders import write_due_reminders
from dokumen.seed import seed_requirements
from ktpportal.models import ServiceType, StaffRole
from ktpportal.notifications.models import Notification
from ktpportal.seed import seed_service_types
from tests.antrean.conftest import VISIT_DAY, make_slot, open_office
from tests.antrean.factories import book
from tests.factories import make_nik, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost(db):
    """The national service "Penggantian KTP-el hilang" with its seeded lists."""
    seed_service_types()
    seed_requirements()
    return ServiceType.objects.get(code="hilang")


@pytest.fixture
def office(lost, frozen_now):
    return open_office(service_type=lost, name="Sudin Dukcapil Uji", slug="uji")


def in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_service_page_lists_services_in_the_pages_language(client, settings, office, lost):
    url = reverse("antrean:service", args=[office.slug])
    assert "Penggantian KTP-el hilang" in client.get(url).text
    page = in_english(client, settings).get(url).text
    assert "Replacing a lost KTP-el" in page
    assert "The KTP-el is lost; bring the police report of the loss." in page
    assert "Penggantian KTP-el hilang" not in page


def test_a_closure_reason_without_english_is_marked_indonesian(client, settings, office, lost):
    Closure.objects.create(office=office, date=VISIT_DAY, reason="Rapat pegawai")
    url = reverse("antrean:dates", args=[office.slug, lost.code])
    assert "Kantor tutup: Rapat pegawai" in client.get(url).text
    page = in_english(client, settings).get(url).text
    assert 'Office closed: <span lang="id">Rapat pegawai</span>' in page


def test_a_closure_reason_staff_gave_in_english_reads_english(client, settings, office, lost):
    Closure.objects.create(
        office=office, date=VISIT_DAY, reason="Rapat pegawai", reason_en="Staff meeting"
    )
    url = reverse("antrean:dates", args=[office.slug, lost.code])
    page = in_english(client, settings).get(url).text
    assert "Office closed: Staff meeting" in page
    assert "Rapat pegawai" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    assert "Kantor tutup: Rapat pegawai" in client.get(url).text


def test_a_disruption_notice_is_marked_indonesian(client, settings, office, lost):
    Disruption.objects.create(
        office=office, date=VISIT_DAY - datetime.timedelta(days=1), message="SIAK terganggu"
    )
    page = in_english(client, settings).get(reverse("antrean:service", args=[office.slug])).text
    assert '<span lang="id">SIAK terganggu</span>' in page


def test_the_confirmation_lists_documents_in_the_bookings_language(office, lost):
    book(make_slot(office), lost, email="ani@example.org", sms_consent=True, language="en")
    book(make_slot(office, hour=10), lost, email="budi@example.org", sms_consent=True)
    english = Notification.objects.get(recipient="ani@example.org")
    assert "Family Card (KK): original" in english.body_text
    assert "Replacing a lost KTP-el" in english.body_text
    assert "Police report of the loss" in english.body_html
    indonesian = Notification.objects.get(recipient="budi@example.org")
    assert "Kartu Keluarga (KK): asli" in indonesian.body_text


def test_reminders_of_one_scan_each_follow_their_bookings_language(office, lost):
    """One scan writes reminders for many bookings of the same office and service: the
    documents must not come in the language of whichever was written first."""
    slot = make_slot(office)
    for language, phone in (("en", "081111111111"), ("id", "082222222222")):
        book(slot, lost, nik=make_nik(), phone=phone, sms_consent=True, language=language)
    Notification.objects.all().delete()
    # The visit's day at 07.00 WIB, two hours before it: the same-day reminders are due.
    with time_machine.travel(datetime.datetime(2026, 12, 2, 0, 0, tzinfo=datetime.UTC)):
        assert write_due_reminders() == 2
    english = Notification.objects.get(recipient="081111111111")
    indonesian = Notification.objects.get(recipient="082222222222")
    assert "original KK" in english.body_text, english.body_text
    assert "KK asli" in indonesian.body_text, indonesian.body_text


def test_office_admins_give_a_closure_reason_in_english(client, office):
    grant_permissions()
    client.force_login(make_staff(office, role=StaffRole.ADMIN))
    page = client.get(reverse("admin:antrean_bookingsetup_change", args=[office.pk])).text
    assert 'name="closures-0-reason_ind"' in page or "-reason_ind" in page
    assert "-reason_en" in page
    assert "Alasan (Inggris)" in page
