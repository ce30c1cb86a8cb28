"""Disruption notices: an office tells the day's visitors that SIAK is down, the power is
out, the network is cut.

Office admins post and edit them in the admin, always through `save_disruption`. A notice
shows on the office's pages for its date (the service, date and time pages, and the page of
a booking on that date) until its end time or the end of its day, office time (`shown`).

It is sent, by email and by short message whatever the reminder consent (a service message
about the citizen's own visit), to the bookings of that day it concerns: active, made before
it was posted (later ones saw it while booking), visit not over, and starting before its end
time when it has one. Each booking gets each revision once: the outbox key is
`booking:<id>:disruption:<notice id>:<revision>`. An edit changes the pages at once and is
sent again only when staff tick "kirim ulang": that makes a new revision, marked as an update.

Sending works as for closure notices (antrean.closure_notices): after the notice commits, a
task reads the due bookings in keyset batches of ids and hands each batch to a writer task
(one transaction per batch). What is due is read from the outbox itself, so the beat scan
every five minutes makes good a task that was lost.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation

from antrean import availability
from antrean.models import Booking, Disruption
from ktpportal.jobs import queue_after_commit
from ktpportal.models import Office
from ktpportal.notifications.models import Notification
from ktpportal.notifications.services import notify_citizen

logger = logging.getLogger(__name__)

KIND = "disruption_notice"
BATCH_SIZE = 200


def save_disruption(*, disruption: Disruption, by=None, resend: bool = False) -> Disruption:
    """Post a new notice (sent to that day's bookings) or save an edit (sent again, as an
    update, only with `resend`). Raises ValidationError for a notice that has already ended
    or that the office has posted already."""
    creating = disruption._state.adding
    with transaction.atomic():
        if creating:
            disruption.created_by = by if by is not None and by.is_authenticated else None
        elif resend:
            disruption.revision += 1
        if creating or resend:
            disruption.notified_at = timezone.now()
        disruption.full_clean()
        disruption.save()
        availability.forget(disruption.office)
        if creating or resend:
            _announce(disruption.pk)
    return disruption


def _announce(disruption_id: int) -> None:
    from antrean.tasks import send_disruption_notices

    queue_after_commit(
        send_disruption_notices, disruption_id, left_to="the disruption notices' beat scan"
    )


def upcoming(office: Office) -> list[Disruption]:
    """The office's notices from its today on, ended or not (`current` drops those: it needs
    the clock, so what is read here can be kept in the cache with the page's listing)."""
    notices = list(Disruption.objects.from_today(office))
    for notice in notices:
        notice.office = office
    return notices


def current(
    notices: list[Disruption],
    *,
    day: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> list[Disruption]:
    """Those not yet ended (for that office-local `day` only, when given)."""
    now = now or timezone.now()
    return [n for n in notices if n.is_current(now) and (day is None or n.date == day)]


def shown(*, office: Office, day: datetime.date | None = None) -> list[Disruption]:
    """What the office's pages show now: its notices not yet ended, for `day` when given."""
    return current(upcoming(office), day=day)


def event_key(disruption: Disruption, booking: Booking) -> str:
    return f"booking:{booking.pk}:disruption:{disruption.pk}:{disruption.revision}"


def _due(disruption: Disruption, now: datetime.datetime):
    """The bookings this revision of the notice still has to reach."""
    office = disruption.office
    day_start = datetime.datetime.combine(disruption.date, datetime.time(0), tzinfo=office.tz)
    # Keys are "<event key>:<channel>"; the subject index finds a booking's few rows.
    sent = Notification.objects.filter(
        subject_type=Booking._meta.label_lower,
        subject_id=OuterRef("pk"),
        kind=KIND,
        key__contains=f":disruption:{disruption.pk}:{disruption.revision}:",
    )
    return (
        Booking.objects.filter(
            office=office,
            status=Booking.Status.ACTIVE,
            slot__starts_at__gte=day_start,
            slot__starts_at__lt=disruption.ends(),
            slot__ends_at__gt=now,
            created_at__lte=disruption.notified_at,
        )
        .alias(sent=Exists(sent))
        .filter(sent=False)
    )


def queue_due_notices(
    *, disruption_id: int | None = None, now: datetime.datetime | None = None
) -> int:
    """Hand every booking still to be sent a notice (of one notice, or of all current ones)
    to writer tasks, in keyset batches of ids. Returns how many bookings were handed out."""
    from antrean.tasks import write_disruption_notices

    now = now or timezone.now()
    # Every office is ahead of UTC (WIB, WITA, WIT): its today is never before UTC's.
    notices = Disruption.objects.select_related("office").filter(
        date__gte=now.astimezone(datetime.UTC).date()
    )
    if disruption_id is not None:
        notices = notices.filter(pk=disruption_id)
    handed = 0
    for notice in notices:
        if not notice.is_current(now):
            continue
        due = _due(notice, now)
        last = 0
        while True:
            ids = list(
                due.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]
            )
            if not ids:
                break
            write_disruption_notices.delay(notice.pk, notice.revision, ids)
            handed += len(ids)
            last = ids[-1]
    return handed


def write_notices(
    disruption_id: int,
    revision: int,
    booking_ids: list[int],
    now: datetime.datetime | None = None,
) -> int:
    """Send this revision of the notice to those of these bookings still due (checked
    again), in one transaction. A newer revision, an ended or a deleted notice sends
    nothing. Returns how many bookings were sent it."""
    now = now or timezone.now()
    notice = Disruption.objects.select_related("office").filter(pk=disruption_id).first()
    if notice is None or notice.revision != revision or not notice.is_current(now):
        return 0
    bookings = (
        _due(notice, now)
        .filter(pk__in=booking_ids)
        .select_related("slot", "office", "citizen", "service_type")
        .order_by("pk")
    )
    sent = 0
    with transaction.atomic():
        for booking in bookings:
            try:
                with transaction.atomic(), translation.override(booking.language or "id"):
                    notify_citizen(
                        citizen=booking.citizen,
                        contact=booking,
                        kind=KIND,
                        event_key=event_key(notice, booking),
                        about=booking,
                        office=booking.office,
                        context={
                            "booking": booking,
                            "notice": notice,
                            "updated": notice.revision > 1,
                        },
                        # A service message about their own visit: sent without consent.
                        short_messages=True,
                    )
            except Exception:
                # One booking's bad data must not hold back the rest of the batch.
                logger.exception("disruption notice not written", extra={"booking_id": booking.pk})
                continue
            sent += 1
    return sent
