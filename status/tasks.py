import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from ktpportal.jobs import Deadline, periodic_job
from status import purge

logger = logging.getLogger(__name__)

_SOFT_LIMIT, _HARD_LIMIT = settings.CELERY_JOB_TIME_LIMITS["purge-personal-data"]


@shared_task(ignore_result=True, soft_time_limit=_SOFT_LIMIT, time_limit=_HARD_LIMIT)
@periodic_job("purge-personal-data")
def purge_personal_data(budget: float | None = None) -> str:
    """Beat, daily: erase what is past RETENTION_DAYS (see docs/security.md). Out of time
    (`budget` seconds, by default its soft limit less a tenth) it stops between batches,
    keeping every batch it committed (ktpportal.jobs.Deadline); the next night goes on."""
    deadline = Deadline.for_job("purge-personal-data", budget)
    cutoff = timezone.now() - datetime.timedelta(days=settings.RETENTION_DAYS)
    counts = {kind: 0 for kind in purge.KINDS}
    try:
        for kind, rows in purge.purge_batches(cutoff=cutoff):
            counts[kind] += rows
            if deadline.passed():
                raise deadline.stop(purge.summary(counts))
    finally:
        # Also when stopped: what was erased is erased.
        logger.info(
            "personal data purged",
            extra={kind.replace(" ", "_"): rows for kind, rows in counts.items()},
        )
    return purge.summary(counts)
