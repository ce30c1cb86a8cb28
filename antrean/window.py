"""The booking window: which office-local days a citizen may book at a given moment.

An office takes bookings `days_ahead` days ahead, today included, and opens each new day at
its own opening time (BookingSettings.booking_opens_at, office time): the window's last day,
today + days_ahead - 1, opens at that time today. Before it, the window ends a day earlier.
Put the other way round, a day D opens at the opening time on D - (days_ahead - 1), and it
can be booked from then until it is over (the cut-off before each slot applies on top).
At 00.00 this is the plain "today and the next days_ahead - 1 days".

Everything that decides or shows whether a day can be booked asks BookingSettings.window()
(SlotQuerySet.bookable, services.check_slot, availability.days_for and slots_for, and the
cached date and time pages, which turn over with the window).
"""

import datetime
import zoneinfo
from dataclasses import dataclass

_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class BookingWindow:
    first_day: datetime.date  # the office's today
    last_day: datetime.date  # the newest open day; before first_day while none is open
    since: datetime.datetime  # the window is the same from this moment...
    until: datetime.datetime  # ...up to this one: the next local midnight or opening time
    days_ahead: int
    opening_time: datetime.time
    tz: zoneinfo.ZoneInfo

    @classmethod
    def at(
        cls,
        now: datetime.datetime,
        *,
        days_ahead: int,
        opening_time: datetime.time,
        tz: zoneinfo.ZoneInfo,
    ) -> "BookingWindow":
        today = now.astimezone(tz).date()
        midnight = datetime.datetime.combine(today, datetime.time(0), tzinfo=tz)
        opened = datetime.datetime.combine(today, opening_time, tzinfo=tz)
        if now >= opened:
            last_day, since, until = today + (days_ahead - 1) * _DAY, opened, midnight + _DAY
        else:
            last_day, since, until = today + (days_ahead - 2) * _DAY, midnight, opened
        return cls(today, last_day, since, until, days_ahead, opening_time, tz)

    def __contains__(self, day: datetime.date) -> bool:
        return self.first_day <= day <= self.last_day

    def opens_at(self, day: datetime.date) -> datetime.datetime:
        """The moment `day` opens for booking (in the office's zone)."""
        return datetime.datetime.combine(
            day - (self.days_ahead - 1) * _DAY, self.opening_time, tzinfo=self.tz
        )

    def is_current(self, now: datetime.datetime) -> bool:
        """Whether this is still the window at `now`: what was shown from it still holds."""
        return self.since <= now < self.until
