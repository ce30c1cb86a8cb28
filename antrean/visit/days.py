"""An office's day as the visit day sees it: which day it is there, and when it closes."""

import datetime

from django.utils import formats, timezone

from antrean.calendar_rules import DayPlan, plan_days
from ktpportal.models import Office
from ktpportal.timeutil import format_office_time


def today(office: Office, now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now, timezone=office.tz)


def midnight(office: Office, day: datetime.date) -> datetime.datetime:
    """The moment `day` begins at the office."""
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=office.tz)


def closes_at(office: Office, day: datetime.date) -> datetime.datetime | None:
    """When the office stops serving on `day` (its hours, a half day, a closure, a holiday:
    antrean.calendar_rules), or None when it does not serve that day."""
    return plan_closes_at(office, plan_days(office=office, start=day, days=1)[0])


def plan_closes_at(office: Office, plan: DayPlan) -> datetime.datetime | None:
    if not plan.is_open:
        return None
    return datetime.datetime.combine(plan.date, plan.intervals[-1][1], tzinfo=office.tz)


def hour(moment: datetime.datetime, office: Office) -> str:
    """ "09.12 WIB" """
    return format_office_time(moment, office.tz_name, "TIME")


def date(day: datetime.date) -> str:
    """ "Rabu, 2 Desember 2026" in the active language."""
    return formats.date_format(day, "l, j F Y")
