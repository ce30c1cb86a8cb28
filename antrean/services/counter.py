"""What counter staff and slot generation record on bookings: the visit's outcome, and
the flag for staff."""

from django.db import transaction
from django.utils import timezone

from antrean.models import Booking, EventKind
from antrean.services.seats import locked_active
from antrean.visit import events


def _set_visit_outcome(*, booking: Booking, status: str, kind: EventKind, by) -> Booking:
    with transaction.atomic():
        booking = locked_active(booking)
        booking.status = status
        booking.next_reminder_at = None
        booking.save(update_fields=["status", "next_reminder_at", "updated_at"])
        events.record(kind, at=timezone.now(), booking=booking, staff=by)
    return booking


def check_in_booking(*, booking: Booking, by=None) -> Booking:
    """Counter staff: the citizen came (without a ticket: the visit day's check-in, which
    gives one, is antrean.visit.arrival). The seat stays taken (it was used)."""
    return _set_visit_outcome(
        booking=booking, status=Booking.Status.CHECKED_IN, kind=EventKind.CHECKED_IN, by=by
    )


def mark_no_show(*, booking: Booking, by=None) -> Booking:
    """Counter staff: the citizen did not come. The seat stays counted: the time is gone.
    It counts for the office's no-show rule (antrean.visit.noshow)."""
    return _set_visit_outcome(
        booking=booking, status=Booking.Status.NO_SHOW, kind=EventKind.NO_SHOW, by=by
    )


def flag_bookings(*, slot_ids, reason: str) -> int:
    """Mark active bookings on slots that no longer exist as needing staff attention."""
    return Booking.objects.filter(
        slot_id__in=slot_ids, status=Booking.Status.ACTIVE, needs_attention=False
    ).update(needs_attention=True, attention_reason=reason[:200], updated_at=timezone.now())
