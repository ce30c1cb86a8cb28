"""What counter staff and slot generation record on bookings: the visit's outcome, and
the flag for staff."""

from django.db import transaction
from django.utils import timezone

from antrean.models import Booking
from antrean.services.seats import locked_active


def _set_visit_outcome(*, booking: Booking, status: str) -> Booking:
    with transaction.atomic():
        booking = locked_active(booking)
        booking.status = status
        booking.next_reminder_at = None
        booking.save(update_fields=["status", "next_reminder_at", "updated_at"])
    return booking


def check_in_booking(*, booking: Booking) -> Booking:
    """Counter staff: the citizen came. The seat stays taken (it was used)."""
    return _set_visit_outcome(booking=booking, status=Booking.Status.CHECKED_IN)


def mark_no_show(*, booking: Booking) -> Booking:
    """Counter staff: the citizen did not come. The seat stays counted: the time is gone."""
    return _set_visit_outcome(booking=booking, status=Booking.Status.NO_SHOW)


def flag_bookings(*, slot_ids, reason: str) -> int:
    """Mark active bookings on slots that no longer exist as needing staff attention."""
    return Booking.objects.filter(
        slot_id__in=slot_ids, status=Booking.Status.ACTIVE, needs_attention=False
    ).update(needs_attention=True, attention_reason=reason[:200], updated_at=timezone.now())
