import pytest

from ktpportal.jobs import periodic_job, queue_after_commit
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


class _BrokerGone:
    """A task whose broker cannot be reached (Celery's side, not ours)."""

    name = "tests.broker_gone"

    def __init__(self):
        self.tried = []

    def delay(self, *args):
        self.tried.append(args)
        raise ConnectionError("broker unreachable")


def test_a_task_queued_after_commit_with_the_broker_gone_is_left_to_the_scan(
    django_capture_on_commit_callbacks, caplog
):
    task = _BrokerGone()
    with django_capture_on_commit_callbacks(execute=True):
        queue_after_commit(task, 7, left_to="the test's scan")
        assert task.tried == []  # nothing before the commit
    assert task.tried == [(7,)]
    assert "task left to the test's scan" in caplog.text
