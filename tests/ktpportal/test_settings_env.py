"""Settings read from the environment fail loudly on a bad value.

Each case starts a fresh interpreter, since settings are read once per process.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ktpportal.env import env_bool, env_int, env_list

PROBE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ktpportal.settings'; "
    "from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
    "s.CACHES['default']['BACKEND'].rsplit('.', 1)[1], "
    "s.MAILERS['default']['BACKEND'].rsplit('.', 2)[1], "
    "s.DATABASES['default'].get('OPTIONS', {}).get('pool') is not None)"
)


def _settings_with(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "EMAIL_BACKEND", "SECURE_SSL"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def test_embedded_default_needs_nothing():
    result = _settings_with()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "LocMemCache",
        "console",
        "False",
    ]


def test_postgres_and_redis_from_urls():
    result = _settings_with(
        DATABASE_URL="postgres://u@db:5432/ktp", REDIS_URL="redis://r:6379/0", SECRET_KEY="k" * 50
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "RedisCache",
        "console",
        "True",
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "postgres://u@db/ktp"}, "SECRET_KEY must be set"),
        ({"DATABASE_URL": "nosuchdb://x", "SECRET_KEY": "k"}, "DATABASE_URL cannot be read"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL='LOUD' is not a logging level"),
        (
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_USE_TLS": "1",
                "EMAIL_USE_SSL": "1",
            },
            "cannot both be true",
        ),
        (
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_PORT": "twenty-five",
            },
            "EMAIL_PORT='twenty-five' is not a whole number",
        ),
    ],
)
def test_bad_values_stop_the_process(env, message):
    result = _settings_with(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_helpers(monkeypatch):
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", "5")
    monkeypatch.setenv("X_LIST", "a.go.id, b.go.id,,")
    assert env_bool("X_BOOL") is True
    assert env_bool("X_MISSING", True) is True
    assert env_int("X_INT", 1) == 5
    assert env_list("X_LIST") == ["a.go.id", "b.go.id"]
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("X_INT", 1, minimum=10)


def _portal_url(**env):
    probe = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='ktpportal.settings'; "
        "from django.conf import settings as s; print(s.PORTAL_URL)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"PORTAL_URL", "SECURE_SSL"}}
    clean.pop("ALLOWED_HOSTS", None)
    return subprocess.run(
        [sys.executable, "-c", probe],
        env=clean | env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SECURE_SSL": "0"}, "http://127.0.0.1:8000"),
        (
            {"SECURE_SSL": "1", "ALLOWED_HOSTS": "ktp.example.go.id,www.example.go.id"},
            "https://ktp.example.go.id",
        ),
        ({"PORTAL_URL": "https://antrean.example.go.id/"}, "https://antrean.example.go.id"),
    ],
)
def test_links_in_messages_know_where_the_portal_is(env, expected):
    result = _portal_url(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORTAL_URL": "ktp.example.go.id"}, "PORTAL_URL must be an http(s):// URL"),
        ({"SECURE_SSL": "1", "ALLOWED_HOSTS": ".example.go.id"}, "Set PORTAL_URL"),
    ],
)
def test_a_portal_url_that_cannot_be_used_stops_the_process(env, message):
    result = _portal_url(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
