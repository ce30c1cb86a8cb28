"""KTP-el applications (permohonan) and their timeline. Stages change only through
`status.services.change_stage`, which writes a StatusChange for every move."""

import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ktpportal.models import Citizen, Office, ServiceType
from status.stages import FINAL, MOVES, TEXTS, Stage


class Application(models.Model):
    # "7KQ2-M9XD-4HTP" from ktpportal.codes: 60 random bits, printed on the counter receipt.
    receipt_number = models.CharField(_("nomor tanda terima"), max_length=14, unique=True)
    citizen = models.ForeignKey(
        Citizen, models.PROTECT, related_name="applications", verbose_name=_("penduduk")
    )
    service_type = models.ForeignKey(
        ServiceType, models.PROTECT, related_name="applications", verbose_name=_("layanan")
    )
    office = models.ForeignKey(
        Office, models.PROTECT, related_name="applications", verbose_name=_("kantor")
    )
    # The visit the application was opened at, when the citizen booked one.
    booking = models.ForeignKey(
        "antrean.Booking",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("booking kunjungan"),
    )
    stage = models.CharField(
        _("tahap"), max_length=20, choices=Stage.choices, default=Stage.DIAJUKAN
    )
    created_at = models.DateTimeField(_("diajukan pada"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah pada"), auto_now=True)
    stage_changed_at = models.DateTimeField(_("masuk tahap ini pada"))
    promised_at = models.DateTimeField(_("janji selesai"))
    public_note = models.TextField(
        _("catatan untuk pemohon"),
        blank=True,
        help_text=_("Terlihat oleh pemohon di halaman status."),
    )

    class Meta:
        verbose_name = _("permohonan KTP-el")
        verbose_name_plural = _("permohonan KTP-el")
        ordering = ["-created_at"]
        indexes = [
            # The staff lists: one office's open work, oldest first.
            models.Index(fields=["office", "stage", "created_at"], name="application_office_stage"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="application_stage_known"
            ),
            # One visit opens one application: a second one from the same booking is a slip.
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(booking__isnull=False),
                name="application_one_per_booking",
            ),
        ]

    def __str__(self):
        return self.receipt_number

    @property
    def stage_text(self):
        return TEXTS[Stage(self.stage)]

    @property
    def is_final(self) -> bool:
        return self.stage in FINAL


def _allowed_pairs() -> Q:
    pairs = [Q(from_stage="", to_stage=Stage.DIAJUKAN)]
    pairs += [
        Q(from_stage=source, to_stage=target)
        for source, targets in MOVES.items()
        for target in sorted(targets)
    ]
    return functools.reduce(operator.or_, pairs)


class StatusChange(models.Model):
    """One step of an application's timeline, and its audit record."""

    application = models.ForeignKey(
        Application, models.PROTECT, related_name="changes", verbose_name=_("permohonan")
    )
    # Empty for the first entry, written when the application is created.
    from_stage = models.CharField(_("dari tahap"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("ke tahap"), max_length=20, choices=Stage.choices)
    changed_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oleh petugas"),
    )
    public_note = models.TextField(_("catatan untuk pemohon"), blank=True)
    internal_note = models.TextField(_("catatan internal"), blank=True)

    class Meta:
        verbose_name = _("riwayat tahap")
        verbose_name_plural = _("riwayat tahap")
        ordering = ["changed_at", "pk"]
        constraints = [
            # The moves table, enforced where no code path can get around it.
            models.CheckConstraint(condition=_allowed_pairs(), name="statuschange_allowed_move"),
        ]

    def __str__(self):
        return f"{self.get_from_stage_display() or '-'} \u2192 {self.get_to_stage_display()}"
