"""/metrics: who may read it, what it counts, what it reads from the database, and what it
must never show. Across gunicorn's workers: test_metrics_gunicorn.py."""

import datetime
import ipaddress
import os
import re
import subprocess
import sys
import threading
import uuid

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from antrean.models import Booking
from ktpportal.jobs import periodic_job
from ktpportal.notifications.models import Channel, Notification, State
from tests.antrean.conftest import NOW, VISIT_DAY, make_booking, make_slot, open_office
from tests.antrean.factories import slot_held
from tests.factories import VALID_NIK, VALID_NIK_FEMALE, make_nik, make_service_type

pytestmark = pytest.mark.django_db

TOKEN = "token-metrik-uji-" + "x" * 24
OFFICE_SLUG = "kebayoran-baru-metrik"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counts live in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    return settings


@pytest.fixture
def middleware_on(metrics_on):
    """The per-view middleware where settings.py puts it when metrics are configured
    (test_settings_add_the_middleware_only_when_configured checks that it does)."""
    middleware = list(metrics_on.MIDDLEWARE)
    middleware.insert(
        middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "ktpportal.metrics.RequestMetricsMiddleware",
    )
    metrics_on.MIDDLEWARE = middleware
    return metrics_on


@pytest.fixture
def service(db):
    return make_service_type(code="ktp-baru-metrik", name="KTP-el baru")


@pytest.fixture
def office(service):
    return open_office(service_type=service, slug=OFFICE_SLUG)


def scrape(client, **extra) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE_LATEST
    return response.text


def samples(text: str) -> dict:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def book_url(slot, service):
    return reverse("antrean:book", args=[slot.office.slug, service.code, VISIT_DAY, slot.pk])


def booking_form(client, url, **overrides) -> dict:
    page = client.get(url)
    token = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', page.text).group(1)
    return {
        "nik": VALID_NIK,
        "full_name": "Siti Aminah",
        "phone": "0812 3456 7890",
        "email": "siti.metrik@example.org",
        "submission_token": token,
        **overrides,
    }


# --- Who may read it ------------------------------------------------------------------


def test_off_until_a_token_or_networks_are_configured(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


def test_the_token_is_required(client, metrics_on):
    for header in ({}, {"HTTP_AUTHORIZATION": "Bearer salah"}, {"HTTP_AUTHORIZATION": TOKEN}):
        response = client.get("/metrics", **header)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert b"ktpportal" not in response.content
    assert "ktpportal_metrics_database_up 1.0" in scrape(client)


def test_only_from_the_allowed_networks(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "2001:db8::/32"]
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403
    for inside in ("10.1.2.3", "::ffff:10.1.2.3", "2001:db8::7"):
        response = client.get("/metrics", REMOTE_ADDR=inside)
        assert response.status_code == 200, inside
        assert b"ktpportal_metrics_database_up" in response.content


def test_behind_the_proxy_the_client_is_checked_not_the_proxy(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.2")]
    # The proxy itself is inside; the client it appended last is not (the first entry is
    # whatever the client claimed).
    outside = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.5"}
    assert client.get("/metrics", **outside).status_code == 403
    inside = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "10.0.0.7"}
    assert client.get("/metrics", **inside).status_code == 200


def test_with_both_the_address_and_the_token_are_needed(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 401
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5", **bearer).status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", **bearer).status_code == 200


def test_redis_down_does_not_break_the_scrape(client, metrics_on):
    """The scrape reads this process's counts and the database, never the cache."""
    metrics_on.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
        }
    }
    assert "ktpportal_metrics_database_up 1.0" in scrape(client)


# --- What it counts -------------------------------------------------------------------


def test_a_booking_and_its_refusals_are_counted_by_outcome(client, metrics_on, office, service):
    before = samples(scrape(client))
    with time_machine.travel(NOW, tick=False):
        first = book_url(make_slot(office, hour=9), service)
        assert client.post(first, booking_form(client, first)).status_code == 302
        # The same NIK and service again: refused.
        second = make_slot(office, hour=10)
        form = booking_form(client, book_url(second, service))
        assert client.post(book_url(second, service), form).status_code == 409
        # Someone else took the last seat.
        full = make_slot(office, hour=11, capacity=1)
        form = booking_form(client, book_url(full, service), nik=VALID_NIK_FEMALE)
        make_booking(full, service, nik=make_nik())
        assert client.post(book_url(full, service), form).status_code == 409
        # Bad input never reaches the booking service: not an outcome.
        assert client.post(book_url(second, service), {"nik": "1"}).status_code == 400
    after = samples(scrape(client))

    def moved(outcome):
        name = "ktpportal_booking_outcomes_total"
        labels = {"view": "antrean:book", "outcome": outcome}
        return value(after, name, **labels) - value(before, name, **labels)

    assert (moved("booked"), moved("already_booked"), moved("full")) == (1, 1, 1)
    # Nothing else moved: the 400 was not an outcome.
    moved_outcomes = {
        dict(labels)["outcome"]
        for (name, labels), count in after.items()
        if name == "ktpportal_booking_outcomes_total" and count != before.get((name, labels), 0)
    }
    assert moved_outcomes == {"booked", "already_booked", "full"}


def test_rescheduling_and_cancelling_are_counted(client, metrics_on, office, service):
    before = samples(scrape(client))
    with time_machine.travel(NOW, tick=False):
        slot, later = make_slot(office, hour=9), make_slot(office, hour=13)
        client.post(book_url(slot, service), booking_form(client, book_url(slot, service)))
        move = reverse("antrean:reschedule-confirm", args=[VISIT_DAY, later.pk])
        assert client.post(move).status_code == 302
        assert client.post(reverse("antrean:cancel")).status_code == 302
    assert Booking.objects.get().status == Booking.Status.CANCELLED
    after = samples(scrape(client))
    name = "ktpportal_booking_outcomes_total"
    for view, outcome in (
        ("antrean:reschedule-confirm", "rescheduled"),
        ("antrean:cancel", "cancelled"),
    ):
        labels = {"view": view, "outcome": outcome}
        assert value(after, name, **labels) - value(before, name, **labels) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_seat_too_busy_to_lock_is_counted_as_busy(client, metrics_on, office, service):
    with time_machine.travel(NOW, tick=True):
        slot = make_slot(office)
        url = book_url(slot, service)
        form = booking_form(client, url)
        before = samples(scrape(client))
        with slot_held(slot):
            assert client.post(url, form).status_code == 429
    after = samples(scrape(client))
    labels = {"view": "antrean:book", "outcome": "busy"}
    name = "ktpportal_booking_outcomes_total"
    assert value(after, name, **labels) - value(before, name, **labels) == 1


def test_rate_limit_refusals_are_counted_by_view(client, metrics_on, office, service, settings):
    settings.RATELIMIT_FAILURES_PER_ADDRESS = 30
    name = "ktpportal_rate_limited_total"
    with time_machine.travel(NOW, tick=False):
        url = book_url(make_slot(office), service)
        before = value(samples(scrape(client)), name, view="antrean:book")
        statuses = [
            client.post(url, {"nik": f"{n}", "full_name": ""}).status_code for n in range(31)
        ]
    assert statuses == [400] * 30 + [429]
    assert value(samples(scrape(client)), name, view="antrean:book") - before == 1


def test_staff_lockouts_are_counted(client, metrics_on, django_user_model):
    django_user_model.objects.create_user("petugas", password="sandi-benar-2026", is_staff=True)
    name = "ktpportal_staff_login_lockouts_total"
    before = value(samples(scrape(client)), name)
    login = "/admin/login/?next=/admin/"
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "petugas", "password": "tebakan"})
    assert value(samples(scrape(client)), name) - before == 1
    assert client.post(login, {"username": "petugas", "password": "tebakan"}).status_code == 429
    assert value(samples(scrape(client)), name) - before == 2


# --- What it reads from the database --------------------------------------------------


def notification(n: int, channel: str, state: str) -> Notification:
    return Notification.objects.create(
        key=f"metrik:{n}:{channel}",
        kind="test_message",
        channel=channel,
        recipient="081234567890",
        subject_type="antrean.booking",
        subject_id=n,
        body_text="Pesan uji",
        state=state,
    )


def test_the_outbox_backlog_and_its_oldest_message(client, metrics_on):
    start = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        notification(1, Channel.SMS, State.PENDING)
        notification(2, Channel.SMS, State.SENT)  # sent and failed rows are not a backlog
        notification(3, Channel.SMS, State.FAILED)
        clock.shift(30)
        notification(4, Channel.EMAIL, State.SENDING)
        notification(5, Channel.EMAIL, State.PENDING)
        notification(6, Channel.SMS, State.PENDING)
        clock.shift(70)
        found = samples(scrape(client))
    unsent = "ktpportal_notifications_unsent"
    assert value(found, unsent, channel="sms", state="pending") == 2
    assert value(found, unsent, channel="sms", state="sending") == 0
    assert value(found, unsent, channel="email", state="pending") == 1
    assert value(found, unsent, channel="email", state="sending") == 1
    assert (unsent, frozenset({"channel": "whatsapp", "state": "pending"}.items())) in found
    age = "ktpportal_notifications_oldest_unsent_age_seconds"
    assert value(found, age, channel="sms") == 100
    assert value(found, age, channel="email") == 70
    assert (age, frozenset({"channel": "whatsapp"}.items())) in found
    assert value(found, age, channel="whatsapp") == 0


def test_each_periodic_jobs_last_run_as_unix_time(client, metrics_on):
    @periodic_job("kirim-pengingat")
    def reminders():
        return "3 reminders"

    @periodic_job("buat-slot")
    def slots():
        raise RuntimeError("boom")

    succeeded_at = datetime.datetime(2026, 12, 1, 1, 0, tzinfo=datetime.UTC)
    with time_machine.travel(succeeded_at, tick=False):
        reminders()
        with pytest.raises(RuntimeError):
            slots()
    found = samples(scrape(client))

    def job(metric, name):
        return (f"ktpportal_job_last_{metric}", frozenset({("job", name)}))

    at = succeeded_at.timestamp()
    assert found[job("succeeded_timestamp_seconds", "kirim-pengingat")] == at
    assert found[job("started_timestamp_seconds", "buat-slot")] == at
    assert found[job("failed_timestamp_seconds", "buat-slot")] == at
    assert found[job("duration_seconds", "kirim-pengingat")] >= 0
    # Never failed, never succeeded: no value rather than a 1970 one.
    assert job("failed_timestamp_seconds", "kirim-pengingat") not in found
    assert job("succeeded_timestamp_seconds", "buat-slot") not in found


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_database_too_slow_leaves_its_values_out_and_answers_the_rest(client, metrics_on):
    """A lock held on the outbox makes the scrape's query wait past its statement timeout:
    the scrape still answers, with the counters and database_up 0."""
    locked, release = threading.Event(), threading.Event()

    def hold_the_outbox():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE notifications_notification IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(20)
        connection.close()

    holder = threading.Thread(target=hold_the_outbox)
    holder.start()
    try:
        assert locked.wait(10)
        text = scrape(client)
    finally:
        release.set()
        holder.join()
    assert "ktpportal_metrics_database_up 0.0" in text
    assert "ktpportal_notifications_unsent{" not in text
    assert "ktpportal_staff_login_lockouts_total" in text
    assert "ktpportal_metrics_database_up 1.0" in scrape(client)


# --- What it never shows --------------------------------------------------------------


def test_requests_and_latency_by_view_name_and_status(client, middleware_on, office, service):
    dates = reverse("antrean:dates", args=[OFFICE_SLUG, service.code])
    seconds = "ktpportal_http_request_duration_seconds_count"
    requests = "ktpportal_http_requests_total"
    middleware_on.WHITENOISE_USE_FINDERS = True  # static files served as in production
    before = samples(scrape(client))
    with time_machine.travel(NOW, tick=False):
        assert client.get(dates).status_code == 200
        assert client.get(dates).status_code == 200
    assert client.get("/tidak-ada/").status_code == 404
    assert client.get("/static/css/ktp.css").status_code == 200
    after = samples(scrape(client))

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved(seconds, view="antrean:dates", method="GET") == 2
    assert moved(requests, view="antrean:dates", method="GET", status="200") == 2
    assert moved(requests, view="<unnamed view>", method="GET", status="404") == 1
    # Static files are not a view's requests: only the two scrapes' own were counted besides.
    assert sum(after.get(k, 0) - before.get(k, 0) for k in after if k[0] == requests) == 4


def test_made_up_methods_share_one_label(client, middleware_on):
    for method in ("BREWCOFFEE", "PROPFIND", "X" * 20):
        assert client.generic(method, "/bench/trivial").status_code == 405
    text = scrape(client)
    found = samples(text)
    seconds = "ktpportal_http_request_duration_seconds_count"
    assert value(found, seconds, view="trivial", method="<other>") == 3
    assert "BREWCOFFEE" not in text and "PROPFIND" not in text


def test_no_personal_data_or_codes_in_the_output(client, middleware_on, office, service):
    with time_machine.travel(NOW, tick=False):
        slot = make_slot(office)
        form = booking_form(client, book_url(slot, service), full_name="Siti Metrikawati")
        assert client.post(book_url(slot, service), form).status_code == 302
        again = {**form, "submission_token": str(uuid.uuid4())}
        assert client.post(book_url(slot, service), again).status_code == 409
    booking = Booking.objects.get()
    text = scrape(client)
    for secret in (VALID_NIK, booking.code, "Metrikawati", "3456", "siti.metrik", OFFICE_SLUG):
        assert secret not in text, secret
    assert 'view="antrean:book"' in text
    assert OFFICE_SLUG not in text and service.code not in text


# --- Settings -------------------------------------------------------------------------

PROBE = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ktpportal.settings'; "
    "from django.conf import settings as s; print(' '.join(s.MIDDLEWARE))"
)


def _settings_with(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("METRICS_")}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=60,
    )


def test_settings_add_the_middleware_only_when_configured():
    ours = "ktpportal.metrics.RequestMetricsMiddleware"
    off = _settings_with()
    assert off.returncode == 0, off.stderr
    assert ours not in off.stdout.split()
    for env in ({"METRICS_TOKEN": TOKEN}, {"METRICS_ALLOWED_NETWORKS": "10.0.0.0/8"}):
        on = _settings_with(**env)
        assert on.returncode == 0, on.stderr
        middleware = on.stdout.split()
        assert (
            middleware[middleware.index(ours) - 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
        )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"METRICS_TOKEN": "pendek"}, "METRICS_TOKEN must be at least 32"),
        ({"METRICS_ALLOWED_NETWORKS": "10.0.0.0/8, intranet"}, "'intranet' is not an address"),
        ({"METRICS_ALLOWED_NETWORKS": "10.0.0.5/8"}, "'10.0.0.5/8' is not an address"),
    ],
)
def test_a_bad_metrics_setting_stops_the_start(env, message):
    result = _settings_with(**env)
    assert result.returncode != 0
    assert message in result.stderr
