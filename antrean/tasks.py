import logging

from celery import shared_task

from antrean.slots import generate_all

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def generate_slots_daily() -> None:
    """Open the next day of the booking window at every office (beat, once a day, after
    midnight in all three zones). Idempotent, so a missed or repeated run does no harm."""
    for slug, summary in generate_all().items():
        logger.info("slots generated", extra={"office": slug, "summary": summary})
