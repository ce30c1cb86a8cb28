"""Production settings: `check --deploy` is clean and a real response carries the headers.

Each case starts a fresh interpreter with a production-like environment, since settings are
read once per process. No database or broker is reached: the checks and the page used
(/bench/trivial, the language form on /) need neither.
"""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "postgres://ktp@db.invalid:5432/ktp",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "ALLOWED_HOSTS": "ktp.example.go.id",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}
# Variables a developer or CI may have set that would make the run less production-like.
DROPPED = {
    "DEBUG",
    "SECURE_SSL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BEHIND_PROXY",
    "TRUSTED_PROXY_COUNT",
    "TRUSTED_PROXIES",
}

PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
# The manifest exists only after collectstatic (the image build); the headers do not depend on it.
s.STORAGES = {**s.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
client = Client(HTTP_HOST="ktp.example.go.id")
page = client.get("/", secure=True)
plain = client.get("/bench/trivial")
csrf = page.cookies["csrftoken"]
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "csrf_cookie": {k: csrf[k] for k in ("secure", "httponly", "samesite", "max-age")},
    "session": {
        "secure": s.SESSION_COOKIE_SECURE, "httponly": s.SESSION_COOKIE_HTTPONLY,
        "samesite": s.SESSION_COOKIE_SAMESITE, "age": s.SESSION_COOKIE_AGE,
        "browser_close": s.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    },
    "debug": s.DEBUG,
}))
"""


def _run(args, **extra_env):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="ktpportal.settings", **extra_env)
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )


@pytest.fixture(scope="module")
def production():
    result = _run(["-c", PROBE])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean(collected_static):
    # A deployment has collected its static files (ktpportal.W001 says when it has not).
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        STATIC_ROOT=str(collected_static),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_on_a_weak_setting():
    """The check above can fail: the same run with HSTS switched off does."""
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECURE_HSTS_SECONDS="0"
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout


def test_https_is_enforced_with_hsts(production):
    assert production["plain_status"] == 301
    assert production["plain_location"].startswith("https://ktp.example.go.id/")
    hsts = production["headers"]["Strict-Transport-Security"]
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    assert max_age >= 31536000
    assert "includeSubDomains" in hsts and "preload" in hsts


def test_headers(production):
    headers = production["headers"]
    assert production["status"] == 200
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert not production["debug"]


def test_cookies_are_secure(production):
    csrf = production["csrf_cookie"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
    session = production["session"]
    assert session["secure"] is True and session["httponly"] is True
    assert session["samesite"] == "Lax"
    # A staff session lasts a working day at most, and ends when the browser closes.
    assert session["age"] <= 8 * 3600
    assert session["browser_close"] is True
