from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("antrean", "0008_booking_visit_starts_at")]

    operations = [
        migrations.AlterField(
            model_name="booking",
            name="visit_starts_at",
            field=models.DateTimeField(editable=False, verbose_name="waktu kunjungan"),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["office", "visit_starts_at", "id"],
                name="antrean_booking_active_visit",
            ),
        ),
    ]
