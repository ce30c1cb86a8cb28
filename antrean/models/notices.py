"""What the office tells citizens about their visit: the link sent when their slot is switched
off, and the disruption notice for a day."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antrean.models.bookings import Booking
from antrean.models.slots import Slot
from ktpportal.models import Office


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
