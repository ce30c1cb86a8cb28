from celery import shared_task
from django.core.management import call_command

from ktpportal.jobs import periodic_job


@shared_task(ignore_result=True)
@periodic_job("clear-expired-sessions")
def clear_expired_sessions() -> None:
    """Beat, daily: expired staff sessions are personal data too."""
    call_command("clearsessions")
