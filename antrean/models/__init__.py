"""Booking visit slots: each office's settings and calendar, the slots, the bookings, and
what the office tells citizens about their visit.

A slot is a row made ahead of time (antrean.slots) so that its capacity is something the
database can guard: `booked` only moves through a conditional UPDATE in antrean.services,
and a check constraint stops it from ever passing `capacity`.
"""

from antrean.models.bookings import Booking
from antrean.models.notices import Disruption, DisruptionQuerySet, RescheduleLink
from antrean.models.office import (
    BookingSettings,
    BookingSetup,
    Closure,
    OfficeService,
    OfficeServiceQuerySet,
    OpeningHours,
    Weekday,
    validate_whole_minute,
)
from antrean.models.slots import Slot, SlotQuerySet
from antrean.models.tickets import (
    EventKind,
    Ticket,
    TicketKind,
    TicketPriority,
    TicketState,
    VisitEvent,
)
from antrean.models.visit import Counter, TicketSequence, VisitSettings, WalkInTally

__all__ = [
    "Booking",
    "BookingSettings",
    "BookingSetup",
    "Closure",
    "Disruption",
    "DisruptionQuerySet",
    "OfficeService",
    "OfficeServiceQuerySet",
    "OpeningHours",
    "RescheduleLink",
    "Slot",
    "SlotQuerySet",
    "Weekday",
    "validate_whole_minute",
    # The visit day (docs/visit-day.md).
    "Counter",
    "EventKind",
    "Ticket",
    "TicketKind",
    "TicketPriority",
    "TicketSequence",
    "TicketState",
    "VisitEvent",
    "VisitSettings",
    "WalkInTally",
]
