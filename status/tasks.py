from celery import shared_task
from django.conf import settings
from django.core.management import call_command

from ktpportal.jobs import periodic_job

_SOFT_LIMIT, _HARD_LIMIT = settings.CELERY_JOB_TIME_LIMITS["purge-personal-data"]


@shared_task(ignore_result=True, soft_time_limit=_SOFT_LIMIT, time_limit=_HARD_LIMIT)
@periodic_job("purge-personal-data")
def purge_personal_data() -> None:
    """Beat, daily: erase what is past RETENTION_DAYS (see docs/security.md)."""
    call_command("purge_personal_data")
