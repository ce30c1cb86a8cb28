"""Booking a visit, one plain page per step, no account, no JavaScript: office -> service
-> date -> time -> details -> confirmation."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from antrean import availability, disruptions
from antrean.calendar import booking_ics, ics_filename
from antrean.forms import BookingForm
from antrean.models import BookingSettings, OfficeService, Slot
from antrean.services import (
    BookingError,
    book_slot,
)
from antrean.views.common import (
    active_office,
    availability_of,
    booking_page,
    day_in_window_or_404,
    days_html,
    no_booking,
    office_and_service,
    refused,
    remember,
    session_booking,
    slot_matches,
    slot_not_here,
    slots_html,
)
from antrean.window import BookingWindow
from ktpportal import metrics, ratelimits
from ktpportal.models import Office, ServiceType
from ktpportal.params import query_text

# A query parameter naming an office or a service is cut to the longest one there can be.
OFFICE_SLUG_LENGTH = Office._meta.get_field("slug").max_length
SERVICE_CODE_LENGTH = ServiceType._meta.get_field("code").max_length

# Up to this many offices are listed at once; more are reached through their province.
LIST_ALL_OFFICES_UP_TO = 30
# A seat taken a moment earlier, or too busy to lock, is the opening rush, not the citizen:
# not counted against a carrier's address that thousands of phones share.
NOT_THE_CITIZENS_FAILURE = {"full", "busy"}


@require_GET
def index(request):
    """Step 1: the office. `?kantor=` and `?layanan=` come from dokumen's "book" button."""
    service_code = query_text(request, "layanan", max_length=SERVICE_CODE_LENGTH)
    office_slug = query_text(request, "kantor", max_length=OFFICE_SLUG_LENGTH)
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
    query = query_text(request, "q", max_length=100)
    if query:
        offices = offices.filter(
            Q(name__icontains=query)
            | Q(regency__name__icontains=query)
            | Q(regency__province__name__icontains=query)
        )
    province = query_text(request, "provinsi", max_length=2)
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
    office = active_office(office_slug)
    offered = list(
        OfficeService.objects.filter(office=office, is_active=True, service_type__is_active=True)
        .select_related("service_type")
        .order_by("service_type__order", "service_type__name")
    )
    wanted = query_text(request, "layanan", max_length=SERVICE_CODE_LENGTH)
    if wanted:
        for item in offered:
            if item.service_type.code == wanted:
                return redirect("antrean:dates", office.slug, wanted)
    return render(
        request,
        "antrean/service.html",
        {
            "office": office,
            "offered": offered,
            "wanted_not_offered": bool(wanted),
            "disruptions": disruptions.shown(office=office),
        },
    )


@dataclass
class _Listing:
    """What the booking date and time pages show: the same for every visitor."""

    office: Office
    service_type: ServiceType
    window: BookingWindow  # the booking window it was made in
    html: str
    # The office's disruption notices from that date on; each page drops the ended ones.
    notices: list


def _listing(slug: str, code: str, parts: tuple, render_list) -> _Listing:
    """The office, the service and the rendered list, from the cache while nothing changed
    them (antrean/availability.py) and the booking window has not moved on (at midnight and
    at the office's opening time): a page served from there runs no query. A 404 (an office
    or service that is not open for booking) is never kept."""

    def compute() -> _Listing:
        office, service_type = office_and_service(slug, code)
        window = BookingSettings.for_office(office).window()
        return _Listing(
            office,
            service_type,
            window,
            render_list(office, service_type, window),
            disruptions.upcoming(office),
        )

    return availability.cached(
        slug,
        (code, *parts, get_language()),
        compute,
        still_valid=lambda listing: listing.window.is_current(timezone.now()),
    )


@require_GET
def choose_date(request, office_slug, service_code):
    """Step 3: the date, with free seats, and why a day cannot be chosen."""
    listing = _listing(office_slug, service_code, ("days",), days_html)
    return render(
        request,
        "antrean/dates.html",
        {
            "office": listing.office,
            "service_type": listing.service_type,
            "days_html": listing.html,
            "disruptions": disruptions.current(listing.notices),
        },
    )


@require_GET
def choose_time(request, office_slug, service_code, day):
    """Step 4: the time, with free seats, in the office's own zone."""

    def render_slots(office, service_type, window):
        # Checked where the office is known; a 404 is never cached, so a page served from
        # the cache was checked when it was made, in the same booking window.
        day_in_window_or_404(office, day, window=window)
        return slots_html(office, service_type, day, window)

    listing = _listing(office_slug, service_code, ("slots", day.isoformat()), render_slots)
    return render(
        request,
        "antrean/times.html",
        {
            "office": listing.office,
            "service_type": listing.service_type,
            "day": day,
            "slots_html": listing.html,
            "disruptions": disruptions.current(listing.notices, day=day),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def book(request, office_slug, service_code, day, slot_id):
    """Step 5: who is coming. POST books through `services.book_slot`, which decides."""
    office, service_type = office_and_service(office_slug, service_code)
    day_in_window_or_404(office, day)
    slot = Slot.objects.filter(pk=slot_id).first()
    back_url = reverse("antrean:times", args=[office.slug, service_type.code, day])
    if not slot_matches(slot, office, service_type, day):
        return slot_not_here(request, back_url)
    context = {
        "office": office,
        "service_type": service_type,
        "day": day,
        "slot": slot,
        "back_url": back_url,
    }
    if request.method == "GET":
        availability = availability_of(slot, office, service_type, day)
        if availability is None or not availability.bookable:
            context["unavailable_reason"] = (
                availability.reason if availability else _("Jam ini tidak bisa dipilih.")
            )
            return render(request, "antrean/book.html", context, status=409)
        context["form"] = BookingForm()
        return render(request, "antrean/book.html", context)

    form = BookingForm(request.POST)
    context["form"] = form
    typed_nik = request.POST.get("nik", "")
    if not form.is_valid():
        ratelimits.failed(request, ratelimits.BOOKING_FAILURES, nik=typed_nik)
        return render(request, "antrean/book.html", context, status=400)
    data = form.cleaned_data
    ratelimits.check(request, ratelimits.BOOKINGS)
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
        if error.code not in NOT_THE_CITIZENS_FAILURE:
            ratelimits.failed(request, ratelimits.BOOKING_FAILURES, nik=typed_nik)
        form.add_error(None, error.message)
        context["error_code"] = error.code
        return refused(request, error, "antrean/book.html", context)
    except ValidationError as error:
        # The form checks the same rules first; this is the model's last word on them.
        ratelimits.failed(request, ratelimits.BOOKING_FAILURES, nik=typed_nik)
        form.add_error(None, error.messages)
        return render(request, "antrean/book.html", context, status=400)
    ratelimits.record(request, ratelimits.BOOKINGS)
    metrics.record_booking(request, "booked")
    remember(request, booking)
    return redirect("antrean:confirmation")


@never_cache
@require_GET
def confirmation(request):
    """Step 6: the booking just made, for this browser only."""
    booking = session_booking(request)
    if booking is None:
        return no_booking(request)
    return booking_page(request, booking, just_booked=True)


@never_cache
@require_GET
def booking_ics_download(request):
    booking = session_booking(request)
    if booking is None:
        return no_booking(request)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(booking)}"'
    return response
