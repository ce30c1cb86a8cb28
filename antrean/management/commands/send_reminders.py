from django.core.management.base import BaseCommand

from antrean.reminders import write_due_reminders
from ktpportal.notifications.tasks import requeue_pending


class Command(BaseCommand):
    help = (
        "Tulis pengingat kunjungan yang sudah waktunya dan kirim ulang notifikasi yang "
        "tertunda. Untuk instalasi tanpa Redis: jalankan dari cron tiap 5 menit."
    )

    def handle(self, *args, **options):
        # Without a broker (the embedded default) tasks run in-process: the reminders are
        # sent right here, and so are earlier messages whose send failed.
        written = write_due_reminders()
        requeued = requeue_pending()
        self.stdout.write(f"reminders written: {written}; pending notifications queued: {requeued}")
