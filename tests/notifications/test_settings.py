"""The notification settings fail loudly at start-up when they cannot work together."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'ktpportal.settings'; "
    "from django.conf import settings as s; s.NOTIFICATION_MAX_ATTEMPTS"
)


def _start_with(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SHORT_", "NOTIFICATION_"))}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**clean, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"SHORT_MESSAGE_BACKEND": "ktpportal.notifications.channels.HTTPGatewayBackend"},
            "SHORT_MESSAGE_GATEWAY_URL must be an http(s):// URL",
        ),
        (
            {
                "SHORT_MESSAGE_BACKEND": "ktpportal.notifications.channels.HTTPGatewayBackend",
                "SHORT_MESSAGE_GATEWAY_URL": "https://sms.example.id/kirim",
            },
            "SHORT_MESSAGE_GATEWAY_TOKEN must be set",
        ),
        (
            {"NOTIFICATION_RETRY_BACKOFF_MAX": "3600"},
            "must be shorter than CELERY_VISIBILITY_TIMEOUT",
        ),
        ({"NOTIFICATION_SENDING_TIMEOUT": "60"}, "must be longer than the task time limit"),
    ],
)
def test_settings_that_cannot_work_stop_the_start(env, message):
    result = _start_with(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_complete_gateway_configuration_starts():
    result = _start_with(
        SHORT_MESSAGE_BACKEND="ktpportal.notifications.channels.HTTPGatewayBackend",
        SHORT_MESSAGE_GATEWAY_URL="https://sms.example.id/kirim",
        SHORT_MESSAGE_GATEWAY_TOKEN="rahasia",
    )
    assert result.returncode == 0, result.stderr
