"""What an operator scrapes: Prometheus metrics at /metrics (docs/operations.md, "Metrics").

- Requests and latency per view: `RequestMetricsMiddleware`, in MIDDLEWARE only when the
  endpoint is configured (settings.py).
- Events counted where they happen, with fixed words as labels: what the booking service
  answered (`record_booking`), rate-limit refusals (`record_rate_limited`), staff login
  lockouts.
- What the database holds, read at each scrape and never kept in a process: the outbox
  backlog and the periodic jobs' last runs (`DatabaseCollector`).

gunicorn's workers each count in their own process. gunicorn.conf.py turns on
prometheus-client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR): each worker writes its
counts to files there, and a scrape, whichever worker answers it, adds up all the files.
Without it (runserver, tests, Celery) the counts live in the one process.

No label ever holds what a person typed or a code that identifies one: views are named by
their URL name (`antrean:book`, never the path with an office's slug), outcomes by the booking
service's fixed codes, channels and job names by the code's own lists.
"""

import datetime
import hmac
import ipaddress
import logging
import os
import time

from axes.signals import user_locked_out
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Min
from django.dispatch import receiver
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from ktpportal.models import JobRun
from ktpportal.net import client_ip
from ktpportal.notifications.models import Channel, Notification, State

logger = logging.getLogger(__name__)

# A scrape waits at most this long on the database (Prometheus' own timeout is 10 s); past
# it the database values are left out and the rest is still answered.
QUERY_TIMEOUT_MS = 2000
UNNAMED_VIEW = "<unnamed view>"
UNSENT_STATES = (State.PENDING, State.SENDING)
# What browsers and client libraries send; a method a client makes up is counted as
# "<other>", not as one more label value per name it makes up.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Up to gunicorn's 30 s timeout, past which there is no response to time.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUESTS = Counter(
    "ktpportal_http_requests",
    "Requests answered, by view (URL name), method and status.",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "ktpportal_http_request_duration_seconds",
    "Time to answer a request, by view (URL name) and method: every middleware but the "
    "static files' and the HTTPS redirect, and the view.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)

BOOKING_OUTCOMES = Counter(
    "ktpportal_booking_outcomes",
    "Booking, reschedule and cancellation requests the booking service answered, by view "
    "and outcome: booked, rescheduled, cancelled, or the refusal's code (full, "
    "already_booked, busy, closed, cutoff, not_open, past, ...).",
    ["view", "outcome"],
)
RATE_LIMITED = Counter(
    "ktpportal_rate_limited",
    "Requests refused by a rate limit (429), by view.",
    ["view"],
)
STAFF_LOCKOUTS = Counter(
    "ktpportal_staff_login_lockouts",
    "Staff login attempts refused by the lockout after repeated failures (django-axes), "
    "including the one that set it.",
)


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match is not None else None) or UNNAMED_VIEW


def record_booking(request, outcome: str) -> None:
    """Count one answer of the booking service to this request. `outcome` is a fixed word
    (booked, rescheduled, cancelled) or a BookingError's code, never anything typed."""
    BOOKING_OUTCOMES.labels(view=_view_name(request), outcome=outcome).inc()


def record_rate_limited(request) -> None:
    RATE_LIMITED.labels(view=_view_name(request)).inc()


# Connected when the URLconf imports this module, before the first request is answered.
@receiver(user_locked_out)
def _count_lockout(sender, **kwargs):
    STAFF_LOCKOUTS.inc()


class RequestMetricsMiddleware:
    """Requests and latency per view: one counter and one histogram per request.

    Not django-prometheus' pair of middlewares: they update about twenty metrics per request
    and cost four times as much (CPU per request as bench/metrics.py measures it: +130 us on
    the trivial view's 190 with them, +33 us with this one), and their latency histogram is
    labelled with the method as the client sent it.
    The view is known once the URL is resolved, inside get_response; a URL that resolves to
    nothing (a 404) is counted as "<unnamed view>"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        view = _view_name(request)
        method = request.method if request.method in METHODS else "<other>"
        REQUEST_SECONDS.labels(view, method).observe(time.perf_counter() - started)
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        return response


class DatabaseCollector:
    """The outbox backlog and the periodic jobs' last runs, read when Prometheus asks."""

    def collect(self):
        up = GaugeMetricFamily(
            "ktpportal_metrics_database_up",
            "1 when this scrape read the database values below, 0 when it could not "
            "(database down or slower than the scrape's statement timeout).",
        )
        try:
            unsent, jobs = _read_database()
        except DatabaseError:
            logger.warning("metrics: database values not read", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from _outbox_metrics(unsent, timezone.now())
        yield from _job_metrics(jobs)


def _read_database():
    if connection.vendor != "postgresql":
        # No statement timeout to set; and a transaction here would take SQLite's write lock.
        return _queries()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Local to this transaction: the pooled connection goes back without it.
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", [str(QUERY_TIMEOUT_MS)]
            )
        return _queries()


def _queries():
    # An index-only scan of the notification_unsent partial index: as cheap with a backlog
    # of 50,000 rows as with none. COUNT(*), not COUNT(id): id is not in it.
    unsent = list(
        Notification.objects.filter(state__in=UNSENT_STATES)
        .values_list("channel", "state")
        .annotate(count=Count("*"), oldest=Min("created_at"))
        .order_by()
    )
    jobs = list(
        JobRun.objects.values_list(
            "name", "last_started_at", "last_succeeded_at", "last_failed_at", "last_duration"
        )
    )
    return unsent, jobs


def _outbox_metrics(unsent, now: datetime.datetime):
    count = GaugeMetricFamily(
        "ktpportal_notifications_unsent",
        "Notifications in the outbox not sent yet, by channel and state (pending: waiting "
        "for a worker or a retry; sending: claimed by a worker).",
        labels=["channel", "state"],
    )
    age = GaugeMetricFamily(
        "ktpportal_notifications_oldest_unsent_age_seconds",
        "Seconds since the oldest notification not sent yet (pending or sending) was "
        "written, by channel; 0 when there is none.",
        labels=["channel"],
    )
    found = {(channel, state): (n, oldest) for channel, state, n, oldest in unsent}
    # Every channel and state, 0 when empty: an alert sees a value, not a missing series.
    for channel in Channel.values:
        oldest = [found[channel, s][1] for s in UNSENT_STATES if (channel, s) in found]
        for state in UNSENT_STATES:
            count.add_metric([channel, state], found.get((channel, state), (0, None))[0])
        age.add_metric([channel], (now - min(oldest)).total_seconds() if oldest else 0)
    yield count
    yield age


def _job_metrics(jobs):
    families = {
        field: GaugeMetricFamily(name, documentation, labels=["job"])
        for field, name, documentation in (
            (
                "started",
                "ktpportal_job_last_started_timestamp_seconds",
                "When each periodic job last started (Unix time).",
            ),
            (
                "succeeded",
                "ktpportal_job_last_succeeded_timestamp_seconds",
                "When each periodic job last finished without an error (Unix time).",
            ),
            (
                "failed",
                "ktpportal_job_last_failed_timestamp_seconds",
                "When each periodic job last failed (Unix time); absent if it never did.",
            ),
            (
                "duration",
                "ktpportal_job_last_duration_seconds",
                "How long each periodic job's last finished run took.",
            ),
        )
    }
    for name, started, succeeded, failed, duration in jobs:
        for field, value in (("started", started), ("succeeded", succeeded), ("failed", failed)):
            if value is not None:
                families[field].add_metric([name], value.timestamp())
        if duration is not None:
            families["duration"].add_metric([name], duration)
    yield from families.values()


def _allowed_address(request) -> bool:
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    # A server listening on [::] sees IPv4 clients as ::ffff:a.b.c.d.
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(
        address in ipaddress.ip_network(network) for network in settings.METRICS_ALLOWED_NETWORKS
    )


def _right_token(request) -> bool:
    sent = request.headers.get("Authorization", "").encode()
    return hmac.compare_digest(sent, f"Bearer {settings.METRICS_TOKEN}".encode())


@never_cache
@require_GET
def metrics_view(request):
    """Prometheus' text format, for a scraper with the token and/or from an allowed
    network; a 404 while neither is configured, so it is never public by accident."""
    if not (settings.METRICS_TOKEN or settings.METRICS_ALLOWED_NETWORKS):
        raise Http404
    if settings.METRICS_ALLOWED_NETWORKS and not _allowed_address(request):
        return HttpResponse(status=403)
    if settings.METRICS_TOKEN and not _right_token(request):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    registry = CollectorRegistry()
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)  # a registry is itself a collector: this process's counts
    registry.register(DatabaseCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
