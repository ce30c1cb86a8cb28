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
