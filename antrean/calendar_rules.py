"""Is an office open on a given day, during which hours, and if not, why.

The one place that decides it: slot generation uses the hours, the availability pages and
the booking checks use the reason, so a citizen is never told a day is open that has no
slots, or closed for a reason other than the real one.

National holidays come from the `holidays` package (country ID, category public); cuti
bersama only from its government category (../shared/DOMAIN.md). Cuti bersama moves by
joint ministerial decree, so an office's own Closure rows can close more days, close
early (half days) or lift a holiday when staff serve anyway.
"""

import datetime
import functools
from dataclasses import dataclass

import holidays
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from antrean.models import Closure, OpeningHours, Weekday
from ktpportal.languages import Sentence, localized
from ktpportal.models import Office

Interval = tuple[datetime.time, datetime.time]


@dataclass(frozen=True)
class DayPlan:
    date: datetime.date
    intervals: tuple[Interval, ...]  # empty when closed
    # Why closed, or why the hours are short ("" on an ordinary day); a closure's reason in
    # it is marked with its language on a page (ktpportal.languages.Sentence).
    reason: str

    @property
    def is_open(self) -> bool:
        return bool(self.intervals)


@functools.lru_cache(maxsize=64)
def _holidays(category: str, year: int, language: str) -> dict[datetime.date, str]:
    return dict(
        holidays.country_holidays("ID", categories=(category,), years=year, language=language)
    )


def holiday_reason(day: datetime.date) -> str:
    """ "Libur nasional: Hari Raya Natal", the cuti bersama's own name, or ""."""
    # The package names holidays in Indonesian or English; follow the page's language.
    language = "en_US" if (get_language() or "id").startswith("en") else "id"
    name = _holidays("public", day.year, language).get(day)
    if name:
        return _("Libur nasional: %(name)s") % {"name": name}
    name = _holidays("government", day.year, language).get(day)
    if name:
        return _("Cuti bersama: %(name)s") % {"name": name}
    return ""


def plan_day(day: datetime.date, hours: OpeningHours | None, closure: Closure | None) -> DayPlan:
    """The office's day from its weekly hours, the holiday calendar and its own closure."""
    if hours is None:
        return DayPlan(
            day,
            (),
            _("Kantor tidak melayani pada hari %(weekday)s")
            % {"weekday": Weekday(day.weekday()).label},
        )
    holiday = holiday_reason(day)
    if closure is not None and not closure.lifts_holiday and closure.closes_at is None:
        return DayPlan(day, (), _closed(closure))
    if holiday and not (closure is not None and closure.lifts_holiday):
        return DayPlan(day, (), holiday)
    intervals = tuple(hours.intervals())
    reason = ""
    if closure is not None and closure.closes_at is not None:
        intervals = tuple(
            (start, min(end, closure.closes_at))
            for start, end in intervals
            if start < closure.closes_at
        )
        reason = Sentence(
            _("Tutup pukul %(time)s: %(reason)s"),
            time=closure.closes_at.strftime("%H.%M"),
            reason=localized(closure, "reason"),
        )
        if not intervals:
            return DayPlan(day, (), _closed(closure))
    return DayPlan(day, intervals, reason)


def _closed(closure: Closure) -> Sentence:
    # Staff's reason in English when they gave one, else in Indonesian, marked so on a page.
    return Sentence(_("Kantor tutup: %(reason)s"), reason=localized(closure, "reason"))


def plan_days(*, office: Office, start: datetime.date, days: int) -> list[DayPlan]:
    """Plans for `days` days from `start`, in two queries whatever the number of days; fewer
    when the calendar ends first (9999-12-31 has no day after it)."""
    days = max(0, min(days, (datetime.date.max - start).days + 1))
    if not days:
        return []
    last = start + datetime.timedelta(days=days - 1)
    hours = {h.weekday: h for h in OpeningHours.objects.filter(office=office)}
    closures = {
        c.date: c for c in Closure.objects.filter(office=office, date__gte=start, date__lte=last)
    }
    return [
        plan_day(day, hours.get(day.weekday()), closures.get(day))
        for day in (start + datetime.timedelta(days=n) for n in range(days))
    ]
