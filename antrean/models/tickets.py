"""Queue tickets (A-012) and the events of the visit day: every step a booking and a ticket
take is a row with its time, so wait and service times are facts (docs/visit-day.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from antrean.models.bookings import Booking
from antrean.models.visit import LETTERS, Counter
from ktpportal.models import Office, ServiceType


class TicketKind(models.TextChoices):
    BOOKED = "booked", _("Booking")
    WALK_IN = "walk_in", _("Tanpa booking")


class TicketState(models.TextChoices):
    WAITING = "waiting", _("Menunggu")
    CALLED = "called", _("Dipanggil")
    SERVING = "serving", _("Dilayani")
    DONE = "done", _("Selesai")
    LEFT = "left", _("Pergi / tidak hadir")


class TicketPriority(models.TextChoices):
    NONE = "", _("Tidak ada")
    ELDERLY = "lansia", _("Lansia (60 tahun ke atas)")
    DISABILITY = "disabilitas", _("Disabilitas")
    PREGNANT = "hamil", _("Ibu hamil")


class Ticket(models.Model):
    """A place in an office's queue on one day: issued at check-in for a booking, or at the
    counter to someone without one. Its state changes only through antrean.visit."""

    Kind = TicketKind
    State = TicketState
    Priority = TicketPriority

    OPEN_STATES = (State.WAITING, State.CALLED, State.SERVING)

    office = models.ForeignKey(
        Office, models.PROTECT, related_name="tickets", verbose_name=_("kantor")
    )
    day = models.DateField(_("tanggal (waktu kantor)"))
    letter = models.CharField(_("huruf"), max_length=1)
    number = models.PositiveIntegerField(_("nomor"))
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices)
    # One ticket per booking; a late arrival's walk-in ticket keeps its booking too, so the
    # application is still prefilled from it.
    booking = models.OneToOneField(
        Booking,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="ticket",
        verbose_name=_("booking"),
    )
    service_type = models.ForeignKey(
        ServiceType, models.PROTECT, related_name="+", verbose_name=_("layanan")
    )
    priority = models.CharField(
        _("prioritas"), max_length=12, choices=Priority.choices, blank=True, default=""
    )
    # Where the short messages about this ticket go: the booking's phone, or the number a
    # walk-in gave at the counter (antrean.visit: service messages about their own visit).
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    language = models.CharField(_("bahasa"), max_length=5, default="id")
    wants_heads_up = models.BooleanField(_("kabari saat 5 nomor lagi"), default=False)
    heads_up_sent_at = models.DateTimeField(_("kabar 5 nomor lagi dikirim"), null=True, blank=True)
    state = models.CharField(
        _("status"), max_length=8, choices=State.choices, default=State.WAITING
    )
    # The queue's order (antrean.visit.counter): a booked ticket is due at its slot's start
    # and cannot be called before it, a walk-in when it was issued; a skipped ticket is
    # due again when it was skipped, and a transfer that does not keep its place too.
    due_at = models.DateTimeField(_("urutan panggil"))
    # When it started waiting on the office (its slot's start, or its arrival if later): the
    # wait counts from here, however often its place moves.
    ready_at = models.DateTimeField(_("mulai menunggu"))
    counter = models.ForeignKey(
        Counter,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("loket"),
        help_text=_("Loket yang memanggilnya."),
    )
    # Transferred to one counter: only that counter calls it.
    reserved_counter = models.ForeignKey(
        Counter,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dipindahkan ke loket"),
    )
    call_count = models.PositiveSmallIntegerField(_("jumlah panggilan"), default=0)
    issued_at = models.DateTimeField(_("diberikan"))
    called_at = models.DateTimeField(_("dipanggil terakhir"), null=True, blank=True)
    first_called_at = models.DateTimeField(_("dipanggil pertama"), null=True, blank=True)
    serving_started_at = models.DateTimeField(_("mulai dilayani"), null=True, blank=True)
    finished_at = models.DateTimeField(_("berakhir"), null=True, blank=True)

    class Meta:
        ordering = ["office", "day", "letter", "number"]
        verbose_name = _("nomor antrean")
        verbose_name_plural = _("nomor antrean")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "day", "letter", "number"], name="antrean_one_ticket_number"
            ),
            models.CheckConstraint(
                condition=Q(state__in=TicketState.values), name="antrean_ticket_state_known"
            ),
            models.CheckConstraint(
                condition=Q(letter__in=LETTERS), name="antrean_ticket_letter_a_to_z"
            ),
            models.CheckConstraint(
                condition=Q(kind=TicketKind.WALK_IN) | Q(booking__isnull=False),
                name="antrean_booked_ticket_has_booking",
            ),
        ]
        indexes = [
            # The call (office, day, waiting), the board (office, day, called/serving) and the
            # end of day (office, open states, days before): one index serves all three.
            models.Index(fields=["office", "state", "day"], name="antrean_ticket_office_state"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.letter}-{self.number:03d}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class EventKind(models.TextChoices):
    BOOKED = "booked", _("Booking dibuat")
    CANCELLED = "cancelled", _("Dibatalkan warga")
    CANCELLED_BY_OFFICE = "cancelled_by_office", _("Dibatalkan kantor")
    CHECKED_IN = "checked_in", _("Check-in")
    TICKET_ISSUED = "ticket_issued", _("Nomor antrean diberikan")
    CALLED = "called", _("Dipanggil")
    RECALLED = "recalled", _("Dipanggil ulang")
    SKIPPED = "skipped", _("Dilewati")
    TRANSFERRED = "transferred", _("Dipindahkan")
    SERVING_STARTED = "serving_started", _("Mulai dilayani")
    SERVED = "served", _("Selesai dilayani")
    LEFT = "left", _("Pergi / tidak menjawab panggilan")
    NO_SHOW = "no_show", _("Tidak hadir")


class VisitEvent(models.Model):
    """One step of a booking or a ticket, with its time, office, staff member and counter
    where known. Written by the services in the step's own transaction; never changed."""

    Kind = EventKind

    office = models.ForeignKey(
        Office, models.CASCADE, related_name="visit_events", verbose_name=_("kantor")
    )
    kind = models.CharField(_("peristiwa"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("waktu"))
    booking = models.ForeignKey(
        Booking,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("booking"),
    )
    ticket = models.ForeignKey(
        Ticket,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("nomor antrean"),
    )
    service_type = models.ForeignKey(
        ServiceType, models.PROTECT, related_name="+", verbose_name=_("layanan")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("petugas"),
    )
    counter = models.ForeignKey(
        Counter,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loket"),
    )
    # What else a person reading the history needs: where a transfer went, why a ticket
    # ended ("closing"), no personal data.
    detail = models.CharField(_("keterangan"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("peristiwa kunjungan")
        verbose_name_plural = _("peristiwa kunjungan")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="antrean_visit_event_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=False) | Q(ticket__isnull=False),
                name="antrean_visit_event_about_something",
            ),
        ]
        indexes = [
            # A day at an office: the figures page, the board's last calls.
            models.Index(fields=["office", "at"], name="antrean_visit_event_office_at"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H.%M}"
