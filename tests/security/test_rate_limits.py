"""What every rate limit shares (ktpportal/ratelimits.py): a 429 page that says truly when
to try again, and limits that give way, never a 500, when the cache is unreachable."""

import datetime
import logging
import math
import socket

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from tests.antrean.conftest import NOW, make_booking, make_slot, open_office
from tests.factories import VALID_NIK, make_nik

pytestmark = pytest.mark.django_db
WRONG_CODE = "ABCD-EFGH-JKMN"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def wrong_pair(client, serial=1, **extra):
    return client.post(
        reverse("antrean:manage"), {"code": WRONG_CODE, "nik": make_nik(serial=serial)}, **extra
    )


def test_the_429_says_when_the_limit_lifts_and_it_does(client, settings):
    settings.RATELIMIT_FAILURES_PER_ADDRESS = 1
    start = datetime.datetime(2026, 12, 1, 1, 0, 7, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert wrong_pair(client).status_code == 404
        refused = wrong_pair(client, serial=2)
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 3600
    assert f"Silakan coba lagi dalam {math.ceil(wait / 60)} menit." in refused.text
    # The portal's own layout: header, menu, footer.
    assert "Portal KTP-el" in refused.text and 'aria-label="Menu utama"' in refused.text
    with time_machine.travel(start + datetime.timedelta(seconds=wait - 1), tick=False):
        assert wrong_pair(client, serial=3).status_code == 429
    with time_machine.travel(start + datetime.timedelta(seconds=wait), tick=False):
        assert wrong_pair(client, serial=4).status_code == 404


def test_the_429_in_english(client, settings):
    settings.RATELIMIT_FAILURES_PER_ADDRESS = 1
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    wrong_pair(client)
    refused = wrong_pair(client, serial=2)
    minutes = math.ceil(int(refused["Retry-After"]) / 60)
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    unit = "minute" if minutes == 1 else "minutes"
    assert f"Please try again in {minutes} {unit}." in refused.text


def unreachable_cache(settings):
    """A Redis cache on a port where nothing listens: every call fails to connect."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_limits_give_way_with_a_warning_when_the_cache_is_unreachable(
    client, settings, service_type, caplog
):
    with time_machine.travel(NOW, tick=False):
        office = open_office(service_type=service_type)
        booking = make_booking(make_slot(office), service_type)
    settings.RATELIMIT_FAILURES_PER_ADDRESS = 1
    settings.RATELIMIT_LINKS_PER_ADDRESS = 1
    unreachable_cache(settings)
    with caplog.at_level(logging.WARNING, logger="ktpportal.ratelimits"):
        assert [wrong_pair(client, serial=n).status_code for n in range(3)] == [404] * 3
        found = client.post(reverse("antrean:manage"), {"code": booking.code, "nik": VALID_NIK})
        assert found.status_code == 302
        for n in range(3):
            assert client.post("/status/", {"receipt_number": "x", "nik": ""}).status_code == 400
            sent = client.post("/status/kirim-tautan/", {"nik": make_nik(serial=n)})
            assert sent.status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "ktpportal.ratelimits"]
    assert warnings and all("not counted" in message for message in warnings)
    assert not any(VALID_NIK in message for message in warnings)
