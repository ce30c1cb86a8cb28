from django.core.management.base import BaseCommand, CommandError

from antrean.slots import generate_all
from ktpportal.models import Office


class Command(BaseCommand):
    help = (
        "Make booking slots ahead of time for every active office (or one), from each "
        "office's own today, over its booking window and one day beyond, or --days days. "
        "Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, help="days ahead (default: each office's window + 1)"
        )
        parser.add_argument("--office", metavar="SLUG", help="only this office")

    def handle(self, *args, days=None, office=None, **options):
        if days is not None and not 1 <= days <= 366:
            raise CommandError("--days must be between 1 and 366.")
        if office and not Office.objects.active().filter(slug=office).exists():
            raise CommandError(f"No active office with slug {office!r}.")
        results, failed = generate_all(days=days, office_slug=office)
        for slug, result in results.items():
            self.stdout.write(f"{slug}: {result}")
        if failed:
            raise CommandError(f"No slots generated for {', '.join(failed)} (see the log).")
