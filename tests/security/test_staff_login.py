"""Staff login against guessing (django-axes) and admin sessions that end."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "sandi-yang-benar-2026"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("petugas", password=PASSWORD, is_staff=True)


def _login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_right_password_logs_in(client, staff):
    response = _login(client, "petugas", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_locked_after_the_failure_limit_and_the_right_password_is_refused(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "petugas", "tebakan")
        assert response.status_code == 200  # the admin's "wrong password" form again
    locked = _login(client, "petugas", "tebakan")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan" in locked.text

    refused = _login(client, "petugas", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_lockout_is_per_username_and_address(client, staff, django_user_model):
    """Colleagues behind the same office address keep working while one account is locked;
    the locked account is locked from that address only."""
    django_user_model.objects.create_user("rekan", password=PASSWORD, is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "petugas", "tebakan")
    assert _login(client, "petugas", PASSWORD).status_code == 429
    assert _login(client, "rekan", PASSWORD).status_code == 302
    other = client.__class__()
    assert _login(other, "petugas", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_lock_lifts_after_the_cool_off(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "petugas", "tebakan")
    assert _login(client, "petugas", PASSWORD).status_code == 429
    later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert _login(client, "petugas", PASSWORD).status_code == 302


def test_success_resets_the_count(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "petugas", "tebakan")
    assert _login(client, "petugas", PASSWORD).status_code == 302
    client.post("/admin/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "petugas", "tebakan").status_code == 200


def test_admin_session_ends_with_the_browser_and_after_a_working_day(client, staff):
    response = _login(client, "petugas", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # No Max-Age or Expires: the browser drops it when it closes.
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE == 8 * 3600

    almost = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    with time_machine.travel(almost, tick=False):
        assert client.get("/admin/").status_code == 200
    expired = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(expired, tick=False):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_the_lockout_page_says_how_long_to_wait(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = _login(client, "petugas", "tebakan")
    cool_off = int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(cool_off)
    assert f"Silakan coba lagi dalam {cool_off // 60} menit." in locked.text


def test_a_forged_forwarded_header_neither_dodges_nor_resets_the_lockout(client, staff, settings):
    """Reaching gunicorn directly, a made-up X-Forwarded-For per attempt used to be a new
    address each time; through the proxy, a forged leading entry must not count either."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(
            client,
            "petugas",
            "tebakan",
            REMOTE_ADDR="203.0.113.50",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}",
        )
    direct = _login(
        client, "petugas", PASSWORD, REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR="9.9.9.9"
    )
    assert direct.status_code == 429

    proxy = {"REMOTE_ADDR": "127.0.0.1"}  # TRUSTED_PROXIES' default: a proxy on this host
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(
            client, "petugas", "tebakan", **proxy, HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 198.51.100.7"
        )
    for forged in ("9.9.9.9, 198.51.100.7", "198.51.100.8, 198.51.100.7"):
        refused = _login(client, "petugas", PASSWORD, **proxy, HTTP_X_FORWARDED_FOR=forged)
        assert refused.status_code == 429
    # The same staff member from another real address is not locked out.
    other = _login(client, "petugas", PASSWORD, **proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert other.status_code == 302
