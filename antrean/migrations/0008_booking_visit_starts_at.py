"""Bookings keep their slot's start (antrean.visit.closing reads it from one partial index):
the column is added, filled from the slots, then made required and indexed (0009), in two
migrations so that the filling UPDATE and the ALTER are not in one transaction."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Booking = apps.get_model("antrean", "Booking")
    Slot = apps.get_model("antrean", "Slot")
    Booking.objects.filter(visit_starts_at__isnull=True).update(
        visit_starts_at=Subquery(Slot.objects.filter(pk=OuterRef("slot_id")).values("starts_at"))
    )


class Migration(migrations.Migration):
    dependencies = [("antrean", "0007_visit_day")]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="visit_starts_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="waktu kunjungan"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
