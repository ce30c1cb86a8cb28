"""Bookings: a citizen's seat on a slot."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from antrean.models.slots import Slot
from ktpportal.codes import new_code
from ktpportal.models import Citizen, Office, ServiceType


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
    # The slot's start, kept on the booking (set when booked or moved; a slot's start never
    # changes) so that the end-of-day scan (antrean.visit.closing) reads one office's active
    # bookings whose visit has begun from one small partial index, without the slots.
    visit_starts_at = models.DateTimeField(_("waktu kunjungan"), editable=False)

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
            # Only active bookings: what the end of a day still has to end.
            models.Index(
                fields=["office", "visit_starts_at", "id"],
                condition=Q(status="active"),
                name="antrean_booking_active_visit",
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if self.visit_starts_at is None:
            self.visit_starts_at = self.slot.starts_at
        super().save(*args, **kwargs)
