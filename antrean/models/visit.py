"""The visit day's setup: an office's settings for check-in and the counter queue, its
counters (loket), and the two per-day rows that numbering and walk-in quotas count on
(docs/visit-day.md)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ktpportal.models import Office, ServiceType


class VisitSettings(models.Model):
    """How an office runs the day of the visit. An office without a row runs on the
    defaults (`for_office`)."""

    office = models.OneToOneField(
        Office, models.CASCADE, related_name="visit_settings", verbose_name=_("kantor")
    )
    check_in_early_minutes = models.PositiveSmallIntegerField(
        _("check-in paling awal (menit sebelum jadwal)"),
        default=60,
        validators=[MaxValueValidator(8 * 60)],
    )
    check_in_late_minutes = models.PositiveSmallIntegerField(
        _("check-in paling lambat (menit sesudah jadwal)"),
        default=30,
        validators=[MaxValueValidator(8 * 60)],
    )
    late_as_walk_in = models.BooleanField(
        _("yang terlambat boleh diberi nomor tanpa booking"),
        default=True,
        help_text=_(
            "Atas permintaan petugas, booking yang terlambat check-in mendapat nomor antrean "
            "tanpa booking (memakai kuota harian layanan itu)."
        ),
    )
    calls_before_no_show = models.PositiveSmallIntegerField(
        _("dipanggil berapa kali sebelum dianggap tidak hadir"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    service_minutes = models.PositiveSmallIntegerField(
        _("perkiraan lama satu layanan (menit)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "Untuk perkiraan jam dipanggil, sampai kantor ini punya cukup data lama layanan."
        ),
    )
    serve_after_closing_minutes = models.PositiveSmallIntegerField(
        _("antrean masih dilayani sesudah jam tutup (menit)"),
        default=60,
        validators=[MaxValueValidator(4 * 60)],
        help_text=_(
            "Nomor antrean yang masih menunggu sekian menit sesudah jam tutup dianggap pergi."
        ),
    )
    no_show_rule = models.BooleanField(
        _("batasi booking bagi yang sering tidak hadir"),
        default=False,
        help_text=_(
            "Jika dicentang: NIK yang tidak hadir sekian kali dalam sekian hari baru boleh "
            "mengambil antrean lagi di kantor ini setelah masa tunggu."
        ),
    )
    no_show_limit = models.PositiveSmallIntegerField(
        _("batas tidak hadir (kali)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    no_show_days = models.PositiveSmallIntegerField(
        _("dalam berapa hari terakhir"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    no_show_wait_days = models.PositiveSmallIntegerField(
        _("masa tunggu (hari)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("pengaturan hari kunjungan")
        verbose_name_plural = _("pengaturan hari kunjungan")
        constraints = [
            models.CheckConstraint(
                condition=Q(calls_before_no_show__gte=1, service_minutes__gte=1)
                & Q(no_show_limit__gte=1, no_show_days__gte=1, no_show_wait_days__gte=1),
                name="antrean_visit_settings_positive",
            ),
        ]

    def __str__(self):
        return str(_("Pengaturan hari kunjungan %(office)s") % {"office": self.office})

    @classmethod
    def for_office(cls, office: Office) -> "VisitSettings":
        """The office's settings, or unsaved defaults when staff have not set any yet."""
        settings = cls.objects.filter(office=office).first() or cls()
        settings.office = office
        return settings


class Counter(models.Model):
    """A counter (loket) and the services it calls tickets for."""

    office = models.ForeignKey(
        Office, models.CASCADE, related_name="counters", verbose_name=_("kantor")
    )
    number = models.PositiveSmallIntegerField(_("nomor loket"), validators=[MinValueValidator(1)])
    name = models.CharField(
        _("nama"), max_length=40, blank=True, help_text=_('Kosong = "Loket <nomor>".')
    )
    services = models.ManyToManyField(
        ServiceType,
        blank=True,
        related_name="+",
        verbose_name=_("layanan"),
        help_text=_("Kosong = semua layanan kantor."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["office", "number"]
        verbose_name = _("loket")
        verbose_name_plural = _("loket")
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="antrean_one_counter_number")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.name or str(_("Loket %(number)s") % {"number": self.number})


LETTERS = [chr(code) for code in range(ord("A"), ord("Z") + 1)]


class TicketSequence(models.Model):
    """The last ticket number given at an office on a day in a letter's series: numbers are
    taken by a conditional UPDATE of this row, never by max() + 1 (antrean.visit.tickets).
    Past days' rows are dropped at the end of the day."""

    office = models.ForeignKey(Office, models.CASCADE, related_name="+")
    day = models.DateField()
    letter = models.CharField(max_length=1)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "day", "letter"], name="antrean_one_sequence_per_series"
            )
        ]

    def __str__(self):
        return f"{self.office_id} {self.day} {self.letter}: {self.last}"


class WalkInTally(models.Model):
    """Walk-in tickets given at an office on a day for a service, against its quota: taken
    by a conditional UPDATE (`issued < quota`), like a slot's seats."""

    office = models.ForeignKey(Office, models.CASCADE, related_name="+")
    day = models.DateField()
    service_type = models.ForeignKey(ServiceType, models.CASCADE, related_name="+")
    issued = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "day", "service_type"], name="antrean_one_tally_per_day"
            ),
            models.CheckConstraint(condition=Q(issued__gte=0), name="antrean_tally_not_negative"),
        ]

    def __str__(self):
        return f"{self.office_id} {self.day} {self.service_type_id}: {self.issued}"
