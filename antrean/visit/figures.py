"""A day at an office in figures, for staff ("Hari ini"): bookings and tickets by outcome,
and per service the median and 90th percentile of the wait and of the service time
(docs/visit-day.md). Three queries, whatever the size of the day.

The wait runs from when a ticket started waiting on the office (its slot's start, or its
arrival if later: an early arrival's minutes before its slot are not the office's) to its
first call; the service time from "mulai dilayani" (or the last call) to "Selesai". A
ticket closed by the end of the day has no service time. Each figure comes with the
number of tickets behind it: over a handful of tickets a median says little.
"""

import datetime
import math
import statistics
from dataclasses import dataclass

from antrean.models import Booking, Ticket
from antrean.visit import days
from ktpportal.models import Office, ServiceType


@dataclass(frozen=True)
class Spread:
    count: int
    median: datetime.timedelta | None
    p90: datetime.timedelta | None

    @classmethod
    def of(cls, durations: list[datetime.timedelta]) -> "Spread":
        if not durations:
            return cls(0, None, None)
        ordered = sorted(durations)
        # Nearest rank: the smallest duration at least 90% of them do not exceed.
        p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]
        return cls(len(ordered), statistics.median(ordered), p90)


@dataclass(frozen=True)
class ServiceFigures:
    service: str
    tickets: int
    served: int
    wait: Spread
    service_time: Spread


@dataclass(frozen=True)
class DayFigures:
    day: datetime.date
    booked: int  # bookings for the day not cancelled
    checked_in: int
    no_shows: int
    not_yet_arrived: int  # still active
    cancelled_by_citizen_or_office: int
    walk_ins: int
    waiting: int  # tickets waiting now
    at_counter: int  # called or being served now
    served: int
    left: int
    services: tuple[ServiceFigures, ...]


def day_figures(*, office: Office, day: datetime.date) -> DayFigures:
    start = days.midnight(office, day)
    statuses = dict.fromkeys(Booking.Status.values, 0)
    for status in Booking.objects.filter(
        office=office,
        visit_starts_at__gte=start,
        visit_starts_at__lt=start + datetime.timedelta(days=1),
    ).values_list("status", flat=True):
        statuses[status] += 1
    tickets = list(
        Ticket.objects.filter(office=office, day=day).values_list(
            "service_type_id",
            "kind",
            "state",
            "ready_at",
            "first_called_at",
            "serving_started_at",
            "finished_at",
        )
    )
    names = dict(
        ServiceType.objects.filter(pk__in={row[0] for row in tickets}).values_list("pk", "name")
    )
    per_service = {}
    for service_id, _kind, state, ready, first_called, started, finished in tickets:
        row = per_service.setdefault(
            service_id, {"tickets": 0, "served": 0, "wait": [], "time": []}
        )
        row["tickets"] += 1
        if first_called is not None:
            row["wait"].append(first_called - ready)
        if state == Ticket.State.DONE:
            row["served"] += 1
            if started is not None and finished is not None:
                row["time"].append(finished - started)
    states = [state for _s, _k, state, *_rest in tickets]
    return DayFigures(
        day=day,
        booked=sum(n for status, n in statuses.items() if status != Booking.Status.CANCELLED),
        checked_in=statuses[Booking.Status.CHECKED_IN],
        no_shows=statuses[Booking.Status.NO_SHOW],
        not_yet_arrived=statuses[Booking.Status.ACTIVE],
        cancelled_by_citizen_or_office=statuses[Booking.Status.CANCELLED],
        walk_ins=sum(1 for _s, kind, *_rest in tickets if kind == Ticket.Kind.WALK_IN),
        waiting=states.count(Ticket.State.WAITING),
        at_counter=states.count(Ticket.State.CALLED) + states.count(Ticket.State.SERVING),
        served=states.count(Ticket.State.DONE),
        left=states.count(Ticket.State.LEFT),
        services=tuple(
            ServiceFigures(
                service=names[service_id],
                tickets=row["tickets"],
                served=row["served"],
                wait=Spread.of(row["wait"]),
                service_time=Spread.of(row["time"]),
            )
            for service_id, row in sorted(per_service.items(), key=lambda item: names[item[0]])
        ),
    )
