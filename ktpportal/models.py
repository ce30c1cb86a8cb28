"""The shared model: regions, offices, service types, citizens and staff membership.

The three apps (antrean, status, dokumen) import these; this module imports none of them.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from ktpportal.nik import mask_nik, validate_nik


class TimeZone(models.TextChoices):
    """Indonesia's three zones (Keppres 41/1987), by IANA name."""

    WIB = "Asia/Jakarta", "WIB"
    WIB_PONTIANAK = "Asia/Pontianak", "WIB"
    WITA = "Asia/Makassar", "WITA"
    WIT = "Asia/Jayapura", "WIT"


ZONE_LABELS = {choice.value: choice.label for choice in TimeZone}


class Province(models.Model):
    code = models.CharField(_("kode"), max_length=2, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    tz_name = models.CharField(_("zona waktu"), max_length=40, choices=TimeZone.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")

    def __str__(self):
        return self.name


class Regency(models.Model):
    """A kabupaten or kota; `code` is the 4-digit form used in NIKs (e.g. 3174)."""

    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(_("kode"), max_length=4, primary_key=True)
    province = models.ForeignKey(
        Province, models.PROTECT, related_name="regencies", verbose_name=_("provinsi")
    )
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")

    def __str__(self):
        return self.name


class District(models.Model):
    """A kecamatan in today's list; `code` is the 6-digit form used in NIKs."""

    code = models.CharField(_("kode"), max_length=6, primary_key=True)
    regency = models.ForeignKey(
        Regency, models.PROTECT, related_name="districts", verbose_name=_("kabupaten/kota")
    )
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class OfficeQuerySet(models.QuerySet):
    def active(self):
        """Offices that take bookings and show up to citizens."""
        return self.filter(is_active=True)

    def with_region(self):
        return self.select_related("regency__province")


# Words the apps' URLs use after /antrean/ and /dokumen/; an office with such a slug would be
# hidden behind those pages.
RESERVED_OFFICE_SLUGS = frozenset({"selesai", "kelola"})


def validate_office_slug(value: str) -> None:
    if value in RESERVED_OFFICE_SLUGS:
        raise ValidationError(
            _("Kode URL %(slug)s dipakai oleh halaman portal; pilih kode lain."),
            params={"slug": value},
            code="reserved",
        )


class Office(models.Model):
    """A Dukcapil office (Disdukcapil of a kabupaten/kota) or one of its UPT units."""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("Disdukcapil kabupaten/kota")
        UPT = "upt", _("UPT / kantor kecamatan")

    name = models.CharField(_("nama kantor"), max_length=150)
    slug = models.SlugField(
        _("kode URL"), max_length=80, unique=True, validators=[validate_office_slug]
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.DINAS)
    regency = models.ForeignKey(
        Regency, models.PROTECT, related_name="offices", verbose_name=_("kabupaten/kota")
    )
    address = models.TextField(_("alamat"))
    map_url = models.URLField(_("tautan peta"), blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Taken from the region on save, so every query that shows a time has it at hand.
    tz_name = models.CharField(
        _("zona waktu"), max_length=40, choices=TimeZone.choices, editable=False
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kantor")
        verbose_name_plural = _("kantor")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.tz_name = self.regency.province.tz_name
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "tz_name"}
        super().save(*args, **kwargs)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.tz_name)

    @property
    def tz_label(self) -> str:
        return ZONE_LABELS[self.tz_name]


class ServiceTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ServiceType(models.Model):
    """A KTP-el service a citizen can come for (new card at 17, lost, damaged, ...)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama layanan"), max_length=120)
    description = models.TextField(_("keterangan singkat"), blank=True)
    when_applies = models.CharField(_("berlaku untuk"), max_length=200, blank=True)
    needs_biometrics = models.BooleanField(_("perlu perekaman biometrik di kantor"), default=True)
    promised_hours = models.PositiveIntegerField(
        _("janji waktu layanan (jam)"),
        default=24,
        help_text=_("Permendagri 19/2018: 1-24 jam sejak persyaratan lengkap."),
    )
    legal_basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    objects = ServiceTypeQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("jenis layanan")
        verbose_name_plural = _("jenis layanan")

    def __str__(self):
        return self.name

    @property
    def promised_duration(self) -> datetime.timedelta:
        return datetime.timedelta(hours=self.promised_hours)


class Citizen(models.Model):
    """A person who booked a visit or has an application. The NIK is personal data."""

    nik = models.CharField(_("NIK"), max_length=16, unique=True, validators=[validate_nik])
    full_name = models.CharField(_("nama lengkap"), max_length=100)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("bahasa"), max_length=5, choices=settings.LANGUAGES, default="id")
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        indexes = [models.Index(Lower("email"), name="citizen_email_lower")]

    def __str__(self):
        return f"{self.full_name} ({self.masked_nik})"

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    def clean(self):
        if not self.phone and not self.email:
            raise ValidationError(_("Isi nomor HP atau email, agar kami bisa menghubungi Anda."))


class StaffRole(models.TextChoices):
    COUNTER = "counter", _("Petugas loket")
    ADMIN = "admin", _("Admin kantor")


class StaffMembership(models.Model):
    """Which staff user works at which office, and in what role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("pengguna"),
    )
    office = models.ForeignKey(
        Office, models.CASCADE, related_name="memberships", verbose_name=_("kantor")
    )
    role = models.CharField(_("peran"), max_length=10, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("keanggotaan staf")
        verbose_name_plural = _("keanggotaan staf")
        constraints = [
            models.UniqueConstraint(fields=["user", "office"], name="one_membership_per_office")
        ]

    def __str__(self):
        return f"{self.user} @ {self.office} ({self.get_role_display()})"


class JobRun(models.Model):
    """The last run of each periodic job (ktpportal.jobs.periodic_job): what an operator's
    alert reads to tell a job that stopped running from one that has nothing to do."""

    name = models.CharField(_("nama tugas"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("terakhir mulai"), null=True, blank=True)
    last_succeeded_at = models.DateTimeField(_("terakhir berhasil"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("terakhir gagal"), null=True, blank=True)
    last_duration = models.FloatField(_("lama terakhir (detik)"), null=True, blank=True)
    last_summary = models.CharField(_("ringkasan terakhir"), max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tugas berkala")
        verbose_name_plural = _("tugas berkala")

    def __str__(self):
        return self.name
