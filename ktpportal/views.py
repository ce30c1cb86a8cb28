import logging

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


def ratelimited(request, exception=None):
    """django-ratelimit's view for a limit reached: the 429 page, saying when to come back."""
    metrics.record_rate_limited(request)
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "600"
    return response


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: whatever broke (a database, a context processor) must not break this.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
