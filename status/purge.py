"""Erase personal data the portal no longer needs (UU 27/2022: kept only as long as needed).

Older than RETENTION_DAYS: applications that reached a final stage (handed over, refused,
cancelled) with their timeline, queue tickets (with the visit day's events), bookings whose
visit is over, messages in the outbox that are sent or given up, and staff login records
(django-axes); then every citizen left with no booking and no application. An open
application is never erased, nor its citizen.

In batches, each deleted and committed on its own: a run stopped by its time limit or a
killed worker keeps what it deleted, and the next run finds the rest again, as the oldest
rows left. Each table is walked in primary-key order from its lowest id, BATCH_SIZE rows at
a time, and the walk ends at the first batch made wholly after the cutoff: ids grow with
creation time (a serial key and the creation time are both given at insert, so two rows
are out of order by milliseconds at most), and a row made after the cutoff cannot be due
(a booking is made before its visit, an application's stage changes after it was made, a
citizen is updated after it was made). So a night reads what it deletes and the older rows
that stay (open applications, citizens who came back), never a whole table; memory holds
one batch.
"""

import datetime
import logging
from collections.abc import Iterator

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from antrean.models import Booking, Ticket
from ktpportal.models import Citizen
from ktpportal.notifications.models import Notification, State
from status.models import Application, StatusChange
from status.stages import FINAL

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
KINDS = [
    "applications",
    "status changes",
    "tickets",
    "bookings",
    "notifications",
    "citizens",
    "login records",
]


def _walk(model, made_field: str, cutoff: datetime.datetime) -> Iterator[list[int]]:
    """Ids of `model`'s rows, BATCH_SIZE at a time in primary-key order, up to the first
    batch whose every row was made after the cutoff."""
    last = 0
    while True:
        rows = list(
            model.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", made_field)[:BATCH_SIZE]
        )
        if not rows:
            return
        yield [pk for pk, _made in rows]
        last = rows[-1][0]
        if all(made >= cutoff for _pk, made in rows):
            return


def _due(model, ids: list[int], condition: Q) -> list[int]:
    return list(model.objects.filter(condition, pk__in=ids).values_list("pk", flat=True))


def purge_batches(*, cutoff: datetime.datetime, dry_run: bool = False) -> Iterator[tuple[str, int]]:
    """(kind, rows) for each batch, after it was deleted and committed (only counted with
    `dry_run`). Whoever stops iterating between batches leaves the rest for the next run."""
    applications_due = Q(stage__in=FINAL, stage_changed_at__lt=cutoff)
    for ids in _walk(Application, "created_at", cutoff):
        with transaction.atomic():
            due = _due(Application, ids, applications_due)
            changes = StatusChange.objects.filter(application__in=due)
            if dry_run:
                changed = changes.count()
            else:
                changed = changes.delete()[0]
                Application.objects.filter(pk__in=due).delete()
        yield "status changes", changed
        yield "applications", len(due)

    # Queue tickets keep the phone a walk-in gave; a booked one goes with its booking too.
    # Their events go with them, and with the bookings below.
    for ids in _walk(Ticket, "issued_at", cutoff):
        with transaction.atomic():
            due = _due(Ticket, ids, Q(issued_at__lt=cutoff))
            if not dry_run:
                Ticket.objects.filter(pk__in=due).delete()
        yield "tickets", len(due)

    bookings_due = Q(slot__ends_at__lt=cutoff)
    for ids in _walk(Booking, "created_at", cutoff):
        with transaction.atomic():
            due = _due(Booking, ids, bookings_due)
            if not dry_run:
                # A kept application only loses its link to the booking (SET_NULL).
                Booking.objects.filter(pk__in=due).delete()
        yield "bookings", len(due)

    notifications_due = Q(state__in=[State.SENT, State.FAILED], created_at__lt=cutoff)
    for ids in _walk(Notification, "created_at", cutoff):
        with transaction.atomic():
            due = _due(Notification, ids, notifications_due)
            if not dry_run:
                Notification.objects.filter(pk__in=due).delete()
        yield "notifications", len(due)

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        for ids in _walk(model, "attempt_time", cutoff):
            with transaction.atomic():
                due = _due(model, ids, Q(attempt_time__lt=cutoff))
                if not dry_run:
                    model.objects.filter(pk__in=due).delete()
            yield "login records", len(due)

    # Last, once their bookings and applications are gone. A dry run deleted nothing, so
    # there it counts the citizens whose every booking and application would go.
    if dry_run:
        kept_bookings = Booking.objects.exclude(bookings_due)
        kept_applications = Application.objects.exclude(applications_due)
    else:
        kept_bookings, kept_applications = Booking.objects.all(), Application.objects.all()
    citizens_due = Q(
        ~Exists(kept_bookings.filter(citizen=OuterRef("pk"))),
        ~Exists(kept_applications.filter(citizen=OuterRef("pk"))),
        updated_at__lt=cutoff,
    )
    for ids in _walk(Citizen, "created_at", cutoff):
        with transaction.atomic():
            due = _due(Citizen, ids, citizens_due)
            if not dry_run:
                Citizen.objects.filter(pk__in=due).delete()
        yield "citizens", len(due)


def purge(*, cutoff: datetime.datetime, dry_run: bool = False, counts: dict | None = None):
    """Run every batch; `counts` ({kind: rows}) is filled as they commit, so a caller that
    is interrupted still knows what was done."""
    counts = {kind: 0 for kind in KINDS} if counts is None else counts
    for kind in KINDS:
        counts.setdefault(kind, 0)
    for kind, rows in purge_batches(cutoff=cutoff, dry_run=dry_run):
        counts[kind] += rows
    return counts


def summary(counts: dict) -> str:
    return ", ".join(f"{kind}: {counts.get(kind, 0)}" for kind in KINDS)
