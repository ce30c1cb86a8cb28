"""Pages with personal data are never stored by a browser or proxy, and no address ever
carries a NIK (addresses end up in logs, histories and Referer headers)."""

import re

import pytest

from status.models import Application
from status.services import create_application
from tests.e2e.portal import build_portal
from tests.e2e.steps import NIK, SIXTEEN_DIGITS
from tests.security.crawl import crawl
from tests.security.flows import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(db):
    return build_portal()


def assert_no_store(response, where):
    assert "no-store" in response.get("Cache-Control", ""), f"{where}: {response.headers}"


def assert_no_nik_in_addresses(response, where):
    assert not SIXTEEN_DIGITS.search(response.get("Location", "")), where
    for link in re.findall(r"""(?:href|action|src)=["']([^"']*)""", response.text):
        assert not SIXTEEN_DIGITS.search(link), f"{where}: {link}"


def test_booking_pages_are_no_store_and_nik_free(client, portal):
    response = book(client)
    assert response.status_code == 302
    assert_no_nik_in_addresses(response, "booking redirect")
    for url in (
        "/antrean/selesai/",
        "/antrean/kelola/antrean/",
        "/antrean/kelola/kunjungan-dukcapil.ics",
        "/antrean/kelola/batal/",
        "/antrean/kelola/jadwal/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response, url)
        assert_no_nik_in_addresses(response, url)


def test_lookups_are_no_store_and_nik_free(client, portal):
    book(client)
    booking = portal.office.bookings.get()
    other = client.__class__()
    response = other.post("/antrean/kelola/", {"code": booking.code, "nik": NIK})
    assert response.status_code == 302
    assert_no_store(response, "manage lookup")
    assert_no_nik_in_addresses(response, "manage lookup")

    application = create_application(
        citizen=booking.citizen,
        office=portal.office,
        service_type=booking.service_type,
        booking=booking,
        by=portal.staff,
    )
    response = other.post("/status/", {"receipt_number": application.receipt_number, "nik": NIK})
    assert response.status_code == 200
    assert_no_store(response, "status lookup")
    assert_no_nik_in_addresses(response, "status lookup")
    response = other.post("/status/kirim-tautan/", {"nik": NIK})
    assert_no_nik_in_addresses(response, "status link")
    assert Application.objects.count() == 1


def test_admin_pages_are_no_store(client, portal):
    client.force_login(portal.staff)
    for url in ("/admin/", "/admin/status/application/", "/admin/antrean/booking/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_store(response, url)


def test_no_page_reachable_after_booking_puts_a_nik_in_an_address(client, portal):
    book(client)
    pages = crawl(client) | crawl(client, "/antrean/kelola/antrean/")
    assert {"/", "/antrean/kelola/antrean/", "/antrean/kelola/jadwal/"} <= set(pages)
    for url, response in pages.items():
        assert not SIXTEEN_DIGITS.search(url), url
        assert response.status_code < 500, url
        assert_no_nik_in_addresses(response, url)
