"""The client's address (ktpportal.net.client_ip): what rate limits and the staff lockout
count by. Only our own proxies' X-Forwarded-For entries are believed, only from them, and no
header, however malformed, turns into a 500."""

import ipaddress
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.urls import reverse

from ktpportal.net import UNKNOWN, client_ip
from tests.factories import VALID_NIK

PROXY = "10.89.0.2"  # where our proxy connects from
CLIENT = "198.51.100.7"


@pytest.fixture
def behind_one_proxy(settings):
    """compose.yaml: Caddy in front of gunicorn, connecting from the edge network."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.89.0.0/24")]
    return settings


def ip(remote_addr=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_direct_connections_use_the_socket_address_whatever_the_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ip("203.0.113.9", "1.2.3.4") == "203.0.113.9"
    assert ip("203.0.113.9") == "203.0.113.9"


def test_behind_the_proxy_its_entry_is_the_client(behind_one_proxy):
    assert ip(PROXY, CLIENT) == CLIENT


def test_a_forged_leading_entry_does_not_choose_the_address(behind_one_proxy):
    # nginx-style proxies append the address they saw to whatever the client sent.
    assert ip(PROXY, f"1.2.3.4, {CLIENT}") == CLIENT
    assert ip(PROXY, f"1.2.3.4, 5.6.7.8, 9.9.9.9, {CLIENT}") == CLIENT


def test_a_header_from_anyone_but_the_proxy_is_ignored(behind_one_proxy):
    """The bug: gunicorn published on 0.0.0.0:8000, so a client reaching it directly chose
    its own address with X-Forwarded-For."""
    assert ip("203.0.113.50", "1.2.3.4") == "203.0.113.50"
    assert ip("10.89.1.2", "1.2.3.4") == "10.89.1.2"  # a private address, but not the proxy's


def test_two_proxies_take_the_second_entry_from_the_right(behind_one_proxy):
    # A CDN appends the client, then our proxy appends the CDN.
    behind_one_proxy.TRUSTED_PROXY_COUNT = 2
    assert ip(PROXY, f"1.2.3.4, {CLIENT}, 104.16.0.1") == CLIENT
    # Fewer entries than proxies: nothing in the header is ours; the connection counts.
    assert ip(PROXY, CLIENT) == PROXY


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("1.2.3.4:5678", "1.2.3.4"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("::ffff:198.51.100.7", CLIENT),
        (f"unknown, {CLIENT}", CLIENT),
        (f"garbage, , {CLIENT}", CLIENT),
        (f"1.2.3.4,,{CLIENT}", CLIENT),
        (f"{CLIENT},", PROXY),  # the last entry, ours, is empty: our proxy never writes that
        (", ".join(["1.2.3.4"] * 2000 + [CLIENT]), CLIENT),
        ("unknown", PROXY),
        ("not an address", PROXY),
        ("[2001:db8::1", PROXY),
        ("1.2.3.4:99999", PROXY),
        ("", PROXY),
        ("   ", PROXY),
        ("\x00\xff", PROXY),
    ],
)
def test_malformed_headers_never_fail(behind_one_proxy, forwarded, expected):
    """Only our proxy's entry, the last, is read; if it cannot be, the connection's own
    address counts. Never a 500."""
    assert ip(PROXY, forwarded) == expected


def test_addresses_without_an_ip(settings):
    # A unix socket has no address: behind the proxy it is the proxy (only this host can
    # connect); without one, all such requests share one counter.
    settings.TRUSTED_PROXY_COUNT = 1
    assert ip("", CLIENT) == CLIENT
    assert ip("", "unknown") == UNKNOWN
    settings.TRUSTED_PROXY_COUNT = 0
    assert ip("", CLIENT) == UNKNOWN
    assert ip("::ffff:203.0.113.9") == "203.0.113.9"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forwarded", ["1.2.3.4:5678", "unknown", "[2001:db8::1]:443", "a, b, c", "", ","]
)
def test_a_lookup_with_a_malformed_header_is_answered(client, behind_one_proxy, forwarded):
    """The reported 500s: the header reached django-ratelimit as it was."""
    response = client.post(
        reverse("antrean:manage"),
        {"code": "ABCD-EFGH-JKMN", "nik": VALID_NIK},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 404


def _settings_in_a_fresh_process(**env):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.TRUSTED_PROXY_COUNT, s.TRUSTED_PROXIES)"
    )
    keep = {"PATH", "HOME", "PYTHONPATH", "VIRTUAL_ENV"}
    base = {k: v for k, v in os.environ.items() if k in keep}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "ktpportal.settings", **env},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        timeout=60,
    )


def test_the_proxy_scheme_header_is_believed_only_behind_a_proxy():
    direct = _settings_in_a_fresh_process()
    assert direct.returncode == 0, direct.stderr
    assert direct.stdout.startswith("None 0 [IPv4Network('127.0.0.1/32'), IPv6Network('::1/128')]")
    proxied = _settings_in_a_fresh_process(
        TRUSTED_PROXY_COUNT="1", TRUSTED_PROXIES="172.30.57.0/24"
    )
    assert proxied.returncode == 0, proxied.stderr
    assert proxied.stdout.startswith(
        "('HTTP_X_FORWARDED_PROTO', 'https') 1 [IPv4Network('172.30.57.0/24')]"
    )


def test_unreadable_or_retired_proxy_settings_stop_the_start():
    wrong = _settings_in_a_fresh_process(TRUSTED_PROXIES="10.0.0.0/8,caddy")
    assert wrong.returncode != 0 and "TRUSTED_PROXIES cannot be read" in wrong.stderr
    old = _settings_in_a_fresh_process(BEHIND_PROXY="1")
    assert old.returncode != 0 and "TRUSTED_PROXY_COUNT" in old.stderr
