"""Telling citizens that the office switched off their visit, with a link to pick another.

A closure, a half day or changed hours switch a booked slot off (antrean.slots). Its
bookings are flagged for staff, and each citizen is told, by email and by short message
whatever their reminder consent: this is a service message about their own booking, not
a reminder. The message says which visit is off and why (the day's reason) and carries a
link that opens the reschedule of that one booking (RescheduleLink: a random token, only
its hash stored, tied to the booking and the switched-off slot, expiring).

The messages are written after the switch-off commits, not inside it: rendering hundreds
of them would hold the settings page and the slots' transaction for seconds. Nothing is
lost by waiting, because what is due is read from the rows themselves (an active booking
on a switched-off slot that has no link yet): a task that never ran (Redis down at
commit, a worker killed) is made good by the beat scan within five minutes. The scan reads
booking ids in keyset batches and hands each batch to a writer task, which checks again
and writes the links and messages in one transaction per batch. The link's unique
(booking, slot) makes a second writer skip a booking already told.
"""

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from antrean.calendar_rules import plan_days
from antrean.models import Booking, RescheduleLink
from ktpportal.jobs import queue_after_commit
from ktpportal.models import Office
from ktpportal.notifications.services import notify_citizen

logger = logging.getLogger(__name__)

KIND = "booking_switched_off"
# A switched-off visit can still be moved or cancelled (with the link, or with code and NIK)
# until the end of this many days after its date, office time: the citizen could not come,
# and may read the message late. The link expires then too.
GRACE_DAYS = 7
# Bookings one writer task renders (as for reminders: well inside the task time limit).
BATCH_SIZE = 200
# 128 random bits: 22 characters, short enough for an SMS, far beyond guessing.
TOKEN_BYTES = 16
MAX_TOKEN_LENGTH = 64


def move_deadline(booking: Booking) -> datetime.datetime:
    """Until when a booking whose slot was switched off may be moved or cancelled: the
    midnight that ends the GRACE_DAYS-th day after its visit, in the office's zone."""
    tz = booking.office.tz
    day = timezone.localdate(booking.slot.starts_at, timezone=tz)
    return datetime.datetime.combine(
        day + datetime.timedelta(days=GRACE_DAYS + 1), datetime.time(0), tzinfo=tz
    )


def hash_token(token: str) -> str:
    # A plain hash is enough: the token is 128 random bits, not a password to be guessed.
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(token: str) -> str:
    return settings.PORTAL_URL + reverse("antrean:reschedule-link", args=[token])


def _due(now: datetime.datetime, office_id: int | None = None):
    """Active bookings on a switched-off slot whose citizen has not been told. The slot's
    start bounds the scan (every deadline is less than GRACE_DAYS + 1 days after it); the
    exact deadline is the writer's to check."""
    told = RescheduleLink.objects.filter(booking=OuterRef("pk"), slot=OuterRef("slot"))
    due = Booking.objects.filter(
        status=Booking.Status.ACTIVE,
        slot__is_active=False,
        slot__starts_at__gte=now - datetime.timedelta(days=GRACE_DAYS + 1),
    )
    if office_id is not None:
        due = due.filter(office_id=office_id)
    return due.alias(told=Exists(told)).filter(told=False)


def announce(*, office: Office) -> None:
    """antrean.slots switched off slots with bookings: tell their citizens as soon as that
    commits."""
    from antrean.tasks import send_closure_notices

    queue_after_commit(send_closure_notices, office.pk, left_to="the closure notices' beat scan")


def queue_due_notices(*, office_id: int | None = None, now: datetime.datetime | None = None) -> int:
    """Hand every booking still to be told (at one office, or all) to writer tasks, in
    keyset batches of ids. Returns how many bookings were handed out."""
    from antrean.tasks import write_closure_notices

    due = _due(now or timezone.now(), office_id)
    last = 0
    handed = 0
    while True:
        ids = list(due.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
        if not ids:
            return handed
        write_closure_notices.delay(ids)
        handed += len(ids)
        last = ids[-1]


def write_notices(booking_ids: list[int], now: datetime.datetime | None = None) -> int:
    """Tell the citizens of these bookings that are still due (checked again: the booking
    may have moved, or another writer told it): one link and one message per channel
    each, all in one transaction. Returns how many bookings were told."""
    now = now or timezone.now()
    bookings = (
        _due(now)
        .filter(pk__in=booking_ids)
        .select_related("slot", "office", "citizen", "service_type")
        .order_by("pk")
    )
    reasons = {}  # one day plan per office, day and language, however many bookings
    told = 0
    with transaction.atomic():
        for booking in bookings:
            deadline = move_deadline(booking)
            if deadline <= now:
                continue
            try:
                with transaction.atomic():
                    _tell(booking, deadline, reasons)
            except IntegrityError:
                # Another writer made this booking's link (and messages) first.
                continue
            except Exception:
                # One booking's bad data must not hold back the rest of the batch.
                logger.exception("closure notice not written", extra={"booking_id": booking.pk})
                continue
            told += 1
    return told


def _tell(booking: Booking, deadline: datetime.datetime, reasons: dict) -> None:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    RescheduleLink.objects.create(
        booking=booking, slot=booking.slot, token_hash=hash_token(token), expires_at=deadline
    )
    office = booking.office
    language = booking.language or "id"
    day = timezone.localdate(booking.slot.starts_at, timezone=office.tz)
    with translation.override(language):
        if (office.pk, day, language) not in reasons:
            plan = plan_days(office=office, start=day, days=1)[0]
            reasons[office.pk, day, language] = plan.reason or _("Jam layanan kantor berubah")
        notify_citizen(
            citizen=booking.citizen,
            contact=booking,
            kind=KIND,
            event_key=f"booking:{booking.pk}:switched-off:{booking.slot_id}",
            about=booking,
            office=office,
            context={
                "booking": booking,
                "reason": reasons[office.pk, day, language],
                "url": link_url(token),
                "expires_at": deadline,
                "last_day": (deadline - datetime.timedelta(days=1)).date(),
            },
            # A service message about their own booking: sent without reminder consent.
            short_messages=True,
        )


class LinkError(Exception):
    """A reschedule link that opens nothing: `reason` is "unknown", "expired" or "used"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def booking_for_link(*, token: str, now: datetime.datetime | None = None) -> Booking:
    """The booking a reschedule link opens, or LinkError. A link is spent once its booking
    has left the switched-off slot (moved, cancelled, or served), and expires with the
    booking's move deadline. Opening it changes nothing, so a mail scanner that follows
    links cannot use it up."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise LinkError("unknown")
    link = (
        RescheduleLink.objects.select_related("booking")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        raise LinkError("unknown")
    if (now or timezone.now()) >= link.expires_at:
        raise LinkError("expired")
    booking = link.booking
    if booking.status != Booking.Status.ACTIVE or booking.slot_id != link.slot_id:
        raise LinkError("used")
    return booking
