import logging
import math

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ktpportal import metrics

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers and the Docker healthcheck: database and broker reachable."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        logger.exception("healthz: database unreachable")
        return "error"


def _check_broker() -> str:
    if not settings.REDIS_URL:
        return "eager"
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
        return "ok"
    except redis.RedisError:
        logger.exception("healthz: broker unreachable")
        return "error"


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
    return HttpResponse(loader.get_template("500.html").render(), status=500)
