import pytest

from ktpportal.jobs import periodic_job
from ktpportal.models import JobRun

pytestmark = pytest.mark.django_db


def test_a_job_that_succeeds_records_its_success_and_summary():
    @periodic_job("test-job")
    def job():
        return "12 done"

    assert job() == "12 done"
    run = JobRun.objects.get(name="test-job")
    assert run.last_succeeded_at is not None
    assert run.last_failed_at is None
    assert run.last_summary == "12 done"
    assert run.last_duration >= 0


def test_a_job_that_fails_records_the_failure_and_keeps_the_last_success():
    @periodic_job("test-job")
    def ok():
        return None

    @periodic_job("test-job")
    def broken():
        raise RuntimeError("boom")

    ok()
    succeeded = JobRun.objects.get(name="test-job").last_succeeded_at
    with pytest.raises(RuntimeError):
        broken()
    run = JobRun.objects.get(name="test-job")
    assert run.last_failed_at is not None
    assert run.last_failed_at >= run.last_started_at
    assert run.last_succeeded_at == succeeded
