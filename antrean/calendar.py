"""The booking as an iCalendar (.ics) event, for the download and the confirmation email."""

import datetime

import icalendar
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from antrean.models import Booking
from dokumen.checklist import checklist_for
from ktpportal.timeutil import office_localtime

# Stable per booking: a rescheduled booking replaces its event in the calendar app
# (with a higher SEQUENCE) instead of adding a second one.
UID_DOMAIN = "antrean.ktpportal"


def ics_filename(booking: Booking) -> str:
    return f"kunjungan-dukcapil-{booking.code}.ics"


def booking_ics(booking: Booking) -> str:
    """One VEVENT in the office's own zone (TZID + VTIMEZONE), with alarms a day and two
    hours before, and the documents to bring in the description, in the citizen's language."""
    office, slot = booking.office, booking.slot
    with translation.override(booking.language or "id"):
        checklist = checklist_for(booking.service_type, office)
        description = "\n".join(
            part
            for part in (
                _("Kode booking: %(code)s") % {"code": booking.code},
                _("Layanan: %(service)s") % {"service": booking.service_type.name},
                "",
                _("Dokumen yang dibawa:"),
                checklist.as_text() or _("Tanyakan ke kantor Dukcapil sebelum datang."),
                "",
                _("Semua layanan KTP-el gratis, tanpa biaya apa pun."),
            )
        )
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//ktpportal//antrean//ID")
        calendar.add("version", "2.0")
        calendar.add("method", "PUBLISH")
        event = icalendar.Event()
        event.add("uid", f"antrean-{booking.pk}@{UID_DOMAIN}")
        event.add("sequence", booking.reschedule_count)
        event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
        event.add("dtstart", office_localtime(slot.starts_at, office.tz_name))
        event.add("dtend", office_localtime(slot.ends_at, office.tz_name))
        event.add(
            "summary",
            _("Kunjungan Dukcapil: %(service)s") % {"service": booking.service_type.name},
        )
        event.add("location", f"{office.name}, {office.address}")
        event.add("description", description)
        if office.map_url:
            event.add("url", office.map_url)
        event.add(
            "status", "CANCELLED" if booking.status == Booking.Status.CANCELLED else "CONFIRMED"
        )
        for before, text in (
            (datetime.timedelta(days=1), _("Besok: kunjungan ke %(office)s")),
            (datetime.timedelta(hours=2), _("Dua jam lagi: kunjungan ke %(office)s")),
        ):
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", -before)
            alarm.add("description", text % {"office": office.name})
            event.add_component(alarm)
        calendar.add_component(event)
        calendar.add_missing_timezones()
    return calendar.to_ical().decode()
