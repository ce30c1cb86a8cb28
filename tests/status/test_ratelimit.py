"""Rate limits on the status lookups (ktpportal/ratelimits.py): wrong receipt + NIK pairs
are counted per address and per NIK, a right pair is always answered, and the NIK-only link
has its own counters of requests, per NIK and per address."""

import pytest

from ktpportal.notifications.models import Notification
from tests.factories import make_citizen, make_nik
from tests.status.factories import make_application

pytestmark = pytest.mark.django_db
NIK_FAILURES = 10
LINKS_PER_NIK = 5
WRONG_RECEIPT = "ZZZZ-ZZZZ-ZZZZ"


@pytest.fixture
def application(office_a, service):
    citizen = make_citizen(email="siti@example.id")
    return make_application(office=office_a, service_type=service, citizen=citizen)


def lookup(client, receipt, nik, ip):
    return client.post("/status/", {"receipt_number": receipt, "nik": nik}, REMOTE_ADDR=ip)


def send_link(client, nik, ip):
    return client.post("/status/kirim-tautan/", {"nik": nik}, REMOTE_ADDR=ip)


def test_wrong_pairs_are_limited_per_address(client, settings):
    settings.RATELIMIT_FAILURES_PER_ADDRESS = 5
    statuses = [lookup(client, "12345", make_nik(serial=1), "203.0.113.7").status_code]
    statuses += [
        lookup(client, WRONG_RECEIPT, make_nik(serial=n + 2), "203.0.113.7").status_code
        for n in range(5)
    ]
    assert statuses == [400] + [404] * 4 + [429]  # a malformed receipt is a failure too
    blocked = lookup(client, WRONG_RECEIPT, make_nik(serial=9), "203.0.113.7")
    assert blocked.status_code == 429 and "Terlalu banyak percobaan" in blocked.text
    assert lookup(client, WRONG_RECEIPT, make_nik(serial=9), "203.0.113.8").status_code == 404


def test_a_right_pair_is_answered_whatever_others_tried_with_that_nik(client, application):
    """The reported lock-out: a few wrong receipts typed with someone's NIK kept its owner
    out of both lookups for up to an hour."""
    nik = application.citizen.nik
    statuses = [
        lookup(client, WRONG_RECEIPT, nik, f"198.51.100.{n}").status_code
        for n in range(NIK_FAILURES + 1)
    ]
    assert statuses == [404] * NIK_FAILURES + [429]
    right = lookup(client, application.receipt_number, nik, "203.0.113.30")
    assert right.status_code == 200 and "Diajukan" in right.text
    # The link by NIK alone has counters of its own.
    assert send_link(client, nik, "203.0.113.30").status_code == 200
    assert Notification.objects.filter(recipient="siti@example.id").count() == 1


def test_links_are_limited_per_nik_sent_or_not(client, application):
    """Every request counts, whether the NIK has an application or not: a 429 that came
    sooner for one would tell the asker so."""
    for nik in (application.citizen.nik, make_nik(serial=4242)):
        statuses = [
            send_link(client, nik, f"198.51.100.{n}").status_code for n in range(LINKS_PER_NIK + 1)
        ]
        assert statuses == [200] * LINKS_PER_NIK + [429]
    # The same NIK typed with spaces is the same NIK.
    nik = application.citizen.nik
    spaced = " ".join(nik[i : i + 4] for i in range(0, 16, 4))
    assert send_link(client, spaced, "198.51.100.200").status_code == 429
    # Wrong receipts are another counter: still answered with "not found".
    assert lookup(client, WRONG_RECEIPT, nik, "198.51.100.201").status_code == 404


def test_links_are_limited_per_address(client, settings):
    settings.RATELIMIT_LINKS_PER_ADDRESS = 3
    statuses = [
        send_link(client, make_nik(serial=600 + n), "203.0.113.50").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert send_link(client, make_nik(serial=700), "203.0.113.51").status_code == 200


def test_page_views_are_not_counted(client, settings):
    settings.RATELIMIT_FAILURES_PER_ADDRESS = 2
    for _ in range(5):
        assert client.get("/status/", REMOTE_ADDR="192.0.2.1").status_code == 200
