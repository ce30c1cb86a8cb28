"""Staff edits that change what an office has free drop its cached availability
(antrean/availability.py). Seats taken and given back, and regenerated slots, call
`availability.forget` themselves: they change rows with UPDATE and bulk_create, which send
no signals."""

from django.db.models.signals import post_delete, post_save

from antrean import availability
from antrean.models import BookingSettings, Closure, OfficeService, OpeningHours, Slot


def _office_changed(sender, instance, **kwargs):
    availability.forget(instance.office_id)


def connect() -> None:
    for model in (BookingSettings, Closure, OfficeService, OpeningHours, Slot):
        label = model._meta.label_lower
        post_save.connect(_office_changed, sender=model, dispatch_uid=f"availability-{label}")
        post_delete.connect(_office_changed, sender=model, dispatch_uid=f"availability-{label}")
