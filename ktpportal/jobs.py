"""Periodic jobs record when they last ran and last succeeded (ktpportal.models.JobRun).

    @shared_task(ignore_result=True, soft_time_limit=..., time_limit=...)
    @periodic_job("purge-personal-data")
    def purge_personal_data(): ...

The record is written in its own short statements, outside the job's transactions, so a job
that fails or is killed still leaves its start (and, when Python sees it, its failure)
behind. What the job returns (a count, a summary) is kept as its last summary.
"""

import functools
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ktpportal.models import JobRun

logger = logging.getLogger(__name__)


def _record(name: str, **fields) -> None:
    try:
        JobRun.objects.update_or_create(name=name, defaults=fields)
    except Exception:
        # The record is for operators; it never decides whether the job itself runs.
        logger.exception("job run not recorded", extra={"job": name})


def periodic_job(name: str):
    def decorate(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            _record(name, last_started_at=timezone.now())
            started = time.monotonic()
            try:
                result = func(*args, **kwargs)
            except BaseException:
                _record(
                    name,
                    last_failed_at=timezone.now(),
                    last_duration=time.monotonic() - started,
                )
                raise
            _record(
                name,
                last_succeeded_at=timezone.now(),
                last_duration=time.monotonic() - started,
                last_summary="" if result is None else str(result)[:500],
            )
            return result

        return run

    return decorate


def queue_after_commit(task, *args, left_to: str) -> None:
    """Queue `task(*args)` once the current transaction commits. A broker that cannot take
    it is logged, not raised: what was committed stands, and `left_to` (the beat scan that
    reads what is due from the rows) does the work within minutes instead."""

    def queue():
        try:
            task.delay(*args)
        except Exception as exc:
            logger.warning(
                "task left to %s",
                left_to,
                extra={"task": task.name, "error": f"{type(exc).__name__}: {exc}"},
            )

    transaction.on_commit(queue)


class OutOfTime(Exception):
    """A long job used its time and stopped between batches. What it committed stays; the
    next run goes on from there. Raised so that the run is recorded as failed: a backlog
    that takes several runs is seen, not hidden."""


class Deadline:
    """When a long job stops itself, between batches, before its soft time limit.

    Celery's soft limit raises wherever the job happens to be, also while a statement waits
    on the database, which leaves the connection unusable for recording the run. The
    limit stays as the backstop; the job checks `passed()` after each batch."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._at = time.monotonic() + seconds

    @classmethod
    def for_job(cls, name: str, budget: float | None = None) -> "Deadline":
        """`budget` seconds, or the job's soft limit (CELERY_JOB_TIME_LIMITS) less a tenth."""
        if budget is None:
            soft, _hard = settings.CELERY_JOB_TIME_LIMITS[name]
            budget = soft - max(soft / 10, 5)
        return cls(budget)

    def passed(self) -> bool:
        return time.monotonic() >= self._at

    def stop(self, done: str) -> OutOfTime:
        return OutOfTime(
            f"stopped after {self.seconds:g} s, the rest left for the next run: {done}"
        )
