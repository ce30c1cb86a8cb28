"""An office's booking setup: its settings, the services it offers, its weekly hours and
its closures."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antrean.models.visit import LETTERS
from antrean.window import BookingWindow
from ktpportal.models import Office, ServiceType


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
    # The visit day (docs/visit-day.md): the series its tickets are numbered in, and how many
    # people without a booking it takes a day.
    ticket_letter = models.CharField(
        _("huruf nomor antrean"),
        max_length=1,
        default="A",
        choices=[(letter, letter) for letter in LETTERS],
        help_text=_("Layanan dengan huruf yang sama berbagi satu urutan nomor: A-001, A-002 ..."),
    )
    walk_in_quota = models.PositiveSmallIntegerField(
        _("kuota tanpa booking per hari"),
        default=0,
        help_text=_("Nomor antrean per hari bagi yang datang tanpa booking; 0 = tidak ada."),
    )

    objects = OfficeServiceQuerySet.as_manager()

    class Meta:
        ordering = ["service_type__order", "service_type__name"]
        verbose_name = _("layanan kantor")
        verbose_name_plural = _("layanan kantor")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "service_type"], name="antrean_one_row_per_office_service"
            ),
            models.CheckConstraint(
                condition=Q(ticket_letter__in=LETTERS),
                name="antrean_office_service_letter_a_to_z",
            ),
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


class BookingSetup(Office):
    """The office seen from its booking settings: one admin page per office with its hours,
    closures, services and settings together."""

    class Meta:
        proxy = True
        verbose_name = _("pengaturan antrean kantor")
        verbose_name_plural = _("pengaturan antrean kantor")
