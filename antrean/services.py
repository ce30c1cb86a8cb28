"""Booking, rescheduling, cancelling and checking in: every write to a booking goes here.

What must never break is left to the database: a seat is taken by a conditional UPDATE
(`booked < capacity`, with a check constraint behind it), one active booking per NIK and
service by a partial unique constraint, and one booking per form by a unique token. The
Python checks before them exist to give the citizen a message they can act on.
"""

import datetime
import re
import unicodedata
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from antrean import availability
from antrean.calendar import booking_ics
from antrean.calendar_rules import plan_days
from antrean.closure_notices import move_deadline
from antrean.models import Booking, BookingSettings, OfficeService, Slot
from antrean.reminders import next_reminder_at, reminder_time_of
from dokumen.checklist import checklist_for
from ktpportal.codes import normalize_code
from ktpportal.models import ServiceType
from ktpportal.nik import normalize_nik, parse_nik
from ktpportal.notifications.services import notify_citizen
from ktpportal.services import register_citizen

# PostgreSQL's "lock_not_available" and "deadlock_detected": a crowd, not a bug.
_BUSY_SQLSTATES = {"55P03", "40P01"}
LOCK_TIMEOUT = "3s"


class BookingError(Exception):
    """A booking rule was not met; `message` (Indonesian msgid) is shown to the citizen."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


MESSAGES = {
    "full": _("Jadwal ini sudah penuh. Silakan pilih jadwal lain."),
    "closed": _(
        "Jadwal ini tidak tersedia karena kantor tidak melayani. Silakan pilih jadwal lain."
    ),
    "past": _("Jadwal ini sudah lewat. Silakan pilih jadwal lain."),
    "cutoff": _(
        "Pemesanan untuk jadwal ini sudah ditutup (batas %(minutes)s menit sebelum jadwal). "
        "Silakan pilih jadwal lain."
    ),
    "not_open": _("Pemesanan untuk tanggal ini belum dibuka: dibuka %(when)s."),
    "wrong_office": _("Jadwal yang dipilih bukan milik kantor ini. Silakan pilih ulang jadwal."),
    "wrong_service": _("Jadwal yang dipilih tidak melayani layanan ini. Silakan pilih ulang."),
    "already_booked": _(
        "Sudah ada booking aktif untuk NIK ini pada layanan yang sama. Untuk mengganti "
        "jadwal, buka menu Kelola booking dan masukkan kode booking serta NIK Anda."
    ),
    "busy": _("Sedang ramai, silakan coba lagi dalam beberapa detik."),
    "not_found": _("Booking tidak ditemukan atau sudah tidak aktif."),
    "same_slot": _("Ini jadwal Anda sekarang. Pilih jam lain untuk mengganti jadwal."),
}


def _error(code: str, **params) -> BookingError:
    message = MESSAGES[code]
    return BookingError(message % params if params else message, code=code)


# Letters of any script (Latin with accents, Arabic...), spaces, apostrophe, dot, comma, dash.
_NAME_ALLOWED_PUNCTUATION = set(" '.,-\u2019")
_SPACES = re.compile(r"\s+")


def validate_full_name(value: str) -> str:
    """The name as it will be stored (trimmed, inner spaces collapsed), or ValidationError.

    Markup is not rejected for its own sake (it is escaped on output), but `<`, `>` and
    the like are not letters, so they fail the same way a digit or an emoji does.
    """
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()
    if not name:
        raise ValidationError(_("Nama lengkap wajib diisi."), code="required")
    if len(name) < 2:
        raise ValidationError(_("Nama lengkap minimal 2 huruf."), code="min_length")
    if len(name) > 100:
        raise ValidationError(
            _("Nama lengkap paling banyak 100 karakter; yang diisi %(count)d."),
            code="max_length",
            params={"count": len(name)},
        )
    for char in name:
        if char in _NAME_ALLOWED_PUNCTUATION:
            continue
        # Letters and the combining marks some scripts write letters with.
        if unicodedata.category(char)[0] not in ("L", "M"):
            raise ValidationError(
                _(
                    "Nama lengkap hanya boleh berisi huruf, spasi, titik, koma, tanda petik "
                    "dan tanda hubung, seperti tertulis di KK."
                ),
                code="characters",
            )
    if not any(unicodedata.category(char)[0] == "L" for char in name):
        raise ValidationError(_("Nama lengkap harus berisi huruf."), code="letters")
    return name


def _bound_lock_waits() -> None:
    # A crowd on one slot queues on its row; past a few seconds the citizen is told to try
    # again rather than left waiting for a gunicorn timeout.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def _is_busy(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) in _BUSY_SQLSTATES


def check_slot(
    *, slot: Slot, service_type: ServiceType, now: datetime.datetime | None = None
) -> None:
    """Raise BookingError unless a citizen may take a seat on this slot for this service
    now; `full` is left to the seat UPDATE, which is the only check that cannot race."""
    now = now or timezone.now()
    office = slot.office
    if slot.service_type_id is not None and slot.service_type_id != service_type.pk:
        raise _error("wrong_service")
    if (
        slot.service_type_id is None
        and not OfficeService.objects.offered(office).filter(service_type=service_type).exists()
    ):
        raise _error("wrong_service")
    if slot.starts_at <= now:
        raise _error("past")
    settings = BookingSettings.for_office(office)
    if slot.starts_at < now + datetime.timedelta(minutes=settings.cutoff_minutes):
        raise _error("cutoff", minutes=settings.cutoff_minutes)
    day = timezone.localdate(slot.starts_at, timezone=office.tz)
    window = settings.window(now)
    if day > window.last_day:
        raise _error("not_open", when=availability.opening_phrase(window, day, office))
    if not slot.is_active:
        raise _error("closed")
    plan = plan_days(office=office, start=day, days=1)[0]
    local_start = timezone.localtime(slot.starts_at, office.tz).time()
    if not any(start <= local_start < end for start, end in plan.intervals):
        raise BookingError(plan.reason or MESSAGES["closed"], code="closed")


def _take_seat(slot: Slot) -> None:
    taken = Slot.objects.filter(pk=slot.pk, is_active=True, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise _error("full")
    availability.forget(slot.office)


def _free_seat(slot_id: int, office) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)
    availability.forget(office)


def _notify(booking: Booking, kind: str, event_key: str, *, with_calendar: bool) -> None:
    with translation.override(booking.language or "id"):
        checklist = checklist_for(booking.service_type, booking.office)
        attachments = None
        if with_calendar:
            attachments = [
                {
                    "filename": "kunjungan-dukcapil.ics",
                    "content": booking_ics(booking),
                    "mimetype": "text/calendar",
                }
            ]
        notify_citizen(
            citizen=booking.citizen,
            contact=booking,
            kind=kind,
            event_key=event_key,
            about=booking,
            office=booking.office,
            context={"booking": booking, "checklist": checklist},
            short_messages=booking.sms_consent,
            attachments=attachments,
        )


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
            _bound_lock_waits()
            slot = Slot.objects.select_related("office").get(pk=slot.pk)
            check_slot(slot=slot, service_type=service_type)
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
                raise _error("already_booked")
            _take_seat(slot)
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
            )
            now = timezone.now()
            booking.next_reminder_at = next_reminder_at(
                booking, reminder_time_of(slot.office), now, made_at=now
            )
            booking.full_clean(validate_unique=False, validate_constraints=False)
            booking.save()
            _notify(
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
            raise _error("already_booked") from None
        raise
    except OperationalError as exc:
        if _is_busy(exc):
            raise _error("busy") from None
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


def _locked_active(booking: Booking) -> Booking:
    """The booking row, locked until the transaction ends, or not_found if it is no longer
    active (cancelled in another tab, checked in at the counter)."""
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("office", "service_type", "slot", "citizen")
        .filter(pk=booking.pk, status=Booking.Status.ACTIVE)
        .first()
    )
    if locked is None:
        raise _error("not_found")
    return locked


def reschedule_booking(*, booking: Booking, new_slot: Slot) -> Booking:
    """Move the booking to `new_slot`: the new seat is taken and the old one freed in one
    transaction, so if the new slot is full the booking stays where it was."""
    try:
        with transaction.atomic():
            _bound_lock_waits()
            booking = _locked_active(booking)
            now = timezone.now()
            settings = BookingSettings.for_office(booking.office)
            if not booking.slot.is_active:
                # The office called this visit off: it may be moved after its time too, for
                # a while (the citizen could not come, and may read the notice late).
                if now >= move_deadline(booking):
                    raise _error("past")
            elif booking.slot.starts_at <= now:
                raise _error("past")
            elif booking.slot.starts_at < now + datetime.timedelta(minutes=settings.cutoff_minutes):
                raise _error("cutoff", minutes=settings.cutoff_minutes)
            new_slot = Slot.objects.select_related("office").get(pk=new_slot.pk)
            if new_slot.office_id != booking.office_id:
                raise _error("wrong_office")
            if new_slot.pk == booking.slot_id:
                # Not a change: no seat moves, no count goes up, no message is sent.
                raise _error("same_slot")
            check_slot(slot=new_slot, service_type=booking.service_type, now=now)
            old_slot_id = booking.slot_id
            # Slot rows are locked in id order, so two people swapping slots cannot deadlock.
            if old_slot_id < new_slot.pk:
                _free_seat(old_slot_id, booking.office)
                _take_seat(new_slot)
            else:
                _take_seat(new_slot)
                _free_seat(old_slot_id, booking.office)
            booking.slot = new_slot
            booking.reschedule_count = F("reschedule_count") + 1
            booking.needs_attention = False
            booking.attention_reason = ""
            # The new visit's reminders have new keys: one already due goes out at once.
            booking.next_reminder_at = next_reminder_at(booking, settings.reminder_time, now)
            booking.save(
                update_fields=[
                    "slot",
                    "reschedule_count",
                    "needs_attention",
                    "attention_reason",
                    "next_reminder_at",
                    "updated_at",
                ]
            )
            booking.refresh_from_db(fields=["reschedule_count"])
            _notify(
                booking,
                "booking_rescheduled",
                f"booking:{booking.pk}:rescheduled:{booking.reschedule_count}",
                with_calendar=True,
            )
    except OperationalError as exc:
        if _is_busy(exc):
            raise _error("busy") from None
        raise
    return booking


def cancel_booking(*, booking: Booking) -> Booking:
    """Cancel the booking; its seat is free for someone else at once."""
    try:
        with transaction.atomic():
            _bound_lock_waits()
            booking = _locked_active(booking)
            now = timezone.now()
            # A visit the office called off can be cancelled until its move deadline.
            if now >= (
                booking.slot.starts_at if booking.slot.is_active else move_deadline(booking)
            ):
                raise _error("past")
            booking.status = Booking.Status.CANCELLED
            booking.cancelled_at = timezone.now()
            booking.next_reminder_at = None
            booking.save(update_fields=["status", "cancelled_at", "next_reminder_at", "updated_at"])
            _free_seat(booking.slot_id, booking.office)
            _notify(
                booking,
                "booking_cancelled",
                f"booking:{booking.pk}:cancelled",
                with_calendar=False,
            )
    except OperationalError as exc:
        if _is_busy(exc):
            raise _error("busy") from None
        raise
    return booking


def _set_visit_outcome(*, booking: Booking, status: str) -> Booking:
    with transaction.atomic():
        booking = _locked_active(booking)
        booking.status = status
        booking.next_reminder_at = None
        booking.save(update_fields=["status", "next_reminder_at", "updated_at"])
    return booking


def check_in_booking(*, booking: Booking) -> Booking:
    """Counter staff: the citizen came. The seat stays taken (it was used)."""
    return _set_visit_outcome(booking=booking, status=Booking.Status.CHECKED_IN)


def mark_no_show(*, booking: Booking) -> Booking:
    """Counter staff: the citizen did not come. The seat stays counted: the time is gone."""
    return _set_visit_outcome(booking=booking, status=Booking.Status.NO_SHOW)


def flag_bookings(*, slot_ids, reason: str) -> int:
    """Mark active bookings on slots that no longer exist as needing staff attention."""
    return Booking.objects.filter(
        slot_id__in=slot_ids, status=Booking.Status.ACTIVE, needs_attention=False
    ).update(needs_attention=True, attention_reason=reason[:200], updated_at=timezone.now())
