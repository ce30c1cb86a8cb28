"""Booking, rescheduling, cancelling and checking in: every write to a booking goes here.

What must never break is left to the database: a seat is taken by a conditional UPDATE
(`booked < capacity`, with a check constraint behind it), one active booking per NIK and
service by a partial unique constraint, and one booking per form by a unique token. The
Python checks before them exist to give the citizen a message they can act on.

The package is split by journey: `booking` (book, find), `manage` (reschedule, cancel),
`counter` (check in, no-show, flag), and `seats`, what they share. The visit day at the
office (tickets, counters, the end of each day) is antrean.visit.
"""

from antrean.services.booking import book_slot, find_booking
from antrean.services.counter import check_in_booking, flag_bookings, mark_no_show
from antrean.services.manage import cancel_booking, reschedule_booking
from antrean.services.seats import (
    LOCK_TIMEOUT,
    MESSAGES,
    BookingError,
    check_slot,
    validate_full_name,
)

__all__ = [
    "LOCK_TIMEOUT",
    "MESSAGES",
    "BookingError",
    "book_slot",
    "cancel_booking",
    "check_in_booking",
    "check_slot",
    "find_booking",
    "flag_bookings",
    "mark_no_show",
    "reschedule_booking",
    "validate_full_name",
]
