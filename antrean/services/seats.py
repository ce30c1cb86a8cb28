"""What booking, rescheduling and cancelling share: the error a citizen reads, the slot checks,
taking and freeing a seat, bounded lock waits, and the message about the booking."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from antrean import availability
from antrean.calendar import booking_ics
from antrean.calendar_rules import plan_days
from antrean.models import Booking, BookingSettings, OfficeService, Slot
from dokumen.checklist import checklist_for
from ktpportal.models import ServiceType
from ktpportal.notifications.services import notify_citizen

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
    "no_show_wait": _(
        "Anda tidak hadir %(count)s kali dalam %(days)s hari terakhir, jadi baru bisa "
        "mengambil antrean lagi di kantor ini mulai %(date)s."
    ),
}


def refusal(code: str, **params) -> BookingError:
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


def bound_lock_waits() -> None:
    # A crowd on one slot queues on its row; past a few seconds the citizen is told to try
    # again rather than left waiting for a gunicorn timeout.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def is_busy(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) in _BUSY_SQLSTATES


def check_slot(
    *, slot: Slot, service_type: ServiceType, now: datetime.datetime | None = None
) -> None:
    """Raise BookingError unless a citizen may take a seat on this slot for this service
    now; `full` is left to the seat UPDATE, which is the only check that cannot race."""
    now = now or timezone.now()
    office = slot.office
    if slot.service_type_id is not None and slot.service_type_id != service_type.pk:
        raise refusal("wrong_service")
    if (
        slot.service_type_id is None
        and not OfficeService.objects.offered(office).filter(service_type=service_type).exists()
    ):
        raise refusal("wrong_service")
    if slot.starts_at <= now:
        raise refusal("past")
    settings = BookingSettings.for_office(office)
    if slot.starts_at < now + datetime.timedelta(minutes=settings.cutoff_minutes):
        raise refusal("cutoff", minutes=settings.cutoff_minutes)
    day = timezone.localdate(slot.starts_at, timezone=office.tz)
    window = settings.window(now)
    if day > window.last_day:
        raise refusal("not_open", when=availability.opening_phrase(window, day, office))
    if not slot.is_active:
        raise refusal("closed")
    plan = plan_days(office=office, start=day, days=1)[0]
    local_start = timezone.localtime(slot.starts_at, office.tz).time()
    if not any(start <= local_start < end for start, end in plan.intervals):
        raise BookingError(plan.reason or MESSAGES["closed"], code="closed")


def take_seat(slot: Slot) -> None:
    taken = Slot.objects.filter(pk=slot.pk, is_active=True, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise refusal("full")
    availability.forget(slot.office)


def free_seat(slot_id: int, office) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)
    availability.forget(office)


def notify_booking(booking: Booking, kind: str, event_key: str, *, with_calendar: bool) -> None:
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


def locked_active(booking: Booking) -> Booking:
    """The booking row, locked until the transaction ends, or not_found if it is no longer
    active (cancelled in another tab, checked in at the counter)."""
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("office", "service_type", "slot", "citizen")
        .filter(pk=booking.pk, status=Booking.Status.ACTIVE)
        .first()
    )
    if locked is None:
        raise refusal("not_found")
    return locked
