"""Booking visit slots: each office's settings and calendar, the slots, and the bookings.

A slot is a row made ahead of time (antrean.slots) so that its capacity is something the
database can guard: `booked` only moves through a conditional UPDATE in antrean.services,
and a check constraint stops it from ever passing `capacity`.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antrean.window import BookingWindow
from ktpportal.codes import new_code
from ktpportal.models import Citizen, Office, ServiceType


def validate_whole_minute(value: datetime.time) -> None:
    if value.second or value.microsecond:
        raise ValidationError(_("Isi jam dan menit saja, misalnya 07.00."), code="whole_minute")


class BookingSettings(models.Model):
    office = models.OneToOneField(
        Office, models.CASCADE, related_name="booking_settings", verbose_name=_("kantor")
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("pemesanan dibuka (hari ke depan)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    booking_opens_at = models.TimeField(
        _("jam tanggal baru dibuka (waktu kantor)"),
        default=datetime.time(0),
        validators=[validate_whole_minute],
        help_text=_(
            "Setiap hari pada jam ini satu tanggal baru dibuka untuk pemesanan (tanggal "
            "terakhir jendela pemesanan); sebelum jam ini pemesanan hanya sampai sehari "
            "sebelumnya. 00.00 = tengah malam. Jam yang berbeda antarkantor menyebar keramaian."
        ),
    )
    cutoff_minutes = models.PositiveIntegerField(
        _("batas pemesanan sebelum jadwal (menit)"),
        default=60,
        validators=[MaxValueValidator(7 * 24 * 60)],
        help_text=_("Pemesanan dan perubahan jadwal ditutup sekian menit sebelum jadwal mulai."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("lama satu jadwal (menit)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    seats_per_slot = models.PositiveSmallIntegerField(
        _("kursi per jadwal"), default=4, validators=[MinValueValidator(1)]
    )
    shared_seats = models.BooleanField(
        _("kursi bersama untuk semua layanan"),
        default=True,
        help_text=_(
            "Jika tidak dicentang, tiap layanan punya kursinya sendiri "
            "(diatur pada layanan kantor)."
        ),
    )
    reminder_time = models.TimeField(
        _("jam pengingat (waktu kantor)"),
        default=datetime.time(8, 0),
        help_text=_("Pengingat dikirim sehari sebelum kunjungan pada jam ini."),
    )

    class Meta:
        verbose_name = _("pengaturan antrean")
        verbose_name_plural = _("pengaturan antrean")

    def __str__(self):
        return str(_("Pengaturan antrean %(office)s") % {"office": self.office})

    @classmethod
    def for_office(cls, office: Office) -> "BookingSettings":
        """The office's settings, or unsaved defaults when staff have not set any yet."""
        try:
            settings = cls.objects.get(office=office)
        except cls.DoesNotExist:
            return cls(office=office)
        settings.office = office  # window() reads its zone: no second query for it
        return settings

    def window(self, now: datetime.datetime | None = None) -> BookingWindow:
        """The days a citizen may book at `now` (antrean.window)."""
        return BookingWindow.at(
            now or timezone.now(),
            days_ahead=self.days_ahead,
            opening_time=self.booking_opens_at,
            tz=self.office.tz,
        )


class OfficeServiceQuerySet(models.QuerySet):
    def offered(self, office: Office):
        """The active services this office takes bookings for."""
        return self.filter(office=office, is_active=True, service_type__is_active=True)


class OfficeService(models.Model):
    """A service an office takes bookings for, with its own seats when seats are not shared."""

    office = models.ForeignKey(
        Office, models.CASCADE, related_name="office_services", verbose_name=_("kantor")
    )
    service_type = models.ForeignKey(
        ServiceType, models.PROTECT, related_name="office_services", verbose_name=_("layanan")
    )
    seats_per_slot = models.PositiveSmallIntegerField(
        _("kursi per jadwal"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Dipakai bila kursi tidak bersama; kosong = jumlah kursi di pengaturan."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    objects = OfficeServiceQuerySet.as_manager()

    class Meta:
        ordering = ["service_type__order", "service_type__name"]
        verbose_name = _("layanan kantor")
        verbose_name_plural = _("layanan kantor")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service_type"], name="antrean_one_row_per_office_service"
            )
        ]

    def __str__(self):
        return f"{self.service_type} @ {self.office}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Senin")
    TUESDAY = 1, _("Selasa")
    WEDNESDAY = 2, _("Rabu")
    THURSDAY = 3, _("Kamis")
    FRIDAY = 4, _("Jumat")
    SATURDAY = 5, _("Sabtu")
    SUNDAY = 6, _("Minggu")


class OpeningHours(models.Model):
    """One weekday's service hours; a weekday without a row is closed."""

    office = models.ForeignKey(
        Office, models.CASCADE, related_name="opening_hours", verbose_name=_("kantor")
    )
    weekday = models.PositiveSmallIntegerField(_("hari"), choices=Weekday.choices)
    opens_at = models.TimeField(_("buka"))
    closes_at = models.TimeField(_("tutup"))
    break_starts_at = models.TimeField(_("istirahat mulai"), null=True, blank=True)
    break_ends_at = models.TimeField(_("istirahat selesai"), null=True, blank=True)

    class Meta:
        ordering = ["office", "weekday"]
        verbose_name = _("jam layanan")
        verbose_name_plural = _("jam layanan")
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday"], name="antrean_one_hours_per_day"),
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")), name="antrean_hours_open_before_close"
            ),
            models.CheckConstraint(
                condition=Q(break_starts_at__isnull=True, break_ends_at__isnull=True)
                | Q(
                    # Spelled out: a comparison with NULL would pass a CHECK.
                    break_starts_at__isnull=False,
                    break_ends_at__isnull=False,
                    break_starts_at__gt=F("opens_at"),
                    break_ends_at__gt=F("break_starts_at"),
                    break_ends_at__lt=F("closes_at"),
                ),
                name="antrean_hours_break_inside",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H.%M}-{self.closes_at:%H.%M}"

    def clean(self):
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("Jam tutup harus sesudah jam buka.")})
        if (self.break_starts_at is None) != (self.break_ends_at is None):
            raise ValidationError(
                {
                    "break_ends_at": _(
                        "Isi jam mulai dan selesai istirahat, atau kosongkan keduanya."
                    )
                }
            )
        has_times = self.break_starts_at is not None and self.opens_at and self.closes_at
        if has_times and not (
            self.opens_at < self.break_starts_at < self.break_ends_at < self.closes_at
        ):
            raise ValidationError(
                {"break_starts_at": _("Istirahat harus di antara jam buka dan jam tutup.")}
            )

    def intervals(self) -> list[tuple[datetime.time, datetime.time]]:
        """The stretches of the day when the counter serves, breaks taken out."""
        if self.break_starts_at is None:
            return [(self.opens_at, self.closes_at)]
        return [(self.opens_at, self.break_starts_at), (self.break_ends_at, self.closes_at)]


class Closure(models.Model):
    """A day an office departs from its weekly hours: closed, closing early, or opening on a
    national holiday or cuti bersama (cuti bersama changes by ministerial decree)."""

    office = models.ForeignKey(
        Office, models.CASCADE, related_name="closures", verbose_name=_("kantor")
    )
    date = models.DateField(_("tanggal"))
    reason = models.CharField(_("alasan"), max_length=150)
    closes_at = models.TimeField(
        _("tutup lebih awal pukul"),
        null=True,
        blank=True,
        help_text=_("Isi untuk setengah hari; kosong = tutup sepanjang hari."),
    )
    lifts_holiday = models.BooleanField(
        _("tetap buka di hari libur"),
        default=False,
        help_text=_("Centang bila kantor melayani pada libur nasional atau cuti bersama ini."),
    )

    class Meta:
        ordering = ["office", "date"]
        verbose_name = _("hari tutup / hari khusus")
        verbose_name_plural = _("hari tutup / hari khusus")
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="antrean_one_closure_per_day")
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.reason}"


class SlotQuerySet(models.QuerySet):
    def for_service(self, *, office: Office, service_type: ServiceType):
        """Active slots of this office that serve this service: its own slots, or the shared
        ones (service_type empty) when the office offers the service."""
        offered = OfficeService.objects.offered(office).filter(service_type=service_type)
        return self.alias(offered=Exists(offered)).filter(
            Q(service_type=service_type) | Q(service_type__isnull=True, offered=True),
            office=office,
            is_active=True,
        )

    def on_day(self, *, office: Office, on: datetime.date):
        """Slots starting on this date in the office's own zone."""
        start = datetime.datetime.combine(on, datetime.time(0), tzinfo=office.tz)
        return self.filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1))

    def bookable(self, *, office: Office, service_type: ServiceType, on: datetime.date):
        """Slots a citizen could take right now on that office-local date: active, serving the
        service, with a free seat, starting after the cut-off and inside the booking window."""
        settings = BookingSettings.for_office(office)
        now = timezone.now()
        if on not in settings.window(now):
            return self.none()
        return (
            self.for_service(office=office, service_type=service_type)
            .on_day(office=office, on=on)
            .filter(
                booked__lt=F("capacity"),
                starts_at__gte=now + datetime.timedelta(minutes=settings.cutoff_minutes),
            )
            .order_by("starts_at")
        )


class Slot(models.Model):
    """A stretch of time at an office with a number of seats. `service_type` empty means the
    seats are shared by every service the office offers."""

    office = models.ForeignKey(
        Office, models.CASCADE, related_name="slots", verbose_name=_("kantor")
    )
    service_type = models.ForeignKey(
        ServiceType,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("layanan"),
        help_text=_("Kosong = kursi bersama untuk semua layanan."),
    )
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    capacity = models.PositiveSmallIntegerField(_("kursi"))
    booked = models.PositiveSmallIntegerField(_("terisi"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("jadwal")
        verbose_name_plural = _("jadwal")
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__gte=0, booked__lte=F("capacity")),
                name="antrean_slot_booked_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="antrean_slot_ends_after_start"
            ),
            # Two constraints instead of one with nulls_distinct=False: SQLite has no
            # NULLS NOT DISTINCT, and the shared-seat slot (service_type NULL) must be unique too.
            models.UniqueConstraint(
                fields=["office", "service_type", "starts_at"],
                condition=Q(service_type__isnull=False),
                name="antrean_one_slot_per_service_start",
            ),
            models.UniqueConstraint(
                fields=["office", "starts_at"],
                condition=Q(service_type__isnull=True),
                name="antrean_one_shared_slot_per_start",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "starts_at"], name="antrean_slot_office_start"),
            # The closure-notice scan (antrean.closure_notices) reads switched-off slots only,
            # a few among the many.
            models.Index(
                fields=["starts_at"],
                condition=Q(is_active=False),
                name="antrean_slot_switched_off",
            ),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at, self.office.tz)
        return f"{self.office} {start:%Y-%m-%d %H.%M} {self.office.tz_label}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


class Booking(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktif")
        CANCELLED = "cancelled", _("Dibatalkan")
        CHECKED_IN = "checked_in", _("Sudah hadir")
        NO_SHOW = "no_show", _("Tidak hadir")

    code = models.CharField(_("kode booking"), max_length=14, unique=True, default=new_code)
    office = models.ForeignKey(
        Office, models.PROTECT, related_name="bookings", verbose_name=_("kantor")
    )
    service_type = models.ForeignKey(
        ServiceType, models.PROTECT, related_name="bookings", verbose_name=_("layanan")
    )
    slot = models.ForeignKey(
        Slot, models.PROTECT, related_name="bookings", verbose_name=_("jadwal")
    )
    citizen = models.ForeignKey(
        Citizen, models.PROTECT, related_name="bookings", verbose_name=_("penduduk")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    # The contact typed for this booking: booking messages go here. The citizen's record is
    # not changed from a web form (see ktpportal.services.register_citizen).
    full_name = models.CharField(_("nama lengkap"), max_length=100, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    sms_consent = models.BooleanField(_("setuju pengingat SMS/WhatsApp"), default=False)
    language = models.CharField(_("bahasa"), max_length=5, default="id")
    # Made by the booking form when it is shown: the same form sent twice books once.
    submission_token = models.UUIDField(_("token formulir"), unique=True, editable=False)
    needs_attention = models.BooleanField(_("perlu ditindaklanjuti"), default=False)
    attention_reason = models.CharField(_("alasan tindak lanjut"), max_length=200, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(_("jumlah ganti jadwal"), default=0)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    cancelled_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    # When the reminder scan should next look at this booking (antrean.reminders): kept by
    # every write that changes what is due, empty once no reminder is left. The scan reads
    # only this column's partial index, never the active bookings and their slots.
    next_reminder_at = models.DateTimeField(
        _("pengingat berikutnya"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("booking kunjungan")
        verbose_name_plural = _("booking kunjungan")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "service_type"],
                condition=Q(status="active"),
                name="antrean_one_active_booking_per_nik_service",
            ),
        ]
        indexes = [
            models.Index(
                fields=["office", "needs_attention"],
                condition=Q(needs_attention=True),
                name="antrean_booking_attention",
            ),
            # Only bookings with a reminder still to come: a few days of bookings, however
            # many years the table holds. (next_reminder_at, id) is the scan's keyset order.
            models.Index(
                fields=["next_reminder_at", "id"],
                condition=Q(next_reminder_at__isnull=False),
                name="antrean_booking_reminder_due",
            ),
        ]

    def __str__(self):
        return self.code


class BookingSetup(Office):
    """The office seen from its booking settings: one admin page per office with its hours,
    closures, services and settings together."""

    class Meta:
        proxy = True
        verbose_name = _("pengaturan antrean kantor")
        verbose_name_plural = _("pengaturan antrean kantor")


class RescheduleLink(models.Model):
    """The link sent to a citizen whose visit the office switched off (a closure, a half day,
    changed hours): it opens the reschedule of that one booking. Only a hash of its token is
    kept, so the table cannot be read back into working links (antrean.closure_notices)."""

    booking = models.ForeignKey(
        Booking, models.CASCADE, related_name="reschedule_links", verbose_name=_("booking")
    )
    # The switched-off slot the link was sent for: once the booking has left it (moved or
    # cancelled), the link has done its job.
    slot = models.ForeignKey(Slot, models.CASCADE, related_name="+", verbose_name=_("jadwal"))
    token_hash = models.CharField(_("hash token"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("tautan ubah jadwal")
        verbose_name_plural = _("tautan ubah jadwal")
        constraints = [
            # One notice per booking and switched-off slot, however often slots are made.
            models.UniqueConstraint(
                fields=["booking", "slot"], name="antrean_one_link_per_booking_slot"
            )
        ]

    def __str__(self):
        return f"{self.booking} {self.slot_id}"


class DisruptionQuerySet(models.QuerySet):
    def from_today(self, office: Office):
        """The office's notices for its today (office time) and later days, ended or not:
        callers drop the ended ones with `is_current`, which needs the clock."""
        today = timezone.localdate(timezone=office.tz)
        return self.filter(office=office, date__gte=today).order_by("date", "created_at")


class Disruption(models.Model):
    """A notice an office posts for one day: SIAK down, a power cut, the network out. It is
    shown on the office's pages and sent to that day's bookings (antrean.disruptions), and
    ends by itself at its end time or at the end of its day, in office time."""

    office = models.ForeignKey(
        Office, models.CASCADE, related_name="disruptions", verbose_name=_("kantor")
    )
    date = models.DateField(_("tanggal"))
    message = models.CharField(
        _("pesan"),
        max_length=160,
        help_text=_(
            'Singkat dan jelas, misalnya: "Jaringan SIAK terganggu, perekaman KTP-el '
            'ditunda sampai pukul 11.00." Pesan ini juga dikirim lewat SMS/WhatsApp.'
        ),
    )
    ends_at = models.TimeField(
        _("berakhir pukul"),
        null=True,
        blank=True,
        help_text=_("Waktu kantor. Kosong = sampai akhir hari."),
    )
    # Bumped when staff choose to send an edit again: each revision goes to each booking once.
    revision = models.PositiveSmallIntegerField(_("revisi"), default=1, editable=False)
    # Bookings made before this moment are sent the notice; later ones saw it while booking.
    notified_at = models.DateTimeField(_("dikirim pada"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = DisruptionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("pemberitahuan gangguan")
        verbose_name_plural = _("pemberitahuan gangguan")
        constraints = [
            # The same notice posted twice (a double click) is refused, not sent twice.
            models.UniqueConstraint(
                fields=["office", "date", "message"],
                name="antrean_one_disruption_per_text",
                violation_error_message=_(
                    "Pemberitahuan yang sama sudah ada untuk kantor dan tanggal ini."
                ),
            )
        ]
        indexes = [models.Index(fields=["date"], name="antrean_disruption_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.message}"

    def ends(self) -> datetime.datetime:
        """When the notice stops showing and sending: its end time, or the next midnight,
        in the office's zone."""
        tz = self.office.tz
        if self.ends_at is not None:
            return datetime.datetime.combine(self.date, self.ends_at, tzinfo=tz)
        return datetime.datetime.combine(
            self.date + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz
        )

    def is_current(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.ends()

    def clean(self):
        if self.office_id is None or self.date is None:
            return
        if not self.is_current():
            raise ValidationError(
                _("Pemberitahuan ini sudah berakhir. Periksa tanggal dan jam berakhirnya.")
            )
