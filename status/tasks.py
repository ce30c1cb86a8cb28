from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def purge_personal_data() -> None:
    """Beat, daily: erase what is past RETENTION_DAYS (see docs/security.md)."""
    call_command("purge_personal_data")
