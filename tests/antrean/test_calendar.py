"""The .ics event and the booking messages (email and SMS templates)."""

import datetime

import icalendar
import pytest
from django.template.loader import render_to_string

from antrean.calendar import booking_ics, ics_filename
from antrean.services import cancel_booking
from dokumen.checklist import checklist_for
from dokumen.models import Requirement
from ktpportal.notifications.rendering import render_email, render_short
from tests.antrean.conftest import make_booking, make_slot, open_office
from tests.factories import VALID_NIK

pytestmark = pytest.mark.django_db


@pytest.fixture
def papua_booking(service, frozen_now):
    Requirement.objects.create(
        service_type=service, name="Kartu Keluarga (KK)", short_name="KK asli", order=1
    )
    office = open_office(
        regency_code="9171",
        service_type=service,
        name="Disdukcapil Kota Jayapura",
        address="Jl. Balai Kota No. 1, Entrop",
        map_url="https://maps.example/jayapura",
    )
    return make_booking(make_slot(office, hour=9), service, phone="081234567890", sms_consent=True)


def test_ics_event_is_in_the_offices_zone_with_alarms_and_the_checklist(papua_booking):
    text = booking_ics(papua_booking)
    assert "DTSTART;TZID=Asia/Jayapura:20261202T090000" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Asia/Jayapura" in text
    calendar = icalendar.Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    assert event.start == datetime.datetime(2026, 12, 2, 0, 0, tzinfo=datetime.UTC)
    assert event.end - event.start == datetime.timedelta(minutes=30)
    assert "Jl. Balai Kota No. 1, Entrop" in str(event["LOCATION"])
    description = str(event["DESCRIPTION"])
    assert papua_booking.code in description
    assert "1. Kartu Keluarga (KK)" in description
    triggers = sorted(alarm["TRIGGER"].dt for alarm in event.walk("VALARM"))
    assert triggers == [-datetime.timedelta(days=1), -datetime.timedelta(hours=2)]
    assert VALID_NIK not in text


def test_ics_uid_is_stable_and_the_sequence_follows_reschedules(papua_booking):
    first = icalendar.Calendar.from_ical(booking_ics(papua_booking)).walk("VEVENT")[0]
    papua_booking.reschedule_count = 2
    again = icalendar.Calendar.from_ical(booking_ics(papua_booking)).walk("VEVENT")[0]
    assert first["UID"] == again["UID"]
    assert again["SEQUENCE"] == 2
    assert ics_filename(papua_booking) == f"kunjungan-dukcapil-{papua_booking.code}.ics"


def test_cancelled_booking_is_a_cancelled_event(papua_booking):
    cancelled = cancel_booking(booking=papua_booking)
    event = icalendar.Calendar.from_ical(booking_ics(cancelled)).walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED"


def _context(booking):
    return {
        "booking": booking,
        "citizen": booking.citizen,
        "office": booking.office,
        "checklist": checklist_for(booking.service_type, booking.office),
    }


@pytest.mark.parametrize("kind", ["booking_confirmed", "booking_rescheduled"])
def test_emails_name_office_time_code_and_checklist(papua_booking, kind):
    subject, text, html = render_email(kind, _context(papua_booking), "id")
    assert papua_booking.code in subject and "WIT" in subject
    for body in (text, html):
        assert papua_booking.code in body
        assert "Disdukcapil Kota Jayapura" in body
        assert "Rabu, 2 Desember 2026 09.00 WIT" in body
        assert "Kartu Keluarga (KK)" in body
        assert VALID_NIK not in body
    assert "1. Kartu Keluarga (KK)" in text


def test_cancelled_email_and_sms(papua_booking):
    subject, text, html = render_email("booking_cancelled", _context(papua_booking), "id")
    assert "dibatalkan" in subject and papua_booking.code in subject
    assert "09.00 WIT" in text and "09.00 WIT" in html
    sms = render_short("booking_cancelled", _context(papua_booking), "id")
    assert papua_booking.code in sms and "dibatalkan" in sms and len(sms) <= 160


@pytest.mark.parametrize("kind", ["booking_confirmed", "booking_rescheduled"])
def test_sms_is_short_and_never_carries_the_nik(papua_booking, kind):
    sms = render_short(kind, _context(papua_booking), "id")
    assert papua_booking.code in sms
    assert "2 Des 09.00 WIT" in sms
    assert "Bawa: KK asli" in sms
    assert len(sms) <= 160
    assert VALID_NIK not in sms


def test_text_email_does_not_html_escape_a_name(papua_booking):
    papua_booking.citizen.full_name = "Yohanes O'Neil"
    _, text, html = render_email("booking_confirmed", _context(papua_booking), "id")
    assert "Yohanes O'Neil" in text
    assert "O&#x27;Neil" in html


def test_html_email_escapes_office_data(papua_booking):
    papua_booking.office.address = "<script>alert(1)</script>"
    html = render_to_string("emails/booking_confirmed-body.html", _context(papua_booking))
    assert "<script>" not in html and "&lt;script&gt;" in html
