"""The citizen-facing rate limits, all in one place (docs/security.md, "Rate limits").

The counters are django-ratelimit's: one-hour windows in the cache (Redis in production),
keyed by the client's address (`ktpportal.net.client_ip`), by a keyed hash of the NIK, or by
a booking. Carriers put thousands of phones behind one address, so what an address is
charged for is failures, never successes (except a high ceiling on bookings made):

- `failed()` after a wrong pair, a form that does not validate or a refused booking: counts
  it, and past a limit answers 429 instead of the failure. A correct pair or a booking that
  goes through is never counted, and never refused for failures made before it.
- `check()` before something that costs (a message sent, a seat taken), `record()` after.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited
from redis.exceptions import RedisError

from ktpportal.nik import normalize_nik

logger = logging.getLogger(__name__)

HOUR = 3600
# A NIK is 16 digits; anything longer typed into the box is not hashed whole.
_NIK_INPUT_MAX = 40


class Limited(Ratelimited):
    """A limit was reached. RatelimitMiddleware hands it to `ktpportal.views.ratelimited`,
    whose 429 page and Retry-After say when to try again: `retry_after` seconds, the time
    left in the window of the counter that refused."""

    def __init__(self, usages: list[dict]):
        super().__init__()
        # django-ratelimit's `time_left` is 0 in a window's last second, which still counts.
        self.retry_after = max(u["time_left"] for u in usages) + 1


@dataclass(frozen=True)
class Limit:
    """One counter: `group` names it in the cache, `per` is what it counts by ("address",
    "nik" or "booking"), `per_hour` a number or the name of the setting that holds it."""

    group: str
    per: str
    per_hour: int | str

    @property
    def allowed(self) -> int:
        return getattr(settings, self.per_hour) if isinstance(self.per_hour, str) else self.per_hour


# Per address: crowd-sized and per deployment (settings). Per NIK and per booking: one
# person's worth, the same everywhere.
BOOKING_FAILURES = (
    Limit("antrean.book.failures.address", "address", "RATELIMIT_FAILURES_PER_ADDRESS"),
    Limit("antrean.book.failures.nik", "nik", 10),
)
BOOKINGS = (Limit("antrean.book.address", "address", "RATELIMIT_BOOKINGS_PER_ADDRESS"),)
MANAGE_FAILURES = (
    Limit("antrean.manage.failures.address", "address", "RATELIMIT_FAILURES_PER_ADDRESS"),
    Limit("antrean.manage.failures.nik", "nik", 10),
)
# Reschedule links (antrean.closure_notices) that are unknown, spent or expired.
LINK_FAILURES = (
    Limit("antrean.link.failures.address", "address", "RATELIMIT_FAILURES_PER_ADDRESS"),
)
# Each reschedule sends a message and frees and takes a seat.
RESCHEDULES = (Limit("antrean.reschedule.booking", "booking", 5),)
STATUS_FAILURES = (
    Limit("status.lookup.failures.address", "address", "RATELIMIT_FAILURES_PER_ADDRESS"),
    Limit("status.lookup.failures.nik", "nik", 10),
)
# Every request for a status link, sent or not: counting only the sent ones would tell the
# asker, by the 429 coming sooner, that the NIK has an application.
STATUS_LINKS = (
    Limit("status.link.address", "address", "RATELIMIT_LINKS_PER_ADDRESS"),
    Limit("status.link.nik", "nik", 5),
)


def failed(request, rule: tuple[Limit, ...], *, nik: str = "") -> None:
    """Count one failure (`nik`: what was typed in the NIK box, if anything); raise Limited
    when a counter is past its limit, so the failure is answered with the 429 page."""
    over = [u for u in _usages(request, rule, nik, None, increment=True) if u["should_limit"]]
    if over:
        raise Limited(over)


def check(request, rule: tuple[Limit, ...], *, nik: str = "", booking_id=None) -> None:
    """Raise Limited if a counter has used up its limit; counts nothing."""
    used_up = [
        u
        for u in _usages(request, rule, nik, booking_id, increment=False)
        if u["count"] >= u["limit"]
    ]
    if used_up:
        raise Limited(used_up)


def record(request, rule: tuple[Limit, ...], *, nik: str = "", booking_id=None) -> None:
    """Count one against each counter, after the action `check` let through."""
    _usages(request, rule, nik, booking_id, increment=True)


def _usages(request, rule, nik, booking_id, *, increment: bool) -> list[dict]:
    if not settings.RATELIMIT_ENABLE:
        return []
    usages = []
    for limit in rule:
        key = _key(limit, nik, booking_id)
        if key is None:
            continue
        try:
            usage = get_usage(
                request,
                group=limit.group,
                key=key,
                rate=(limit.allowed, HOUR),
                increment=increment,
            )
        except RedisError as exc:
            # Fail open: an unreachable cache must not keep citizens out, nor be a 500.
            logger.warning("Rate limit %s not counted, cache error: %s", limit.group, exc)
            continue
        if usage is None:
            # django-ratelimit could not read or add the counter (RATELIMIT_FAIL_OPEN).
            logger.warning("Rate limit %s not counted, cache unavailable.", limit.group)
            continue
        usages.append(usage)
    return usages


def _key(limit: Limit, nik: str, booking_id):
    if limit.per == "address":
        return "ip"  # django-ratelimit's own: RATELIMIT_IP_META_KEY, IPv6 by /64
    if limit.per == "booking":
        return None if booking_id is None else lambda group, request: str(booking_id)
    nik = normalize_nik(nik[:_NIK_INPUT_MAX])
    if not (len(nik) == 16 and nik.isascii() and nik.isdigit()):
        # Nothing that could be a NIK: no person to count (the address still is).
        return None
    # A keyed hash: the cache never holds a NIK, and cannot be reversed by hashing all of
    # them without SECRET_KEY.
    digest = salted_hmac("ktpportal.ratelimits.nik", nik, algorithm="sha256").hexdigest()
    return lambda group, request: digest
