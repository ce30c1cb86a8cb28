"""Sending one outbox row: claim once, retry with backoff, fail after the last attempt,
and the requeue scan that picks up what a lost message or a dead worker left behind."""

import datetime
import logging

import pytest
from django.db import transaction
from django.utils import timezone

from ktpportal.celery import app as celery_app
from ktpportal.notifications.models import Notification, State
from ktpportal.notifications.sending import retry_delay, rows_to_requeue, send_one
from ktpportal.notifications.services import resend_failed
from tests.notifications import backends
from tests.notifications.conftest import RECORDING_BACKEND, make_notification

PHONE = "081234567890"


@pytest.fixture
def recording(settings, sends_table):
    settings.SHORT_MESSAGE_BACKEND = RECORDING_BACKEND


@pytest.fixture
def eager(monkeypatch):
    """Tasks run in-process, as on the embedded default, even when REDIS_URL is set."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def test_send_marks_the_row_sent_and_a_second_run_sends_nothing(office, recording):
    notification = make_notification(office)

    assert send_one(notification.pk) is None
    assert send_one(notification.pk) is None

    notification.refresh_from_db()
    assert notification.state == State.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None
    assert backends.recorded() == {notification.key: 1}


def test_transient_failure_puts_the_row_back_with_backoff_and_a_masked_error(
    office, gateway, gateway_settings
):
    gateway_settings.NOTIFICATION_RETRY_BACKOFF = 40
    gateway.script[PHONE] = [503]
    notification = make_notification(office)
    before = timezone.now()

    delay = send_one(notification.pk)

    assert 20 <= delay <= 40
    notification.refresh_from_db()
    assert notification.state == State.PENDING
    assert notification.attempts == 1
    assert "503" in notification.last_error
    assert PHONE not in notification.last_error
    assert notification.next_attempt_at >= before + datetime.timedelta(seconds=20)
    assert gateway.delivered == {}


def test_backoff_doubles_up_to_its_cap(settings):
    settings.NOTIFICATION_RETRY_BACKOFF = 10
    settings.NOTIFICATION_RETRY_BACKOFF_MAX = 60
    assert 5 <= retry_delay(1) <= 10
    assert 20 <= retry_delay(3) <= 40
    assert 30 <= retry_delay(8) <= 60


def test_last_attempt_fails_the_row_and_logs_an_error_without_the_recipient(
    office, gateway, gateway_settings, caplog
):
    gateway_settings.NOTIFICATION_MAX_ATTEMPTS = 2
    gateway.script[PHONE] = [500, 502, 200]
    notification = make_notification(office)

    with caplog.at_level(logging.INFO):
        assert send_one(notification.pk) is not None
        assert send_one(notification.pk) is None
        assert send_one(notification.pk) is None  # failed rows are not sent again

    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (State.FAILED, 2)
    assert "502" in notification.last_error
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [(r.notification_id, r.kind) for r in errors] == [(notification.pk, "test_message")]
    for record in caplog.records:
        assert PHONE not in record.getMessage()
        assert PHONE not in str(vars(record))
    assert len(gateway.requests) == 2


def test_a_refused_message_fails_at_once(office, gateway, gateway_settings):
    gateway.script[PHONE] = [422]
    notification = make_notification(office)

    assert send_one(notification.pk) is None

    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (State.FAILED, 1)
    assert "422" in notification.last_error


def test_requeue_takes_over_rows_stuck_sending_after_the_timeout(office, settings):
    settings.NOTIFICATION_SENDING_TIMEOUT = 300
    now = timezone.now()
    stuck = make_notification(office, 1)
    live = make_notification(office, 2)
    Notification.objects.filter(pk=stuck.pk).update(
        state=State.SENDING, attempts=1, claimed_at=now - datetime.timedelta(seconds=301)
    )
    Notification.objects.filter(pk=live.pk).update(
        state=State.SENDING, attempts=1, claimed_at=now - datetime.timedelta(seconds=200)
    )

    assert rows_to_requeue() == [stuck.pk]

    stuck.refresh_from_db()
    live.refresh_from_db()
    assert stuck.state == State.PENDING
    assert live.state == State.SENDING


def test_a_stuck_row_that_had_all_its_attempts_is_failed(office, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    notification = make_notification(office)
    Notification.objects.filter(pk=notification.pk).update(
        state=State.SENDING,
        attempts=3,
        claimed_at=timezone.now()
        - datetime.timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT + 1),
    )

    assert rows_to_requeue() == []

    notification.refresh_from_db()
    assert notification.state == State.FAILED


def test_requeue_takes_pending_rows_only_after_the_grace_period(office, settings):
    settings.NOTIFICATION_REQUEUE_AFTER = 120
    now = timezone.now()
    lost = make_notification(office, 1)
    fresh = make_notification(office, 2)
    backing_off = make_notification(office, 3)
    Notification.objects.filter(pk=lost.pk).update(
        next_attempt_at=now - datetime.timedelta(seconds=121)
    )
    Notification.objects.filter(pk=backing_off.pk).update(
        next_attempt_at=now + datetime.timedelta(seconds=600)
    )

    assert rows_to_requeue() == [lost.pk]
    assert fresh.pk != lost.pk


def test_resend_gives_failed_rows_a_fresh_start_and_leaves_others_alone(
    office, recording, eager, django_capture_on_commit_callbacks
):
    failed = make_notification(office, 1)
    sent = make_notification(office, 2)
    Notification.objects.filter(pk=failed.pk).update(state=State.FAILED, attempts=8)
    Notification.objects.filter(pk=sent.pk).update(state=State.SENT, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        count = resend_failed(notifications=Notification.objects.all())

    assert count == 1
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (State.SENT, 1)
    assert backends.recorded() == {failed.key: 1}


def test_a_rolled_back_transaction_leaves_no_row_and_queues_nothing(
    office, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_notification(office)
        raise RuntimeError("the booking failed")

    assert callbacks == []
    assert not Notification.objects.exists()


def test_the_same_event_twice_writes_one_row(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = make_notification(office)
        second = make_notification(office)

    assert first is not None and second is None
    assert Notification.objects.count() == 1
    assert len(callbacks) == 1
