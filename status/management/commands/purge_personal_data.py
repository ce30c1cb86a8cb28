"""Erase personal data the portal no longer needs (UU 27/2022: kept only as long as needed).

Older than RETENTION_DAYS: bookings whose visit is over, applications that reached a final
stage (handed over, refused, cancelled) with their timeline, messages in the outbox that are
sent or given up, and staff login records (django-axes); then every citizen left with no
booking and no application. Run it daily
(cron or Celery beat); `--dry-run` only counts.
"""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from antrean.models import Booking
from ktpportal.models import Citizen
from ktpportal.notifications.models import Notification, State
from status.models import Application, StatusChange
from status.stages import FINAL


class Command(BaseCommand):
    help = "Hapus data pribadi yang melewati masa simpan (RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Hanya hitung, tanpa hapus.")

    def handle(self, *args, dry_run=False, **options):
        cutoff = timezone.now() - datetime.timedelta(days=settings.RETENTION_DAYS)
        counts = purge(cutoff=cutoff, dry_run=dry_run)
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        prefix = "dry run, would delete" if dry_run else "deleted"
        self.stdout.write(f"{prefix} (older than {cutoff:%Y-%m-%d}) {summary}")


@transaction.atomic
def purge(*, cutoff: datetime.datetime, dry_run: bool = False) -> dict[str, int]:
    applications = Application.objects.filter(stage__in=FINAL, stage_changed_at__lt=cutoff)
    bookings = Booking.objects.filter(slot__ends_at__lt=cutoff)
    notifications = Notification.objects.filter(
        state__in=[State.SENT, State.FAILED], created_at__lt=cutoff
    )
    changes = StatusChange.objects.filter(application__in=applications)
    logins = [
        model.objects.filter(attempt_time__lt=cutoff)
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    ]
    # Citizens whose every booking and application goes now (or went before).
    orphans = list(
        Citizen.objects.filter(updated_at__lt=cutoff)
        .exclude(Exists(Booking.objects.filter(citizen=OuterRef("pk")).exclude(pk__in=bookings)))
        .exclude(
            Exists(Application.objects.filter(citizen=OuterRef("pk")).exclude(pk__in=applications))
        )
        .values_list("pk", flat=True)
    )
    counts = {
        "applications": applications.count(),
        "status changes": changes.count(),
        "bookings": bookings.count(),
        "notifications": notifications.count(),
        "citizens": len(orphans),
        "login records": sum(records.count() for records in logins),
    }
    if not dry_run:
        changes.delete()
        # A kept application only loses its link to the booking (SET_NULL).
        applications.delete()
        bookings.delete()
        notifications.delete()
        Citizen.objects.filter(pk__in=orphans).delete()
        for records in logins:
            records.delete()
    return counts
