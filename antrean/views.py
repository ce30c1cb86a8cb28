"""The citizen's way to a visit slot, one plain page per step, no account, no JavaScript:
office -> service -> date -> time -> details -> confirmation; and managing a booking later
with its code and NIK (view, reschedule, cancel).

A booking is shown only to the browser session that made it or found it with code + NIK:
its id lives in the session, never in a URL.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from antrean import availability
from antrean.availability import days_for, slots_for
from antrean.calendar import booking_ics, ics_filename
from antrean.forms import BookingForm, ManageForm
from antrean.models import Booking, OfficeService, Slot
from antrean.qr import qr_data_uri
from antrean.services import (
    BookingError,
    book_slot,
    cancel_booking,
    find_booking,
    reschedule_booking,
)
from dokumen.checklist import checklist_for
from ktpportal.models import Office, ServiceType
from ktpportal.nik import normalize_nik
from ktpportal.timeutil import office_localtime

SESSION_KEY = "antrean_booking_id"
RATE_PER_IP = "30/h"
RATE_PER_NIK = "10/h"
# Seconds a citizen is asked to wait when the seat could not be locked in time.
BUSY_RETRY_AFTER = 10
_ERROR_STATUS = {"full": 409, "already_booked": 409, "busy": 429, "not_found": 404}


def _nik_key(group, request) -> str:
    # Keyed by a keyed hash of the NIK: the cache (Redis) never holds a NIK.
    return salted_hmac(
        "antrean.ratelimit.nik", normalize_nik(request.POST.get("nik", "")), algorithm="sha256"
    ).hexdigest()


def _nik_rate(group, request) -> str | None:
    # Without something that looks like a NIK there is no person to count (the form says
    # what is missing); the per-IP limit still applies.
    nik = normalize_nik(request.POST.get("nik", ""))
    return RATE_PER_NIK if len(nik) == 16 and nik.isdigit() else None


def _rate_limited(view):
    view = ratelimit(key=_nik_key, rate=_nik_rate, method="POST", block=True)(view)
    return ratelimit(key="ip", rate=RATE_PER_IP, method="POST", block=True)(view)


def _active_office(slug: str) -> Office:
    return get_object_or_404(Office.objects.active().with_region(), slug=slug)


def _office_and_service(slug: str, code: str) -> tuple[Office, ServiceType]:
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


def _refused(request, error: BookingError, template: str, context: dict) -> HttpResponse:
    """The page again with the service's reason: 409 for a seat taken, 429 and Retry-After
    when the slot was too busy to lock in time, 400 for the rest."""
    response = render(request, template, context, status=_ERROR_STATUS.get(error.code, 400))
    if error.code == "busy":
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


def _slot_not_here(request, back_url: str) -> HttpResponse:
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


def _slot_matches(slot: Slot | None, office: Office, service_type: ServiceType, day) -> bool:
    """The slot in the URL belongs to the office, the service (or the shared pool) and the day
    in the same URL: a hand-edited slot id of another office or service is refused."""
    return (
        slot is not None
        and slot.office_id == office.pk
        and slot.service_type_id in (None, service_type.pk)
        and office_localtime(slot.starts_at, office.tz_name).date() == day
    )


def _availability_of(slot: Slot, office: Office, service_type: ServiceType, day):
    return next(
        (
            a
            for a in slots_for(office=office, service_type=service_type, day=day)
            if a.slot.pk == slot.pk
        ),
        None,
    )


# --- Booking ----------------------------------------------------------------------------


# Up to this many offices are listed at once; more are reached through their province.
LIST_ALL_OFFICES_UP_TO = 30


@require_GET
def index(request):
    """Step 1: the office. `?kantor=` and `?layanan=` come from dokumen's "book" button."""
    service_code = request.GET.get("layanan", "")
    office_slug = request.GET.get("kantor", "")
    if office_slug and Office.objects.active().filter(slug=office_slug).exists():
        url = reverse("antrean:service", args=[office_slug])
        if service_code:
            url += "?" + urlencode({"layanan": service_code})
        return redirect(url)
    service_type = (
        ServiceType.objects.active().filter(code=service_code).first() if service_code else None
    )
    offered = OfficeService.objects.filter(
        office=OuterRef("pk"), is_active=True, service_type__is_active=True
    )
    if service_type:
        offered = offered.filter(service_type=service_type)
    offices = (
        Office.objects.active()
        .with_region()
        .filter(Exists(offered))
        .order_by("regency__province__code", "name")
    )
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        offices = offices.filter(
            Q(name__icontains=query)
            | Q(regency__name__icontains=query)
            | Q(regency__province__name__icontains=query)
        )
    province = request.GET.get("provinsi", "")[:2]
    if province:
        offices = offices.filter(regency__province__code=province)
    provinces = []
    if not query and not province and offices.count() > LIST_ALL_OFFICES_UP_TO:
        # A province-wide portal has hundreds of offices: a phone gets the provinces first
        # (and the search box), not a page of every office.
        provinces = list(
            offices.values("regency__province__code", "regency__province__name")
            .annotate(count=Count("pk"))
            .order_by("regency__province__code")
        )
        offices = offices.none()
    return render(
        request,
        "antrean/index.html",
        {
            "offices": list(offices),
            "provinces": provinces,
            "province": province,
            "query": query,
            "service_type": service_type,
        },
    )


@require_GET
def choose_service(request, office_slug):
    """Step 2: the service, among those this office offers."""
    office = _active_office(office_slug)
    offered = list(
        OfficeService.objects.filter(office=office, is_active=True, service_type__is_active=True)
        .select_related("service_type")
        .order_by("service_type__order", "service_type__name")
    )
    wanted = request.GET.get("layanan", "")
    if wanted:
        for item in offered:
            if item.service_type.code == wanted:
                return redirect("antrean:dates", office.slug, wanted)
    return render(
        request,
        "antrean/service.html",
        {"office": office, "offered": offered, "wanted_not_offered": bool(wanted)},
    )


def _days_html(office: Office, service_type: ServiceType, today, *, booking=None) -> str:
    """The date page's list of days; in a reschedule its links lead to the reschedule."""
    context = {
        "days": days_for(office=office, service_type=service_type, today=today),
        "office": office,
        "service_type": service_type,
        "reschedule": booking is not None,
    }
    return render_to_string("antrean/_days.html", context)


def _slots_html(office: Office, service_type: ServiceType, day, *, booking=None) -> str:
    """The time page's list of slots; in a reschedule it marks the booking's own slot."""
    slots = slots_for(office=office, service_type=service_type, day=day)
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


@dataclass
class _Listing:
    """What the booking date and time pages show: the same for every visitor."""

    office: Office
    service_type: ServiceType
    today: datetime.date  # the office's date it was made on
    html: str


def _office_today(office: Office) -> datetime.date:
    return timezone.localdate(timezone.now(), timezone=office.tz)


def _listing(slug: str, code: str, parts: tuple, render_list) -> _Listing:
    """The office, the service and the rendered list, from the cache while nothing changed
    them (antrean/availability.py): a page served from there runs no query. A 404 (an office
    or service that is not open for booking) is never kept."""

    def compute() -> _Listing:
        office, service_type = _office_and_service(slug, code)
        today = _office_today(office)
        return _Listing(office, service_type, today, render_list(office, service_type, today))

    return availability.cached(
        slug,
        (code, *parts, get_language()),
        compute,
        still_valid=lambda listing: listing.today == _office_today(listing.office),
    )


@require_GET
def choose_date(request, office_slug, service_code):
    """Step 3: the date, with free seats, and why a day cannot be chosen."""
    listing = _listing(office_slug, service_code, ("days",), _days_html)
    return render(
        request,
        "antrean/dates.html",
        {
            "office": listing.office,
            "service_type": listing.service_type,
            "days_html": listing.html,
        },
    )


@require_GET
def choose_time(request, office_slug, service_code, day):
    """Step 4: the time, with free seats, in the office's own zone."""
    listing = _listing(
        office_slug,
        service_code,
        ("slots", day.isoformat()),
        lambda office, service_type, _today: _slots_html(office, service_type, day),
    )
    return render(
        request,
        "antrean/times.html",
        {
            "office": listing.office,
            "service_type": listing.service_type,
            "day": day,
            "slots_html": listing.html,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@_rate_limited
def book(request, office_slug, service_code, day, slot_id):
    """Step 5: who is coming. POST books through `services.book_slot`, which decides."""
    office, service_type = _office_and_service(office_slug, service_code)
    slot = Slot.objects.filter(pk=slot_id).first()
    back_url = reverse("antrean:times", args=[office.slug, service_type.code, day])
    if not _slot_matches(slot, office, service_type, day):
        return _slot_not_here(request, back_url)
    context = {
        "office": office,
        "service_type": service_type,
        "day": day,
        "slot": slot,
        "back_url": back_url,
    }
    if request.method == "GET":
        availability = _availability_of(slot, office, service_type, day)
        if availability is None or not availability.bookable:
            context["unavailable_reason"] = (
                availability.reason if availability else _("Jam ini tidak bisa dipilih.")
            )
            return render(request, "antrean/book.html", context, status=409)
        context["form"] = BookingForm()
        return render(request, "antrean/book.html", context)

    form = BookingForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "antrean/book.html", context, status=400)
    data = form.cleaned_data
    try:
        booking = book_slot(
            slot=slot,
            service_type=service_type,
            nik=data["nik"],
            full_name=data["full_name"],
            phone=data["phone"],
            email=data["email"],
            sms_consent=data["sms_consent"],
            language=request.LANGUAGE_CODE,
            submission_token=data["submission_token"],
        )
    except BookingError as error:
        form.add_error(None, error.message)
        context["error_code"] = error.code
        return _refused(request, error, "antrean/book.html", context)
    except ValidationError as error:
        # The form checks the same rules first; this is the model's last word on them.
        form.add_error(None, error.messages)
        return render(request, "antrean/book.html", context, status=400)
    _remember(request, booking)
    return redirect("antrean:confirmation")


def _remember(request, booking: Booking) -> None:
    # A new session key whenever a booking is unlocked: a session id planted in the
    # browser beforehand cannot be used to read the booking afterwards.
    request.session.cycle_key()
    request.session[SESSION_KEY] = booking.pk


def _session_booking(request) -> Booking | None:
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


def _no_booking(request) -> HttpResponse:
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


def _booking_page(request, booking: Booking, *, just_booked: bool) -> HttpResponse:
    return render(
        request,
        "antrean/booking.html",
        {
            "booking": booking,
            "office": booking.office,
            "checklist": checklist_for(booking.service_type, booking.office),
            "qr": qr_data_uri(booking.code),
            "just_booked": just_booked,
            "is_active": booking.status == Booking.Status.ACTIVE,
        },
    )


@never_cache
@require_GET
def confirmation(request):
    """Step 6: the booking just made, for this browser only."""
    booking = _session_booking(request)
    if booking is None:
        return _no_booking(request)
    return _booking_page(request, booking, just_booked=True)


@never_cache
@require_GET
def booking_ics_download(request):
    booking = _session_booking(request)
    if booking is None:
        return _no_booking(request)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(booking)}"'
    return response


# --- Managing a booking -----------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@_rate_limited
def manage(request):
    """Find a booking with its code and NIK. A wrong code and a wrong NIK get the very same
    answer, so the form cannot be used to learn whether a code exists."""
    if request.method == "GET":
        return render(
            request,
            "antrean/manage.html",
            {"form": ManageForm(), "has_booking": SESSION_KEY in request.session},
        )
    form = ManageForm(request.POST)
    if not form.is_valid():
        return render(request, "antrean/manage.html", {"form": form}, status=400)
    booking = find_booking(code=form.cleaned_data["code"], nik=form.cleaned_data["nik"])
    if booking is None:
        form.add_error(
            None,
            _(
                "Antrean dengan kode dan NIK ini tidak ditemukan. Periksa lagi keduanya: "
                "kode ada di email/SMS konfirmasi."
            ),
        )
        return render(request, "antrean/manage.html", {"form": form}, status=404)
    _remember(request, booking)
    return redirect("antrean:booking-detail")


@never_cache
@require_GET
def booking_detail(request):
    booking = _session_booking(request)
    if booking is None:
        return _no_booking(request)
    return _booking_page(request, booking, just_booked=False)


def _active_session_booking(request) -> Booking | HttpResponse:
    """The session's booking if it can still be changed, else the page to show instead."""
    booking = _session_booking(request)
    if booking is None:
        return _no_booking(request)
    if booking.status != Booking.Status.ACTIVE:
        messages.error(
            request,
            _("Antrean ini sudah %(status)s, jadi tidak bisa diubah lagi.")
            % {"status": booking.get_status_display().lower()},
        )
        return redirect("antrean:booking-detail")
    return booking


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=RATE_PER_IP, method="POST", block=True)
def cancel(request):
    booking = _active_session_booking(request)
    if isinstance(booking, HttpResponse):
        return booking
    context = {"booking": booking, "office": booking.office}
    if request.method == "POST":
        try:
            cancel_booking(booking=booking)
        except BookingError as error:
            context["error"] = error.message
            return _refused(request, error, "antrean/cancel.html", context)
        messages.success(
            request, _("Antrean Anda sudah dibatalkan. Kursinya kini bisa dipakai orang lain.")
        )
        return redirect("antrean:booking-detail")
    return render(request, "antrean/cancel.html", context)


@never_cache
@require_GET
def reschedule_dates(request):
    booking = _active_session_booking(request)
    if isinstance(booking, HttpResponse):
        return booking
    return render(
        request,
        "antrean/dates.html",
        {
            "booking": booking,
            "office": booking.office,
            "service_type": booking.service_type,
            "days_html": _days_html(
                booking.office,
                booking.service_type,
                _office_today(booking.office),
                booking=booking,
            ),
            "reschedule": True,
        },
    )


@never_cache
@require_GET
def reschedule_times(request, day):
    booking = _active_session_booking(request)
    if isinstance(booking, HttpResponse):
        return booking
    return render(
        request,
        "antrean/times.html",
        {
            "booking": booking,
            "office": booking.office,
            "service_type": booking.service_type,
            "day": day,
            "slots_html": _slots_html(booking.office, booking.service_type, day, booking=booking),
            "reschedule": True,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=RATE_PER_IP, method="POST", block=True)
def reschedule_confirm(request, day, slot_id):
    booking = _active_session_booking(request)
    if isinstance(booking, HttpResponse):
        return booking
    office, service_type = booking.office, booking.service_type
    new_slot = Slot.objects.filter(pk=slot_id).first()
    back_url = reverse("antrean:reschedule-times", args=[day])
    if not _slot_matches(new_slot, office, service_type, day):
        return _slot_not_here(request, back_url)
    context = {
        "booking": booking,
        "office": office,
        "service_type": service_type,
        "day": day,
        "slot": new_slot,
        "back_url": back_url,
        "reschedule": True,
    }
    if request.method == "POST":
        try:
            reschedule_booking(booking=booking, new_slot=new_slot)
        except BookingError as error:
            context["error"] = error.message
            return _refused(request, error, "antrean/reschedule.html", context)
        messages.success(request, _("Jadwal kunjungan Anda sudah diubah."))
        return redirect("antrean:booking-detail")
    return render(request, "antrean/reschedule.html", context)
