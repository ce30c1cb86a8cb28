"""Booking visit slots: each office's settings and calendar, the slots, and the bookings.

A slot is a row made ahead of time (antrean.slots) so that its capacity is something the
database can guard: `booked` only moves through a conditional UPDATE in antrean.services,
and a check constraint stops it from ever passing `capacity`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ktpportal.codes import new_code
from ktpportal.models import Citizen, Office, ServiceType


class BookingSettings(models.Model):
    office = models.OneToOneField(
        Office, models.CASCADE, related_name="booking_settings", verbose_name=_("kantor")
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("pemesanan dibuka (hari ke depan)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
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
            return cls.objects.get(office=office)
        except cls.DoesNotExist:
            return cls(office=office)


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
        today = timezone.localdate(now, timezone=office.tz)
        if not today <= on < today + datetime.timedelta(days=settings.days_ahead):
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
        indexes = [models.Index(fields=["office", "starts_at"], name="antrean_slot_office_start")]

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
