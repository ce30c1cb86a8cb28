import logging

from celery import shared_task
from django.conf import settings

from antrean import closure_notices, disruptions
from antrean.slots import generate_all
from ktpportal.jobs import Deadline, periodic_job

logger = logging.getLogger(__name__)

_SOFT_LIMIT, _HARD_LIMIT = settings.CELERY_JOB_TIME_LIMITS["generate-slots-daily"]


class SlotGenerationFailed(Exception):
    """Some offices got no new day; the others did (each office is its own transaction)."""


@shared_task(ignore_result=True, soft_time_limit=_SOFT_LIMIT, time_limit=_HARD_LIMIT)
@periodic_job("generate-slots-daily")
def generate_slots_daily(budget: float | None = None) -> str:
    """Open the next day of the booking window at every office, a day before it opens
    (beat, once a day, after midnight in all three zones). Idempotent, so a missed, repeated
    or interrupted run does no harm: the next one makes what is missing."""
    results, failed = generate_all(deadline=Deadline.for_job("generate-slots-daily", budget))
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


@shared_task(ignore_result=True)
@periodic_job("send-closure-notices")
def send_closure_notices(office_id: int | None = None) -> int:
    """Tell citizens whose visit was switched off (antrean.closure_notices): queued when a
    switch-off commits (one office), and by beat every five minutes (all of them)."""
    handed = closure_notices.queue_due_notices(office_id=office_id)
    if handed:
        logger.info("closure notice batches queued", extra={"bookings": handed})
    return handed


@shared_task(ignore_result=True)
def write_closure_notices(booking_ids: list[int]) -> None:
    told = closure_notices.write_notices(booking_ids)
    if told:
        logger.info("closure notices written", extra={"count": told})


@shared_task(ignore_result=True)
@periodic_job("send-disruption-notices")
def send_disruption_notices(disruption_id: int | None = None) -> int:
    """Send disruption notices to the day's bookings (antrean.disruptions): queued when a
    notice is posted or sent again (that notice), and by beat every five minutes (all)."""
    handed = disruptions.queue_due_notices(disruption_id=disruption_id)
    if handed:
        logger.info("disruption notice batches queued", extra={"bookings": handed})
    return handed


@shared_task(ignore_result=True)
def write_disruption_notices(disruption_id: int, revision: int, booking_ids: list[int]) -> None:
    sent = disruptions.write_notices(disruption_id, revision, booking_ids)
    if sent:
        logger.info("disruption notices written", extra={"count": sent})
