"""Rate limits: per IP and per NIK, counted apart, shared by both kinds of lookup."""

import pytest

from status.views import IP_RATE, NIK_RATE
from tests.factories import make_nik

pytestmark = pytest.mark.django_db
IP_LIMIT = int(IP_RATE.split("/")[0])
NIK_LIMIT = int(NIK_RATE.split("/")[0])


def lookup(client, nik, ip):
    return client.post("/status/", {"receipt_number": "ZZZZ-ZZZZ-ZZZZ", "nik": nik}, REMOTE_ADDR=ip)


def send_link(client, nik, ip):
    return client.post("/status/kirim-tautan/", {"nik": nik}, REMOTE_ADDR=ip)


def test_one_address_is_limited_whatever_the_nik(client):
    for n in range(IP_LIMIT):
        assert lookup(client, make_nik(serial=n + 1), "203.0.113.7").status_code == 404
    blocked = lookup(client, make_nik(serial=IP_LIMIT + 1), "203.0.113.7")
    assert blocked.status_code == 429
    assert "Terlalu banyak percobaan" in blocked.text
    # Another address is counted apart.
    assert lookup(client, make_nik(serial=IP_LIMIT + 2), "203.0.113.8").status_code == 404


def test_one_nik_is_limited_from_any_address(client):
    nik = make_nik(serial=4242)
    for n in range(NIK_LIMIT):
        # Half through each form: both count against the same NIK.
        post = lookup if n % 2 else send_link
        assert post(client, nik, f"198.51.100.{n + 1}").status_code in (200, 404)
    assert lookup(client, nik, "198.51.100.200").status_code == 429
    assert send_link(client, nik, "198.51.100.201").status_code == 429
    # The same NIK typed with spaces is the same NIK.
    spaced = " ".join(nik[i : i + 4] for i in range(0, 16, 4))
    assert lookup(client, spaced, "198.51.100.202").status_code == 429
    # Another NIK from those addresses is still answered.
    assert lookup(client, make_nik(serial=4343), "198.51.100.1").status_code == 404


def test_page_views_are_not_counted(client):
    for _ in range(IP_LIMIT + 1):
        assert client.get("/status/", REMOTE_ADDR="192.0.2.1").status_code == 200
