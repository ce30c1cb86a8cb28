"""/healthz is liveness (the process answers and PostgreSQL works); /healthz/ready says what
works and what is degraded. Redis gone is "degraded" and still 200: the node keeps serving."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from tests.faults.conftest import within

pytestmark = pytest.mark.django_db

MANIFEST_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


def test_liveness_stays_up_without_redis(client, app_on_broken_redis):
    with within(1.0, "/healthz"):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readiness_says_degraded_and_keeps_the_node_serving(client, app_on_broken_redis):
    with within(1.0, "/healthz/ready"):
        response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "degraded",
        "broker": "degraded",
        "static": "ok",
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.redis
def test_readiness_on_a_working_redis_is_ok(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ok", response.json()


def test_health_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/ready").status_code == 200
    assert client.get("/").status_code == 301  # the control


def test_static_files_not_collected_fail_readiness_and_the_system_check(client, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    settings.STATIC_ROOT = tmp_path
    # What an operator saw: every page a 500, the 500 page's own {% static %} failing too ...
    page = Client(raise_request_exception=False).get("/")
    assert page.status_code == 500
    assert "Terjadi kesalahan pada sistem" in page.text

    # ... which readiness and `manage.py check` now say.
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["static"] == "error"
    assert response.json()["status"] == "error"
    with pytest.raises(SystemCheckError, match="collectstatic"):
        call_command("check", fail_level="WARNING")


def test_collected_static_files_pass(client, settings, collected_static):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    settings.STATIC_ROOT = collected_static
    assert client.get("/").status_code == 200
    assert client.get("/healthz/ready").json()["static"] == "ok"
    call_command("check", fail_level="WARNING")
