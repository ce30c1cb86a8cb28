import logging
import math

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ktpportal import metrics
from ktpportal.cache import REDIS_ERRORS, breaker_for
from ktpportal.cache import RedisCache as FailSoftRedisCache
from ktpportal.celery import app as celery_app
from ktpportal.checks import static_files_missing

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    return render(request, "home.html")


OK, DEGRADED, ERROR = "ok", "degraded", "error"


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers and PostgreSQL works. Redis is not asked: a web node
    without it still serves every page (ktpportal/cache.py), so its absence must not get
    the node restarted or drained."""
    database = _check_database()
    return JsonResponse(
        {"status": "ok" if database == OK else "error", "database": database},
        status=200 if database == OK else 503,
    )


@never_cache
@require_GET
def ready(request):
    """Readiness, for load balancers and the Docker healthcheck: each part ok, degraded or
    error. Redis (cache, broker) missing is "degraded" and still 200, since pages are served
    without it; the database or the static files missing is 503, since no page is."""
    checks = {
        "database": _check_database(),
        "cache": _check_cache(),
        "broker": _check_broker(),
        "static": _check_static(),
    }
    values = set(checks.values())
    status = ERROR if ERROR in values else DEGRADED if DEGRADED in values else OK
    return JsonResponse({"status": status, **checks}, status=503 if status == ERROR else 200)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return OK
    except Exception:
        logger.exception("health: database unreachable")
        return ERROR


def _check_cache() -> str:
    cache = caches["default"]
    if not isinstance(cache, FailSoftRedisCache):
        return OK  # the embedded default's local memory
    return OK if cache.reachable() else DEGRADED


def _check_broker() -> str:
    conf = celery_app.conf
    if conf.task_always_eager:
        return OK  # no broker: tasks run in-process
    breaker = breaker_for(conf.broker_url)
    if not breaker.allows():
        return DEGRADED
    client = redis.Redis.from_url(
        conf.broker_url,
        socket_timeout=settings.REDIS_TIMEOUT,
        socket_connect_timeout=settings.REDIS_TIMEOUT,
    )
    try:
        client.ping()
    except REDIS_ERRORS as error:
        breaker.failed("messages wait in the outbox", error)
        return DEGRADED
    finally:
        client.close()
    breaker.succeeded()
    return OK


def _check_static() -> str:
    if static_files_missing():
        logger.error("health: static files not collected (manage.py collectstatic)")
        return ERROR
    return OK


@require_GET
def trivial(request):
    """A constant response through the full middleware stack: the benchmarks' yardstick."""
    return HttpResponse(b"ok", content_type="text/plain")


def ratelimited(request, exception):
    """RATELIMIT_VIEW: a limit of `ktpportal.ratelimits` was reached (its Limited exception)."""
    metrics.record_rate_limited(request)
    return _too_many_attempts(request, exception.retry_after)


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: every attempt while locked starts the cool-off again
    (django-axes' AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it is the whole wait."""
    return _too_many_attempts(request, int(settings.AXES_COOLOFF_TIME.total_seconds()))


def _too_many_attempts(request, seconds: int):
    """The 429 page and Retry-After, both saying when to come back."""
    response = render(request, "429.html", {"minutes": math.ceil(seconds / 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: whatever broke (a database, a context processor) must not break this.
    try:
        page = loader.get_template("500.html").render({"AGENCY_NAME": settings.AGENCY_NAME})
        return HttpResponse(page, status=500)
    except Exception:
        # The page's own template failed too, e.g. its {% static %} with the static files not
        # collected: the same words on a bare page.
        logger.exception("the 500 page could not be rendered")
        title = _("Terjadi kesalahan pada sistem")
        text = _(
            "Maaf, permintaan Anda tidak dapat diproses. Petugas kami sudah diberi tahu. "
            "Silakan coba lagi nanti."
        )
        return HttpResponse(
            format_html(
                '<!doctype html><html lang="{}"><meta charset="utf-8"><title>{}</title>'
                "<h1>{}</h1><p>{}</p></html>",
                get_language(),
                title,
                title,
                text,
            ),
            status=500,
        )
