"""Slots: a stretch of time at an office with a number of seats (see the package docstring)."""

import datetime

from django.db import models
from django.db.models import Exists, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from antrean.models.office import BookingSettings, OfficeService
from ktpportal.models import Office, ServiceType


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
