"""What a citizen sees when choosing a date and a time: free seats and, for a day or slot
that cannot be booked, the reason.

Each function runs a fixed number of queries, however many days or slots it shows: the
slots are read in one query and counted in Python, the calendar in two (calendar_rules).

The date and time pages show the same thing to everyone, and the minute a day opens
everyone asks for them at once: `cached` keeps what they show (antrean.views.booking: the
office, the service and the rendered list of days or slots) for AVAILABILITY_CACHE_SECONDS
(0 turns that off), so a page served from the cache runs no query. Whatever changes what an
office has free or what its pages show (a seat taken or given back, slots regenerated, the
office, its hours, closures, settings, services) calls `forget(office)`, which drops the
office's entries at once and again when the transaction commits. Nothing announces the
booking window moving on (at midnight and at the office's opening time, antrean.window):
each page keeps the window it was made in and is not served once it has moved
(antrean.views.booking), so a new day shows the minute it opens. The expiry bounds the
rest: the cut-off moving on (a slot can still show as free for those seconds after booking
it closed). What is shown never decides anything: booking reads the office, the service and
the slot again, the slot under its lock (antrean.services). If the cache cannot be reached,
the pages are computed without it.
"""

import datetime
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from antrean.calendar_rules import plan_days
from antrean.models import BookingSettings, OfficeService, Slot
from antrean.window import BookingWindow
from ktpportal.models import Office, ServiceType
from ktpportal.timeutil import format_office_time

logger = logging.getLogger(__name__)

# Days after the booking window shown too, so people see when to come back.
NOT_OPEN_DAYS_SHOWN = 3


class State:
    OPEN = "open"
    FULL = "full"
    CLOSED = "closed"
    NOT_OPEN = "not_open"
    PAST = "past"


@dataclass
class DayAvailability:
    date: datetime.date
    free: int
    capacity: int
    state: str
    reason: str
    opening: str = ""  # when a day not open yet opens (opening_phrase)

    @property
    def is_open(self) -> bool:
        return self.state == State.OPEN


@dataclass
class SlotAvailability:
    slot: Slot
    free: int
    bookable: bool
    reason: str


def services_for(*, office: Office) -> list[ServiceType]:
    """The services this office takes bookings for, in the national order."""
    return [
        office_service.service_type
        for office_service in OfficeService.objects.offered(office).select_related("service_type")
    ]


def opening_phrase(window: BookingWindow, day: datetime.date, office: Office) -> str:
    """When a day not open yet opens, as a citizen reads it after "dibuka": "hari ini pukul
    07.00 WIB", "besok pukul 07.00 WIB" or "12 Desember 2026 pukul 07.00 WIB". Today and
    tomorrow are the window's: a page showing this turns over with the window."""
    opens = window.opens_at(day)
    time = format_office_time(opens, office.tz_name, "TIME")
    opens_on = timezone.localdate(opens, timezone=office.tz)
    if opens_on == window.first_day:
        return _("hari ini pukul %(time)s") % {"time": time}
    if opens_on == window.first_day + datetime.timedelta(days=1):
        return _("besok pukul %(time)s") % {"time": time}
    return _("%(date)s pukul %(time)s") % {
        "date": formats.date_format(opens_on, "j F Y"),
        "time": time,
    }


def days_for(
    *, office: Office, service_type: ServiceType, window: BookingWindow | None = None
) -> list[DayAvailability]:
    """The booking window (antrean.window: from today, office time) and a few days after it,
    each with its free seats or the reason it cannot be booked; a day not open yet says when
    it opens."""
    now = timezone.now()
    settings = BookingSettings.for_office(office)
    window = window or settings.window(now)
    cutoff = now + datetime.timedelta(minutes=settings.cutoff_minutes)
    shown_days = (window.last_day - window.first_day).days + 1 + NOT_OPEN_DAYS_SHOWN
    plans = plan_days(office=office, start=window.first_day, days=shown_days)
    window_start = datetime.datetime.combine(window.first_day, datetime.time(0), tzinfo=office.tz)
    window_end = datetime.datetime.combine(
        window.last_day + datetime.timedelta(days=1), datetime.time(0), tzinfo=office.tz
    )
    slots = (
        Slot.objects.for_service(office=office, service_type=service_type)
        .filter(starts_at__gte=window_start, starts_at__lt=window_end)
        .values_list("starts_at", "capacity", "booked")
    )
    capacity = defaultdict(int)
    free = defaultdict(int)
    has_slots = set()
    has_later_slots = set()
    for starts_at, slot_capacity, booked in slots:
        day = timezone.localdate(starts_at, timezone=office.tz)
        has_slots.add(day)
        capacity[day] += slot_capacity
        if starts_at >= cutoff:
            has_later_slots.add(day)
            free[day] += max(slot_capacity - booked, 0)

    result = []
    for plan in plans:
        day = plan.date
        opening = ""
        if not plan.is_open:
            # Before "not open yet": nobody should come back for a holiday.
            state, reason = State.CLOSED, plan.reason
        elif day not in window:
            opening = opening_phrase(window, day, office)
            state, reason = State.NOT_OPEN, _("Belum dibuka: dibuka %(when)s") % {"when": opening}
        elif day not in has_slots:
            state, reason = State.CLOSED, _("Tidak ada jadwal layanan")
        elif free[day]:
            state, reason = State.OPEN, plan.reason
        elif day not in has_later_slots:
            state, reason = State.PAST, _("Waktu pemesanan hari ini sudah lewat")
        else:
            state, reason = State.FULL, _("Penuh")
        result.append(DayAvailability(day, free[day], capacity[day], state, reason, opening))
    return result


def slots_for(
    *,
    office: Office,
    service_type: ServiceType,
    day: datetime.date,
    window: BookingWindow | None = None,
) -> list[SlotAvailability]:
    """Every slot of that office-local day for the service, bookable or not, with why not."""
    now = timezone.now()
    settings = BookingSettings.for_office(office)
    window = window or settings.window(now)
    cutoff = now + datetime.timedelta(minutes=settings.cutoff_minutes)
    plan = plan_days(office=office, start=day, days=1)[0]
    slots = (
        Slot.objects.for_service(office=office, service_type=service_type)
        .on_day(office=office, on=day)
        .select_related("office")
        .order_by("starts_at")
    )
    result = []
    for slot in slots:
        local_start = timezone.localtime(slot.starts_at, office.tz).time()
        if not any(start <= local_start < end for start, end in plan.intervals):
            bookable, reason = False, plan.reason or _("Kantor tidak melayani")
        elif day > window.last_day:
            bookable, reason = False, _("Belum dibuka")
        elif slot.starts_at < cutoff:
            # Days before the window too: their slots are all past.
            bookable, reason = False, _("Waktu pemesanan sudah lewat")
        elif slot.free <= 0:
            bookable, reason = False, _("Penuh")
        else:
            bookable, reason = True, ""
        result.append(SlotAvailability(slot, slot.free, bookable, reason))
    return result


def _version_key(office_slug: str) -> str:
    return f"antrean:availability:{office_slug}"


def forget(office: Office) -> None:
    """What this office has free, or what its pages show, changed: its cached listings are
    dropped now and again when the current transaction commits. The first drop is for
    readers in this transaction (and tests, which never commit); the second for a page
    computed meanwhile from the rows as they were before the commit."""
    slug = office.slug

    def drop():
        try:
            cache.delete(_version_key(slug))
        except Exception:
            # The entries then live out their AVAILABILITY_CACHE_SECONDS.
            logger.warning("availability cache unreachable: office %s not refreshed", slug)

    drop()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(drop)


def cached(office_slug: str, parts: tuple, compute, *, still_valid=None):
    """What `compute()` returns for this office and these key parts, from the cache while
    nothing changed the office (and for AVAILABILITY_CACHE_SECONDS at most), and while
    `still_valid(value)` holds. Keyed by the office's slug, as its URLs are, so that a page
    served from the cache needs no query at all; an exception from `compute()` (a 404)
    passes through and nothing is kept."""
    seconds = django_settings.AVAILABILITY_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    version_key = _version_key(office_slug)
    key = ":".join(str(part) for part in ("antrean:free", office_slug, *parts))
    try:
        # One round trip for the office's version and the entry, which carries the version
        # it was computed under. Both are read before the database: a change committed
        # after this read drops the version, so what is computed here never passes for
        # the figures of a newer one.
        found = cache.get_many([version_key, key])
        version = found.get(version_key)
        if version is None:
            cache.add(version_key, secrets.token_hex(4), timeout=None)
            version = cache.get(version_key)
    except Exception:
        logger.warning("availability cache unreachable: computed without it")
        return compute()
    if version is None:
        # The version vanished between writing and reading it (evicted, or dropped by a
        # change just then): an entry kept under no version could match a stale one.
        return compute()
    entry = found.get(key)
    if entry is not None and entry[0] == version and (still_valid is None or still_valid(entry[1])):
        return entry[1]
    value = compute()
    try:
        cache.set(key, (version, value), seconds)
    except Exception:
        logger.warning("availability cache unreachable: computed without it")
    return value
