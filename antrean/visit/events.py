"""Writing the events of the visit day (antrean.models.VisitEvent): one row per step, in
the step's own transaction."""

import datetime

from antrean.models import Booking, Counter, EventKind, Ticket, VisitEvent


def record(
    kind: EventKind,
    *,
    at: datetime.datetime,
    booking: Booking | None = None,
    ticket: Ticket | None = None,
    staff=None,
    counter: Counter | None = None,
    detail: str = "",
) -> VisitEvent:
    about = ticket if ticket is not None else booking
    return VisitEvent.objects.create(
        kind=kind,
        at=at,
        office_id=about.office_id,
        booking_id=booking.pk if booking is not None else ticket.booking_id,
        ticket=ticket,
        service_type_id=about.service_type_id,
        staff=staff if staff is not None and staff.is_authenticated else None,
        counter=counter,
        detail=detail[:200],
    )
