import logging

from celery import shared_task
from django.conf import settings

from antrean.slots import generate_all
from ktpportal.jobs import periodic_job

logger = logging.getLogger(__name__)

_SOFT_LIMIT, _HARD_LIMIT = settings.CELERY_JOB_TIME_LIMITS["generate-slots-daily"]


class SlotGenerationFailed(Exception):
    """Some offices got no new day; the others did (each office is its own transaction)."""


@shared_task(ignore_result=True, soft_time_limit=_SOFT_LIMIT, time_limit=_HARD_LIMIT)
@periodic_job("generate-slots-daily")
def generate_slots_daily() -> str:
    """Open the next day of the booking window at every office, a day before it opens
    (beat, once a day, after midnight in all three zones). Idempotent, so a missed, repeated
    or interrupted run does no harm: the next one makes what is missing."""
    results, failed = generate_all()
    for slug, result in results.items():
        logger.info("slots generated", extra={"office": slug, "summary": str(result)})
    summary = (
        f"{len(results)} offices: {sum(r.created for r in results.values())} slots created, "
        f"{sum(r.flagged for r in results.values())} bookings flagged"
    )
    if failed:
        # Raised after every other office had its turn, so the run is recorded as failed.
        raise SlotGenerationFailed(f"{summary}; {len(failed)} failed: {', '.join(failed)}")
    return summary
