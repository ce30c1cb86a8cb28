from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def clear_expired_sessions() -> None:
    """Beat, daily: expired staff sessions are personal data too."""
    call_command("clearsessions")
