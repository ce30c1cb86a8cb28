"""Messages written while Redis was stopped or frozen (SIGSTOP: it accepts connections and
never answers) are delivered once it is back, exactly once: a real redis-server of our own,
real Celery workers, PostgreSQL, and the citizen's requests through the whole Django stack."""

import os
import re
import signal

import pytest
from django.urls import reverse

from ktpportal.notifications.models import Notification, State
from ktpportal.notifications.tasks import requeue_pending
from tests.antrean.conftest import open_office
from tests.antrean.factories import slot_at
from tests.factories import VALID_NIK, VALID_NIK_FEMALE, make_citizen, make_service_type
from tests.faults.conftest import bookable_day, within
from tests.notifications import backends
from tests.notifications.conftest import wait_for
from tests.status.factories import make_application

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("fault", ["stopped", "frozen"])
def test_messages_written_while_redis_was_gone_are_delivered_once_it_is_back(
    fault, client, broker, app_on_redis, start_worker, sends_table
):
    app_on_redis(broker.url)  # the cache (rate limits, free seats) and Celery on it
    service = make_service_type(code="ktp-baru", name="KTP-el baru")
    office = open_office(service_type=service, slug="uji")
    day = bookable_day(office)
    slot = slot_at(office, day, 9)
    holder = make_citizen(nik=VALID_NIK_FEMALE, email="ani@example.org")
    make_application(office=office, service_type=service, citizen=holder)
    Notification.objects.all().delete()  # the application's own notice is not this test's
    book_url = reverse("antrean:book", args=[office.slug, service.code, day, slot.pk])
    token = re.search(
        r'name="submission_token" value="([0-9a-f-]{36})"', client.get(book_url).text
    ).group(1)

    if fault == "stopped":
        broker.stop()
    else:
        os.kill(broker.process.pid, signal.SIGSTOP)
    try:
        with within(1.0, "the booking POST"):
            booked = client.post(
                book_url,
                {
                    "nik": VALID_NIK,
                    "full_name": "Siti Aminah",
                    "phone": "0812 3456 7890",
                    "email": "siti@example.org",
                    "sms_consent": "on",
                    "submission_token": token,
                },
            )
        with within(1.0, "the NIK-only link"):
            sent = client.post(reverse("status:send-link"), {"nik": VALID_NIK_FEMALE})
    finally:
        if fault == "stopped":
            broker.start()
        else:
            os.kill(broker.process.pid, signal.SIGCONT)
    assert booked.status_code == 302 and sent.status_code == 200
    assert Notification.objects.filter(state=State.PENDING).count() == 4

    # What beat does every minute, run by the worker: queue again what is overdue.
    start_worker(NOTIFICATION_REQUEUE_AFTER="0")
    requeue_pending.delay()

    wait_for(
        lambda: set(Notification.objects.values_list("state", flat=True)) == {State.SENT},
        60,
        "every message sent once Redis is back",
        interval=0.5,
    )
    assert sorted(backends.recorded().values()) == [1, 1]  # two short messages, each once
