"""What the booking and the managing pages share: the office and service of a URL, the
booking kept in the session, and the lists of days and slots."""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from antrean import disruptions
from antrean.availability import State, days_for, slots_for
from antrean.models import Booking, BookingSettings, OfficeService, Slot
from antrean.qr import qr_data_uri
from antrean.services import (
    BookingError,
)
from antrean.window import BookingWindow
from dokumen.checklist import checklist_for
from ktpportal import metrics
from ktpportal.models import Office, ServiceType
from ktpportal.timeutil import office_localtime

SESSION_KEY = "antrean_booking_id"
# Seconds a citizen is asked to wait when the seat could not be locked in time.
BUSY_RETRY_AFTER = 10
_ERROR_STATUS = {"full": 409, "already_booked": 409, "busy": 429, "not_found": 404}
# A date in a booking address is answered from the day before the office's today (a page
# opened just before midnight) to a week past its booking window (the date page lists a few
# "not open yet" days after the window, and the margin leaves room for the window's end to
# move). Beyond that there is nothing to book, and each date would cost its year's holiday
# calendar to anyone who asks.
DAYS_BEFORE_TODAY = 1
DAYS_AFTER_WINDOW = 7


def active_office(slug: str) -> Office:
    return get_object_or_404(Office.objects.active().with_region(), slug=slug)


def office_and_service(slug: str, code: str) -> tuple[Office, ServiceType]:
    """An active office and a service it takes bookings for, in one query; 404 otherwise."""
    offered = get_object_or_404(
        OfficeService.objects.select_related("office", "service_type"),
        office__slug=slug,
        office__is_active=True,
        service_type__code=code,
        service_type__is_active=True,
        is_active=True,
    )
    return offered.office, offered.service_type


def day_in_window_or_404(office: Office, day: datetime.date, *, window=None) -> None:
    """The portal's not-found page for a `day` far from the office's booking window, raised
    before any calendar, slot or holiday of that day is looked at."""
    window = window or BookingSettings.for_office(office).window()
    first = window.first_day - datetime.timedelta(days=DAYS_BEFORE_TODAY)
    last = window.first_day + datetime.timedelta(days=window.days_ahead + DAYS_AFTER_WINDOW)
    if not first <= day <= last:
        raise Http404("date outside the booking window")


def refused(request, error: BookingError, template: str, context: dict) -> HttpResponse:
    """The page again with the service's reason: 409 for a seat taken, 429 and Retry-After
    when the slot was too busy to lock in time, 400 for the rest."""
    metrics.record_booking(request, error.code)
    response = render(request, template, context, status=_ERROR_STATUS.get(error.code, 400))
    if error.code == "busy":
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


def slot_not_here(request, back_url: str) -> HttpResponse:
    return render(
        request,
        "antrean/problem.html",
        {
            "title": _("Jam kunjungan tidak ditemukan"),
            "message": _("Jam kunjungan ini tidak ada di kantor dan layanan yang dipilih."),
            "back_url": back_url,
            "back_text": _("Pilih jam lagi"),
        },
        status=404,
    )


def slot_matches(slot: Slot | None, office: Office, service_type: ServiceType, day) -> bool:
    """The slot in the URL belongs to the office, the service (or the shared pool) and the day
    in the same URL: a hand-edited slot id of another office or service is refused."""
    return (
        slot is not None
        and slot.office_id == office.pk
        and slot.service_type_id in (None, service_type.pk)
        and office_localtime(slot.starts_at, office.tz_name).date() == day
    )


def availability_of(slot: Slot, office: Office, service_type: ServiceType, day):
    return next(
        (
            a
            for a in slots_for(office=office, service_type=service_type, day=day)
            if a.slot.pk == slot.pk
        ),
        None,
    )


def days_html(
    office: Office, service_type: ServiceType, window: BookingWindow | None = None, *, booking=None
) -> str:
    """The date page's list of days, under a line saying when the next day opens; in a
    reschedule its links lead to the reschedule."""
    days = days_for(office=office, service_type=service_type, window=window)
    context = {
        "days": days,
        "next_to_open": next((d for d in days if d.state == State.NOT_OPEN), None),
        "office": office,
        "service_type": service_type,
        "reschedule": booking is not None,
    }
    return render_to_string("antrean/_days.html", context)


def slots_html(
    office: Office,
    service_type: ServiceType,
    day,
    window: BookingWindow | None = None,
    *,
    booking=None,
) -> str:
    """The time page's list of slots; in a reschedule it marks the booking's own slot."""
    slots = slots_for(office=office, service_type=service_type, day=day, window=window)
    mine = booking.slot_id if booking is not None else None
    context = {
        "slots": slots,
        "any_bookable": any(s.bookable and s.slot.pk != mine for s in slots),
        "office": office,
        "service_type": service_type,
        "day": day,
        "booking": booking,
        "reschedule": booking is not None,
    }
    return render_to_string("antrean/_slots.html", context)


def remember(request, booking: Booking) -> None:
    # A new session key whenever a booking is unlocked: a session id planted in the
    # browser beforehand cannot be used to read the booking afterwards.
    request.session.cycle_key()
    request.session[SESSION_KEY] = booking.pk


def session_booking(request) -> Booking | None:
    booking_id = request.session.get(SESSION_KEY)
    if booking_id is None:
        return None
    return (
        Booking.objects.select_related(
            "office__regency__province", "service_type", "slot", "citizen"
        )
        .filter(pk=booking_id)
        .first()
    )


def no_booking(request) -> HttpResponse:
    return render(
        request,
        "antrean/problem.html",
        {
            "title": _("Antrean tidak ditemukan"),
            "message": _(
                "Tidak ada antrean yang terbuka di peramban ini. Cari antrean Anda dengan kode "
                "antrean dan NIK."
            ),
            "back_url": reverse("antrean:manage"),
            "back_text": _("Cari antrean"),
        },
        status=404,
    )


def booking_page(request, booking: Booking, *, just_booked: bool) -> HttpResponse:
    is_active = booking.status == Booking.Status.ACTIVE
    visit_day = timezone.localdate(booking.slot.starts_at, timezone=booking.office.tz)
    return render(
        request,
        "antrean/booking.html",
        {
            "booking": booking,
            "office": booking.office,
            "checklist": checklist_for(booking.service_type, booking.office),
            "qr": qr_data_uri(booking.code),
            "just_booked": just_booked,
            "is_active": is_active,
            "disruptions": (
                disruptions.shown(office=booking.office, day=visit_day) if is_active else []
            ),
        },
    )
