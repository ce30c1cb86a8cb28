import datetime
import logging
import time

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from ktpportal.jobs import periodic_job
from status import purge

logger = logging.getLogger(__name__)

_SOFT_LIMIT, _HARD_LIMIT = settings.CELERY_JOB_TIME_LIMITS["purge-personal-data"]


# The purge stops itself between batches this long before its soft time limit: the soft
# limit's exception can land while a DELETE waits on the database, which leaves the
# connection unusable for recording the run. The limit stays as the backstop.
_MARGIN = 60


class PurgeIncomplete(Exception):
    """The purge used its time and stopped between batches; the next run goes on."""


@shared_task(ignore_result=True, soft_time_limit=_SOFT_LIMIT, time_limit=_HARD_LIMIT)
@periodic_job("purge-personal-data")
def purge_personal_data(budget: float | None = None) -> str:
    """Beat, daily: erase what is past RETENTION_DAYS (see docs/security.md). After `budget`
    seconds (its soft time limit less a margin) it stops between batches, keeping every
    batch it committed, and the run is recorded as failed so that a backlog is seen; the
    next night goes on."""
    budget = max(_SOFT_LIMIT - _MARGIN, 1) if budget is None else budget
    deadline = time.monotonic() + budget
    cutoff = timezone.now() - datetime.timedelta(days=settings.RETENTION_DAYS)
    counts = {kind: 0 for kind in purge.KINDS}
    try:
        for kind, rows in purge.purge_batches(cutoff=cutoff):
            counts[kind] += rows
            if time.monotonic() >= deadline:
                raise PurgeIncomplete(
                    f"stopped after {budget:g} s, the rest is left for the next run: "
                    + purge.summary(counts)
                )
    finally:
        # Also when stopped: what was erased is erased.
        logger.info(
            "personal data purged",
            extra={kind.replace(" ", "_"): rows for kind, rows in counts.items()},
        )
    return purge.summary(counts)
