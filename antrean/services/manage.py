"""Rescheduling and cancelling a booking."""

import datetime

from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from antrean.closure_notices import move_deadline
from antrean.models import Booking, BookingSettings, EventKind, Slot
from antrean.reminders import next_reminder_at
from antrean.services.seats import (
    bound_lock_waits,
    check_slot,
    free_seat,
    is_busy,
    locked_active,
    notify_booking,
    refusal,
    take_seat,
)
from antrean.visit import events


def reschedule_booking(*, booking: Booking, new_slot: Slot) -> Booking:
    """Move the booking to `new_slot`: the new seat is taken and the old one freed in one
    transaction, so if the new slot is full the booking stays where it was."""
    try:
        with transaction.atomic():
            bound_lock_waits()
            booking = locked_active(booking)
            now = timezone.now()
            settings = BookingSettings.for_office(booking.office)
            if not booking.slot.is_active:
                # The office called this visit off: it may be moved after its time too, for
                # a while (the citizen could not come, and may read the notice late).
                if now >= move_deadline(booking):
                    raise refusal("past")
            elif booking.slot.starts_at <= now:
                raise refusal("past")
            elif booking.slot.starts_at < now + datetime.timedelta(minutes=settings.cutoff_minutes):
                raise refusal("cutoff", minutes=settings.cutoff_minutes)
            new_slot = Slot.objects.select_related("office").get(pk=new_slot.pk)
            if new_slot.office_id != booking.office_id:
                raise refusal("wrong_office")
            if new_slot.pk == booking.slot_id:
                # Not a change: no seat moves, no count goes up, no message is sent.
                raise refusal("same_slot")
            check_slot(slot=new_slot, service_type=booking.service_type, now=now)
            old_slot_id = booking.slot_id
            # Slot rows are locked in id order, so two people swapping slots cannot deadlock.
            if old_slot_id < new_slot.pk:
                free_seat(old_slot_id, booking.office)
                take_seat(new_slot)
            else:
                take_seat(new_slot)
                free_seat(old_slot_id, booking.office)
            booking.slot = new_slot
            booking.visit_starts_at = new_slot.starts_at
            booking.reschedule_count = F("reschedule_count") + 1
            booking.needs_attention = False
            booking.attention_reason = ""
            # The new visit's reminders have new keys: one already due goes out at once.
            booking.next_reminder_at = next_reminder_at(booking, settings.reminder_time, now)
            booking.save(
                update_fields=[
                    "slot",
                    "visit_starts_at",
                    "reschedule_count",
                    "needs_attention",
                    "attention_reason",
                    "next_reminder_at",
                    "updated_at",
                ]
            )
            booking.refresh_from_db(fields=["reschedule_count"])
            notify_booking(
                booking,
                "booking_rescheduled",
                f"booking:{booking.pk}:rescheduled:{booking.reschedule_count}",
                with_calendar=True,
            )
    except OperationalError as exc:
        if is_busy(exc):
            raise refusal("busy") from None
        raise
    return booking


def cancel_booking(*, booking: Booking) -> Booking:
    """Cancel the booking; its seat is free for someone else at once."""
    try:
        with transaction.atomic():
            bound_lock_waits()
            booking = locked_active(booking)
            now = timezone.now()
            # A visit the office called off can be cancelled until its move deadline.
            if now >= (
                booking.slot.starts_at if booking.slot.is_active else move_deadline(booking)
            ):
                raise refusal("past")
            booking.status = Booking.Status.CANCELLED
            booking.cancelled_at = now
            booking.next_reminder_at = None
            booking.save(update_fields=["status", "cancelled_at", "next_reminder_at", "updated_at"])
            free_seat(booking.slot_id, booking.office)
            events.record(EventKind.CANCELLED, at=now, booking=booking)
            notify_booking(
                booking,
                "booking_cancelled",
                f"booking:{booking.pk}:cancelled",
                with_calendar=False,
            )
    except OperationalError as exc:
        if is_busy(exc):
            raise refusal("busy") from None
        raise
    return booking
