"""Every job beat runs records its runs under its beat entry's name (ktpportal.jobs), and
the long ones carry their own time limits."""

import pytest
from celery.utils.imports import symbol_by_name
from django.conf import settings

from ktpportal.models import JobRun

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_each_periodic_task_records_its_run_under_its_beat_name(entry):
    task = symbol_by_name(settings.CELERY_BEAT_SCHEDULE[entry]["task"])

    task.apply(throw=True)

    run = JobRun.objects.get(name=entry)
    assert run.last_succeeded_at is not None and run.last_failed_at is None


@pytest.mark.parametrize("entry", sorted(settings.CELERY_JOB_TIME_LIMITS))
def test_long_jobs_run_under_their_own_time_limits(entry):
    task = symbol_by_name(settings.CELERY_BEAT_SCHEDULE[entry]["task"])

    assert (task.soft_time_limit, task.time_limit) == settings.CELERY_JOB_TIME_LIMITS[entry]
