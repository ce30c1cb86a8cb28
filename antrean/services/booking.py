"""Booking a seat, and finding a booking again with its code and NIK."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from antrean.models import Booking, EventKind, Slot
from antrean.reminders import next_reminder_at, reminder_time_of
from antrean.services.seats import (
    BookingError,
    bound_lock_waits,
    check_slot,
    is_busy,
    notify_booking,
    refusal,
    take_seat,
    validate_full_name,
)
from antrean.visit import events
from antrean.visit.noshow import no_show_wait
from ktpportal.codes import normalize_code
from ktpportal.models import ServiceType
from ktpportal.nik import normalize_nik, parse_nik
from ktpportal.services import register_citizen


def book_slot(
    *,
    slot: Slot,
    service_type: ServiceType,
    nik: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    sms_consent: bool = False,
    language: str = "id",
    submission_token: uuid.UUID,
) -> Booking:
    """Take one seat on `slot` for this citizen, or raise BookingError (or ValidationError
    for a malformed NIK, name or contact). The same `submission_token` twice returns the
    booking the first one made."""
    existing = Booking.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return existing
    nik = parse_nik(nik).value
    full_name = validate_full_name(full_name)
    try:
        with transaction.atomic():
            bound_lock_waits()
            slot = Slot.objects.select_related("office").get(pk=slot.pk)
            check_slot(slot=slot, service_type=service_type)
            now = timezone.now()
            wait = no_show_wait(nik=nik, office=slot.office, now=now)
            if wait is not None:
                raise refusal(
                    "no_show_wait",
                    count=wait.count,
                    days=wait.days,
                    date=formats.date_format(wait.until, "j F Y"),
                )
            phone, email = (phone or "").strip(), (email or "").strip()
            if not phone and not email:
                raise ValidationError(
                    _("Isi nomor HP atau email, agar kami bisa menghubungi Anda."), code="contact"
                )
            citizen = register_citizen(
                nik=nik,
                full_name=full_name,
                phone=phone,
                email=email,
                language=language,
                verified=False,
            )
            if Booking.objects.filter(
                citizen=citizen, service_type=service_type, status=Booking.Status.ACTIVE
            ).exists():
                raise refusal("already_booked")
            take_seat(slot)
            booking = Booking(
                office=slot.office,
                service_type=service_type,
                slot=slot,
                citizen=citizen,
                full_name=full_name,
                phone=phone,
                email=email,
                sms_consent=sms_consent,
                language=language,
                submission_token=submission_token,
                visit_starts_at=slot.starts_at,
            )
            booking.next_reminder_at = next_reminder_at(
                booking, reminder_time_of(slot.office), now, made_at=now
            )
            booking.full_clean(validate_unique=False, validate_constraints=False)
            booking.save()
            events.record(EventKind.BOOKED, at=now, booking=booking)
            notify_booking(
                booking, "booking_confirmed", f"booking:{booking.pk}:confirmed", with_calendar=True
            )
    except (IntegrityError, BookingError) as exc:
        # Everything above was rolled back, seat included. If the same form was sent twice
        # at once, the twin that won made the booking: that is this request's answer too.
        existing = Booking.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing
        if isinstance(exc, BookingError):
            raise
        if Booking.objects.filter(
            citizen__nik=nik, service_type=service_type, status=Booking.Status.ACTIVE
        ).exists():
            raise refusal("already_booked") from None
        raise
    except OperationalError as exc:
        if is_busy(exc):
            raise refusal("busy") from None
        raise
    return booking


def find_booking(*, code: str, nik: str) -> Booking | None:
    """The booking with this code AND this NIK; None for a wrong code or a wrong NIK alike,
    so a code cannot be used to learn whose it is."""
    code = normalize_code(code)
    nik = normalize_nik(nik)
    if code is None or len(nik) != 16:
        return None
    return (
        Booking.objects.select_related("office", "service_type", "slot", "citizen")
        .filter(code=code, citizen__nik=nik)
        .first()
    )
