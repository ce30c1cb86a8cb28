import logging

from celery import shared_task

from antrean import closure_notices, disruptions
from antrean.slots import generate_all
from ktpportal.jobs import periodic_job

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def generate_slots_daily() -> None:
    """Open the next day of the booking window at every office (beat, once a day, after
    midnight in all three zones). Idempotent, so a missed or repeated run does no harm."""
    for slug, summary in generate_all().items():
        logger.info("slots generated", extra={"office": slug, "summary": summary})


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
