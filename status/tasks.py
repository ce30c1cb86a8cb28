import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from ktpportal.jobs import periodic_job
from status import purge

logger = logging.getLogger(__name__)

_SOFT_LIMIT, _HARD_LIMIT = settings.CELERY_JOB_TIME_LIMITS["purge-personal-data"]


@shared_task(ignore_result=True, soft_time_limit=_SOFT_LIMIT, time_limit=_HARD_LIMIT)
@periodic_job("purge-personal-data")
def purge_personal_data() -> str:
    """Beat, daily: erase what is past RETENTION_DAYS (see docs/security.md). Stopped by
    its time limit, it keeps every batch it committed; the next night goes on."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.RETENTION_DAYS)
    counts = {}
    try:
        purge.purge(cutoff=cutoff, counts=counts)
    finally:
        # Also when stopped: what was erased is erased.
        logger.info(
            "personal data purged",
            extra={kind.replace(" ", "_"): rows for kind, rows in counts.items()},
        )
    return purge.summary(counts)
