"""What the waiting-room display board shows: the tickets called now with their counter, and
the last calls (docs/visit-day.md).

Hundreds of boards poll every few seconds, so `cached_board(slug)` answers from the cache,
running no query while nothing changed: each office has a version in the cache, and every
call, recall, skip, transfer or finish drops it (`changed`, now and again at commit, as
antrean.availability does for free seats). A board read keeps its office's day and is not
served once that day is over. BOARD_CACHE_SECONDS bounds what a drop lost to a Redis blip
can leave stale. If the cache cannot be reached the state is read from the database.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass, replace

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from antrean.models import EventKind, Ticket, VisitEvent
from antrean.visit import days
from ktpportal.models import Office

logger = logging.getLogger(__name__)

BOARD_CACHE_SECONDS = 120
LAST_CALLS = 8


@dataclass(frozen=True)
class Call:
    ticket: str  # "A-012"
    counter: str  # "Loket 3"
    counter_number: int | None
    at: datetime.datetime
    recall: bool = False


@dataclass(frozen=True)
class BoardState:
    office_name: str
    office_slug: str
    tz_name: str
    tz_label: str
    day: datetime.date
    called: tuple[Call, ...]  # called or being served now, the latest call first
    last_calls: tuple[Call, ...]  # calls and recalls of the day, the latest first
    valid_until: datetime.datetime  # the office's next midnight
    version: str = ""


def _call(ticket: Ticket, counter, at: datetime.datetime, recall: bool = False) -> Call:
    return Call(
        ticket=ticket.label,
        counter=counter.label if counter else "",
        counter_number=counter.number if counter else None,
        at=at,
        recall=recall,
    )


def board_state(*, office: Office, now: datetime.datetime | None = None) -> BoardState:
    """The board's state read from the database: two queries."""
    now = now or timezone.now()
    day = days.today(office, now)
    called = (
        Ticket.objects.filter(
            office=office, day=day, state__in=[Ticket.State.CALLED, Ticket.State.SERVING]
        )
        .select_related("counter")
        .order_by("-called_at", "-pk")
    )
    last = (
        VisitEvent.objects.filter(
            office=office,
            kind__in=[EventKind.CALLED, EventKind.RECALLED],
            at__gte=days.midnight(office, day),
        )
        .select_related("ticket", "counter")
        .order_by("-at", "-pk")[:LAST_CALLS]
    )
    return BoardState(
        office_name=office.name,
        office_slug=office.slug,
        tz_name=office.tz_name,
        tz_label=office.tz_label,
        day=day,
        called=tuple(_call(t, t.counter, t.called_at) for t in called),
        last_calls=tuple(
            _call(e.ticket, e.counter, e.at, recall=e.kind == EventKind.RECALLED) for e in last
        ),
        valid_until=days.midnight(office, day + datetime.timedelta(days=1)),
    )


def _version_key(slug: str) -> str:
    return f"antrean:board-version:{slug}"


def changed(office: Office) -> None:
    """A call changed what the office's board shows: drop its cached state now and again
    when the transaction commits (a board read meanwhile saw the rows before the commit)."""
    slug = office.slug

    def drop():
        try:
            cache.delete(_version_key(slug))
        except Exception:
            logger.warning("board cache unreachable: office %s not refreshed", slug)

    drop()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(drop)


def cached_board(office_slug: str, *, now: datetime.datetime | None = None) -> BoardState | None:
    """The board of the active office with this slug (None: no such office), from the
    cache while nothing changed; its `version` changes with every call (a page with
    JavaScript chimes when it does)."""
    now = now or timezone.now()
    version_key, key = _version_key(office_slug), f"antrean:board:{office_slug}"
    try:
        # The version is read before the database, so a state computed from rows older
        # than a change can never be kept under the version that follows it.
        found = cache.get_many([version_key, key])
        version = found.get(version_key)
        if version is None:
            cache.add(version_key, secrets.token_hex(4), timeout=None)
            version = cache.get(version_key)
    except Exception:
        logger.warning("board cache unreachable: read from the database")
        return _compute(office_slug, now, "")
    entry = found.get(key)
    if entry is not None and entry.version == version and now < entry.valid_until:
        return entry
    state = _compute(office_slug, now, version or "")
    if state is not None and version is not None:
        try:
            cache.set(key, state, BOARD_CACHE_SECONDS)
        except Exception:
            logger.warning("board cache unreachable: read from the database")
    return state


def _compute(office_slug: str, now: datetime.datetime, version: str) -> BoardState | None:
    office = Office.objects.active().filter(slug=office_slug).first()
    if office is None:
        return None
    return replace(board_state(office=office, now=now), version=version)
