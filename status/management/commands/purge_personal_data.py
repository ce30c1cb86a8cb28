"""Erase personal data past RETENTION_DAYS: what goes and how is in status/purge.py.
Run it daily (cron or Celery beat); `--dry-run` only counts."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from status import purge


class Command(BaseCommand):
    help = "Hapus data pribadi yang melewati masa simpan (RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Hanya hitung, tanpa hapus.")

    def handle(self, *args, dry_run=False, **options):
        cutoff = timezone.now() - datetime.timedelta(days=settings.RETENTION_DAYS)
        counts = purge.purge(cutoff=cutoff, dry_run=dry_run)
        prefix = "dry run, would delete" if dry_run else "deleted"
        self.stdout.write(f"{prefix} (older than {cutoff:%Y-%m-%d}) {purge.summary(counts)}")
