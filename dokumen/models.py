"""What to bring for each service: the national list, and each office's changes to it.

The checklist a citizen sees (`dokumen.checklist.checklist_for`) is the national list of a
service type, plus the extra requirements their office added, minus the ones it marked as
not needed.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ktpportal.models import Office, ServiceType


class CopyKind(models.TextChoices):
    ORIGINAL = "asli", _("asli")
    COPY = "fotokopi", _("fotokopi")
    ORIGINAL_AND_COPY = "asli-fotokopi", _("asli dan fotokopi")


class RequirementFields(models.Model):
    """What one document is: shared by national requirements and an office's own additions."""

    name = models.CharField(_("nama dokumen"), max_length=150)
    short_name = models.CharField(
        _("nama singkat"),
        max_length=40,
        blank=True,
        help_text=_("Untuk SMS/WhatsApp, mis. “KK asli”. Kosong: nama dokumen dipakai."),
    )
    help_text = models.CharField(
        _("keterangan"),
        max_length=300,
        blank=True,
        help_text=_("Apa dokumen ini dan di mana mendapatkannya."),
    )
    copy_kind = models.CharField(
        _("asli atau fotokopi"), max_length=15, choices=CopyKind.choices, default=CopyKind.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(
        _("jumlah"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    condition = models.CharField(
        _("hanya jika"),
        max_length=150,
        blank=True,
        help_text=_("Kosong bila selalu diperlukan; mis. “jika menikah sebelum 17 tahun”."),
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        abstract = True


class Requirement(RequirementFields):
    """A document the national rules ask for, for one service type."""

    service_type = models.ForeignKey(
        ServiceType,
        models.CASCADE,
        related_name="requirements",
        verbose_name=_("jenis layanan"),
    )
    legal_basis = models.CharField(
        _("dasar hukum / sumber"),
        max_length=200,
        blank=True,
        help_text=_("Peraturan atau sumber yang meminta dokumen ini."),
    )
    is_active = models.BooleanField(
        _("aktif"),
        default=True,
        help_text=_(
            "Matikan bila dokumen ini tidak diminta lagi (persyaratan bawaan tidak dihapus)."
        ),
    )
    # Set only on rows `seed_requirements` created: how a rerun recognises them, whatever
    # staff have since renamed.
    seed_key = models.CharField(_("kunci data awal"), max_length=60, blank=True, editable=False)

    class Meta:
        ordering = ["service_type__order", "order", "pk"]
        verbose_name = _("persyaratan nasional")
        verbose_name_plural = _("persyaratan nasional")
        constraints = [
            models.UniqueConstraint(
                fields=["seed_key"], condition=~Q(seed_key=""), name="requirement_unique_seed_key"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="requirement_quantity_min_1"),
        ]

    def __str__(self):
        return self.name


class OfficeRequirementChange(RequirementFields):
    """One office's change to a service's national list.

    Either an extra requirement the office still asks for (`name` set, `not_needed` empty), or
    a mark that a national requirement is not needed at this office (`not_needed` set, the
    document fields left empty).
    """

    office = models.ForeignKey(
        Office, models.CASCADE, related_name="requirement_changes", verbose_name=_("kantor")
    )
    # Blank for a "not needed" mark; the check constraint below says which of the two a row is.
    name = models.CharField(_("nama dokumen tambahan"), max_length=150, blank=True)
    service_type = models.ForeignKey(
        ServiceType,
        models.CASCADE,
        related_name="office_requirement_changes",
        verbose_name=_("jenis layanan"),
    )
    not_needed = models.ForeignKey(
        Requirement,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="office_removals",
        verbose_name=_("persyaratan nasional yang tidak diperlukan"),
        help_text=_("Pilih ini ATAU isi nama dokumen tambahan, tidak keduanya."),
    )
    note = models.CharField(
        _("catatan / dasar"),
        max_length=200,
        blank=True,
        help_text=_("Mengapa kantor ini berbeda (mis. nomor surat edaran kepala dinas)."),
    )

    class Meta:
        ordering = ["office__name", "service_type__order", "order", "pk"]
        verbose_name = _("perubahan persyaratan kantor")
        verbose_name_plural = _("perubahan persyaratan kantor")
        constraints = [
            models.CheckConstraint(
                condition=(Q(not_needed__isnull=True) & ~Q(name=""))
                | (Q(not_needed__isnull=False) & Q(name="")),
                name="office_change_addition_xor_not_needed",
            ),
            models.UniqueConstraint(
                fields=["office", "not_needed"],
                condition=Q(not_needed__isnull=False),
                name="office_change_one_not_needed_mark",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="office_change_quantity_min_1"
            ),
        ]
        indexes = [models.Index(fields=["office", "service_type"], name="office_change_lookup")]

    def __str__(self):
        if self.not_needed_id:
            return _("Tidak diperlukan: %(name)s") % {"name": self.not_needed}
        return _("Tambahan: %(name)s") % {"name": self.name}

    @property
    def is_addition(self) -> bool:
        return self.not_needed_id is None

    def clean(self):
        if self.not_needed_id is not None:
            if self.name:
                raise ValidationError(
                    _(
                        "Pilih persyaratan nasional yang tidak diperlukan, atau isi dokumen "
                        "tambahan; tidak keduanya."
                    )
                )
            if self.service_type_id and self.not_needed.service_type_id != self.service_type_id:
                raise ValidationError(
                    {"not_needed": _("Persyaratan ini milik jenis layanan lain.")}
                )
        elif not self.name:
            # For the whole form: the name is typed in two fields, Indonesian and English.
            raise ValidationError(
                _("Isi nama dokumen tambahan, atau pilih persyaratan yang tidak diperlukan.")
            )
