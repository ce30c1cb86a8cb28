"""The no-show rule, an office's choice (VisitSettings.no_show_rule, off by default): after
`no_show_limit` no-shows at the office within `no_show_days` days, that NIK waits
`no_show_wait_days` days from the last of them before booking there again.

Counted from the event rows (VisitEvent NO_SHOW: the end of the day's or staff's "tidak
hadir"), reached through the citizen's few bookings by their indexes. A booking the office
cancelled (its slot switched off) is never a no-show, so it never counts.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from antrean.models import EventKind, VisitEvent, VisitSettings
from ktpportal.models import Office


@dataclass(frozen=True)
class NoShowWait:
    count: int  # no-shows within the window that started the wait
    days: int  # the window
    until: datetime.date  # office-local: booking is open again from this day


def no_show_wait(*, nik: str, office: Office, now: datetime.datetime) -> NoShowWait | None:
    """Whether this NIK must wait before booking at this office, and until when."""
    settings = VisitSettings.for_office(office)
    if not settings.no_show_rule:
        return None
    window = datetime.timedelta(days=settings.no_show_days)
    wait = datetime.timedelta(days=settings.no_show_wait_days)
    # Only no-shows recent enough to have started a wait that is not over yet, and the
    # window of no-shows before them.
    times = sorted(
        VisitEvent.objects.filter(
            kind=EventKind.NO_SHOW,
            office=office,
            booking__citizen__nik=nik,
            at__gte=now - wait - window - datetime.timedelta(days=1),
        ).values_list("at", flat=True)
    )
    found = None
    for index, at in enumerate(times):
        count = sum(1 for earlier in times[: index + 1] if earlier > at - window)
        if count < settings.no_show_limit:
            continue
        until = timezone.localdate(at, timezone=office.tz) + wait
        if until > timezone.localdate(now, timezone=office.tz) and (
            found is None or until > found.until
        ):
            found = NoShowWait(count=count, days=settings.no_show_days, until=until)
    return found
