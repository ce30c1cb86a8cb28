"""Queueing a message with the broker down or silent: the citizen's request does not wait
for it (the row stays pending in the outbox for the requeue scan), and a silent broker is
tried once per REDIS_RETRY_AFTER seconds, not once per message."""

import pytest

from ktpportal.notifications.models import Notification, State
from tests.faults.conftest import SilentRedis, finishes_within
from tests.notifications.conftest import make_notification

pytestmark = pytest.mark.django_db


def _run(callbacks):
    for callback in callbacks:
        callback()


def test_queueing_gives_up_quickly_and_the_row_waits(
    office, app_on_broken_redis, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = make_notification(office)
    assert len(callbacks) == 1

    # What runs after the citizen's transaction commits, in their request.
    _, took = finishes_within(5, _run, callbacks)

    assert took < 1.0, f"queueing took {took:.2f} s"
    notification.refresh_from_db()
    assert notification.state == State.PENDING
    assert "queued for later delivery" in caplog.text


def test_a_silent_broker_is_tried_once_per_pause(
    office, settings, app_on_redis, django_capture_on_commit_callbacks
):
    settings.REDIS_RETRY_AFTER = 30
    silent = SilentRedis()
    try:
        app_on_redis(silent.url)
        with django_capture_on_commit_callbacks() as callbacks:
            for n in range(10):
                make_notification(office, n)
        _, took = finishes_within(10, _run, callbacks)
        assert silent.accepted == 1, silent.accepted  # one try, no retry, then the pause
        assert took < 1.0, f"ten messages took {took:.2f} s"
    finally:
        silent.close()
    assert Notification.objects.filter(state=State.PENDING).count() == 10
