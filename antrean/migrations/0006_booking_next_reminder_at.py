from django.db import migrations, models
from django.utils import timezone


def due_now(apps, schema_editor):
    """Every active booking still ahead is looked at by the first scan after the upgrade,
    which writes what the old scan would have (its outbox keys stop a second copy) and
    stores each booking's real next moment."""
    Booking = apps.get_model("antrean", "Booking")
    now = timezone.now()
    Booking.objects.filter(status="active", slot__starts_at__gt=now).update(next_reminder_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("antrean", "0005_disruptions"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="next_reminder_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="pengingat berikutnya"
            ),
        ),
        migrations.RunPython(due_now, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                condition=models.Q(("next_reminder_at__isnull", False)),
                fields=["next_reminder_at", "id"],
                name="antrean_booking_reminder_due",
            ),
        ),
    ]
