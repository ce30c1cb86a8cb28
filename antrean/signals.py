"""Staff edits that change what an office has free, or what its booking pages show, drop its
cached listings (antrean/availability.py). Seats taken and given back, and regenerated
slots, call `availability.forget` themselves: they change rows with UPDATE and bulk_create,
which send no signals, and delete slots with no receiver listening (one forget for the
office, not two cache calls per slot inside the regeneration's transaction).

A saved reminder time moves the office's bookings' next reminder (antrean.reminders)."""

from django.db.models.signals import post_delete, post_save, pre_save

from antrean import availability, reminders
from antrean.models import (
    Booking,
    BookingSettings,
    BookingSetup,
    Closure,
    OfficeService,
    OpeningHours,
    Slot,
)
from ktpportal.models import Office, ServiceType


def _part_changed(sender, instance, **kwargs):
    try:
        office = instance.office
    except Office.DoesNotExist:  # deleted with its office, which forgets itself
        return
    availability.forget(office)


def _office_changed(sender, instance, **kwargs):
    availability.forget(instance)


def _office_renamed(sender, instance, **kwargs):
    """A new slug: the listings under the old one go too."""
    if instance.pk is None:
        return
    old = Office.objects.filter(pk=instance.pk).exclude(slug=instance.slug).first()
    if old is not None:
        availability.forget(old)


def _settings_saved(sender, instance, **kwargs):
    # Only bookings with a reminder still to come: one with none left gets none from a
    # new reminder time either (its visit is within two hours of when it was made).
    reminders.refresh_next_reminders(
        Booking.objects.filter(office_id=instance.office_id, next_reminder_at__isnull=False)
    )


def _service_changed(sender, instance, **kwargs):
    for office in Office.objects.filter(office_services__service_type=instance).distinct():
        availability.forget(office)


def connect() -> None:
    def both(receiver, model):
        uid = f"availability-{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)

    for model in (BookingSettings, Closure, OfficeService, OpeningHours):
        both(_part_changed, model)
    # Staff cannot edit or delete slots (SlotAdmin is read only): only antrean.slots deletes
    # them, and forgets the office itself; a slot deleted with its office goes with it.
    post_save.connect(_part_changed, sender=Slot, dispatch_uid="availability-antrean.slot")
    post_save.connect(
        _settings_saved, sender=BookingSettings, dispatch_uid="reminders-bookingsettings"
    )
    # The admin's per-office settings page saves the office through its proxy.
    for model in (Office, BookingSetup):
        both(_office_changed, model)
        pre_save.connect(
            _office_renamed, sender=model, dispatch_uid=f"renamed-{model._meta.label_lower}"
        )
    both(_service_changed, ServiceType)
