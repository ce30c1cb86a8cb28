"""Fault tests with the real pieces: PostgreSQL, Redis (a private redis-server, so it can be
stopped), and Celery workers in subprocesses, prefork, two processes each."""

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connection, transaction

from antrean.models import Booking
from ktpportal.notifications.models import Notification, State
from ktpportal.notifications.sending import send_one
from ktpportal.notifications.tasks import requeue_pending, send_notification
from tests.antrean.factories import book, make_booking_office, slot_at
from tests.factories import make_office, make_service_type
from tests.notifications import backends
from tests.notifications.conftest import kill_worker, make_notification, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def office(transactional_db):
    return make_office()


def _states() -> dict[str, int]:
    counts = {}
    for state in Notification.objects.values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def test_worker_killed_midway_still_delivers_every_message_exactly_once(
    office, sends_table, broker, start_worker, settings
):
    notifications = [make_notification(office, n) for n in range(300)]
    worker = start_worker(NOTIFY_TEST_SEND_DELAY="0.005")
    wait_for(lambda: len(backends.recorded()) >= 100, 60, "100 sends before the kill")

    kill_worker(worker)

    assert len(backends.recorded()) < 300, "the kill came too late to test anything"
    # What beat does every minute, with short delays so the test need not wait minutes.
    settings.NOTIFICATION_REQUEUE_AFTER = 1
    settings.NOTIFICATION_SENDING_TIMEOUT = 5
    start_worker()

    def all_sent():
        if broker.queue_length() == 0:  # the restarted worker has drained the queue
            requeue_pending()
        return _states() == {State.SENT: 300}

    wait_for(all_sent, 90, "all 300 sent after the restart", interval=1)
    tries = backends.recorded()
    assert set(tries) == {n.key for n in notifications}
    # Only a message in flight at the kill (at most one per worker process) may have been
    # handed to the gateway twice, and its idempotency key made that one delivery.
    assert sum(tries.values()) - len(tries) <= 2


def test_broker_down_the_booking_succeeds_and_its_messages_go_out_when_it_is_back(
    office, sends_table, broker, start_worker, caplog
):
    service_type = make_service_type()
    booking_office = make_booking_office(services=[service_type], weekdays=range(7))
    broker.stop()
    # An ordinary Monday in the past, so the rows are long overdue for the requeue scan.
    with time_machine.travel(datetime.datetime(2025, 12, 1, 1, 0, tzinfo=datetime.UTC)):
        slot = slot_at(booking_office, datetime.date(2025, 12, 2), 9)
        started = time.monotonic()
        booking = book(slot, service_type, email="siti@example.org", sms_consent=True)
        took = time.monotonic() - started

    assert took < 10, "a citizen's request must not hang on a dead broker"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ACTIVE
    assert _states() == {State.PENDING: 2}  # the email and the SMS
    assert "notification queued for later delivery" in caplog.text

    broker.start()
    start_worker()
    assert requeue_pending() == 2
    wait_for(lambda: _states() == {State.SENT: 2}, 30, "delivery after the broker is back")
    assert backends.recorded() == {f"booking:{booking.pk}:confirmed:sms": 1}


def test_the_task_run_twice_one_after_the_other_sends_once(
    office, sends_table, broker, start_worker
):
    notification = make_notification(office)  # queued once on commit...
    send_notification.delay(notification.pk)  # ...and twice more
    send_notification.delay(notification.pk)
    start_worker()

    wait_for(lambda: broker.queue_length() == 0, 30, "the worker to take all three")
    wait_for(lambda: _states() == {State.SENT: 1}, 30, "the send")
    time.sleep(1)  # let the other two runs finish too
    assert backends.recorded() == {notification.key: 1}


def test_the_task_run_twice_at_the_same_time_sends_once(office, sends_table, settings, monkeypatch):
    settings.SHORT_MESSAGE_BACKEND = "tests.notifications.backends.RecordingBackend"
    monkeypatch.setenv("NOTIFY_TEST_SEND_DELAY", "0.2")
    notification = Notification.objects.create(
        key="test:concurrent:sms",
        kind="test_message",
        channel="sms",
        recipient="081234567890",
        subject_type="ktpportal.office",
        subject_id=office.pk,
        body_text="Pesan uji",
    )
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait()
            send_one(notification.pk)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (State.SENT, 1)
    assert backends.recorded() == {notification.key: 1}


def test_gateway_failing_twice_then_up_sends_once_and_always_failing_ends_failed(
    office, broker, start_worker, gateway
):
    flaky, dead = "081111111111", "082222222222"
    gateway.script[flaky] = [503, 503]
    gateway.script[dead] = [503] * 10
    start_worker(
        SHORT_MESSAGE_BACKEND="ktpportal.notifications.channels.HTTPGatewayBackend",
        SHORT_MESSAGE_GATEWAY_URL=gateway.url,
        SHORT_MESSAGE_GATEWAY_TOKEN="rahasia-uji",
        NOTIFICATION_RETRY_BACKOFF="1",
        NOTIFICATION_RETRY_BACKOFF_MAX="2",
        NOTIFICATION_MAX_ATTEMPTS="3",
    )
    ok = make_notification(office, 1, recipient=flaky)
    doomed = make_notification(office, 2, recipient=dead)

    wait_for(lambda: _states() == {State.SENT: 1, State.FAILED: 1}, 60, "one sent and one failed")
    ok.refresh_from_db()
    doomed.refresh_from_db()
    assert (ok.state, ok.attempts) == (State.SENT, 3)
    assert (doomed.state, doomed.attempts) == (State.FAILED, 3)
    assert "503" in doomed.last_error
    assert gateway.delivered == {ok.key: 1}
    assert [r["body"]["to"] for r in gateway.requests].count(dead) == 3


def test_a_rolled_back_transaction_queues_no_task(office, broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_notification(office, 1)
        raise RuntimeError("the booking failed")

    assert not Notification.objects.exists()
    assert broker.queue_length() == 0

    make_notification(office, 2)  # the control: a committed one is queued
    assert broker.queue_length() == 1
