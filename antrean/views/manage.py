"""Managing a booking later with its code and NIK: view, reschedule, cancel.

A booking is shown only to the browser session that made it or found it with code + NIK:
its id lives in the session, never in a URL."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from antrean import disruptions
from antrean.forms import ManageForm
from antrean.models import Booking, Slot
from antrean.services import (
    MESSAGES,
    BookingError,
    cancel_booking,
    find_booking,
    reschedule_booking,
)
from antrean.views.common import (
    SESSION_KEY,
    booking_page,
    day_in_window_or_404,
    days_html,
    no_booking,
    refused,
    remember,
    session_booking,
    slot_matches,
    slot_not_here,
    slots_html,
)
from ktpportal import metrics, ratelimits


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request):
    """Find a booking with its code and NIK. A wrong code and a wrong NIK get the very same
    answer, so the form cannot be used to learn whether a code exists. Only wrong pairs are
    counted, and a right one is answered whatever was tried with that NIK before."""
    if request.method == "GET":
        return render(
            request,
            "antrean/manage.html",
            {"form": ManageForm(), "has_booking": SESSION_KEY in request.session},
        )
    form = ManageForm(request.POST)
    typed_nik = request.POST.get("nik", "")
    if not form.is_valid():
        ratelimits.failed(request, ratelimits.MANAGE_FAILURES, nik=typed_nik)
        return render(request, "antrean/manage.html", {"form": form}, status=400)
    booking = find_booking(code=form.cleaned_data["code"], nik=form.cleaned_data["nik"])
    if booking is None:
        ratelimits.failed(request, ratelimits.MANAGE_FAILURES, nik=typed_nik)
        form.add_error(
            None,
            _(
                "Antrean dengan kode dan NIK ini tidak ditemukan. Periksa lagi keduanya: "
                "kode ada di email/SMS konfirmasi."
            ),
        )
        return render(request, "antrean/manage.html", {"form": form}, status=404)
    remember(request, booking)
    return redirect("antrean:booking-detail")


@never_cache
@require_GET
def booking_detail(request):
    booking = session_booking(request)
    if booking is None:
        return no_booking(request)
    return booking_page(request, booking, just_booked=False)


def _active_session_booking(request) -> Booking | HttpResponse:
    """The session's booking if it can still be changed, else the page to show instead."""
    booking = session_booking(request)
    if booking is None:
        return no_booking(request)
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
def cancel(request):
    # Not limited: a booking is cancelled once, by the session that holds its code and NIK.
    booking = _active_session_booking(request)
    if isinstance(booking, HttpResponse):
        return booking
    context = {"booking": booking, "office": booking.office}
    if request.method == "POST":
        try:
            cancel_booking(booking=booking)
        except BookingError as error:
            context["error"] = error.message
            return refused(request, error, "antrean/cancel.html", context)
        metrics.record_booking(request, "cancelled")
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
            "days_html": days_html(booking.office, booking.service_type, booking=booking),
            "disruptions": disruptions.shown(office=booking.office),
            "reschedule": True,
        },
    )


@never_cache
@require_GET
def reschedule_times(request, day):
    booking = _active_session_booking(request)
    if isinstance(booking, HttpResponse):
        return booking
    day_in_window_or_404(booking.office, day)
    return render(
        request,
        "antrean/times.html",
        {
            "booking": booking,
            "office": booking.office,
            "service_type": booking.service_type,
            "day": day,
            "slots_html": slots_html(booking.office, booking.service_type, day, booking=booking),
            "disruptions": disruptions.shown(office=booking.office, day=day),
            "reschedule": True,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def reschedule_confirm(request, day, slot_id):
    booking = _active_session_booking(request)
    if isinstance(booking, HttpResponse):
        return booking
    day_in_window_or_404(booking.office, day)
    office, service_type = booking.office, booking.service_type
    new_slot = Slot.objects.filter(pk=slot_id).first()
    back_url = reverse("antrean:reschedule-times", args=[day])
    if not slot_matches(new_slot, office, service_type, day):
        return slot_not_here(request, back_url)
    if new_slot.pk == booking.slot_id:
        # The time page does not offer it; an old or hand-made address does. The service
        # refuses it too, for a booking moved meanwhile in another tab.
        return render(
            request,
            "antrean/problem.html",
            {
                "title": _("Jadwal tidak diubah"),
                "message": MESSAGES["same_slot"],
                "back_url": back_url,
                "back_text": _("Pilih jam lagi"),
            },
            status=400,
        )
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
        # Per booking, not per address: only the session holding its code and NIK gets here.
        ratelimits.check(request, ratelimits.RESCHEDULES, booking_id=booking.pk)
        try:
            reschedule_booking(booking=booking, new_slot=new_slot)
        except BookingError as error:
            context["error"] = error.message
            return refused(request, error, "antrean/reschedule.html", context)
        ratelimits.record(request, ratelimits.RESCHEDULES, booking_id=booking.pk)
        metrics.record_booking(request, "rescheduled")
        messages.success(request, _("Jadwal kunjungan Anda sudah diubah."))
        return redirect("antrean:booking-detail")
    return render(request, "antrean/reschedule.html", context)
