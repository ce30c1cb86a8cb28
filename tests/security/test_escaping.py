"""Markup typed into any free-text field comes back as text: in pages, the admin and emails."""

import pytest

from antrean.models import Booking
from ktpportal.notifications.models import Notification
from status.models import Application
from status.stages import Stage
from tests.e2e.portal import build_portal
from tests.e2e.steps import NIK
from tests.security.flows import book, booking_form_url, form_fields

pytestmark = pytest.mark.django_db

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
LIVE = ["<script>alert(1)", "<img src=x"]  # what must never appear unescaped


def assert_escaped(text: str, where: str):
    for fragment in LIVE:
        assert fragment not in text, f"{where}: {fragment!r} rendered as markup"


@pytest.fixture
def portal(db):
    return build_portal()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_office_search_echoes_the_query_escaped(client, portal, payload):
    response = client.get("/antrean/", {"q": payload})
    assert response.status_code == 200
    assert_escaped(response.text, "office search")
    assert "&lt;" in response.text  # the query is shown back, as text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_booking_form_refuses_markup_in_the_name_and_echoes_it_escaped(client, portal, payload):
    response = book(client, full_name=payload)
    assert response.status_code == 400
    assert_escaped(response.text, "booking form")
    assert not Booking.objects.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_other_booking_fields_echo_escaped(client, portal, payload):
    url = booking_form_url(client)
    data = form_fields(client.get(url).text) | {"nik": payload, "phone": payload, "email": payload}
    response = client.post(url, data)
    assert response.status_code == 400
    assert_escaped(response.text, "booking form")
    response = client.post("/antrean/kelola/", {"code": payload, "nik": payload})
    assert response.status_code == 400
    assert_escaped(response.text, "manage form")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_staff_entered_name_and_notes_are_escaped_everywhere(client, portal, payload):
    """Staff type the applicant's name and the notes in admin; the citizen's page, the
    admin's own pages and the emails show them as text."""
    client.force_login(portal.staff)
    add_url = "/admin/status/application/add/"
    data = form_fields(client.get(add_url).text) | {
        "nik": NIK,
        "full_name": payload,
        "email": "siti@example.id",
        "office": portal.office.pk,
        "service_type": portal.office.office_services.first().service_type_id,
        "public_note": payload,
        "_continue": "1",
    }
    response = client.post(add_url, data)
    assert response.status_code == 302, response.text[:3000]
    application = Application.objects.get()
    change_url = f"/admin/status/application/{application.pk}/change/"
    data = form_fields(client.get(change_url).text) | {
        "new_stage": Stage.BERKAS_KURANG,
        "new_public_note": payload,
        "internal_note": payload,
        "_continue": "1",
    }
    assert client.post(change_url, data).status_code == 302
    application.refresh_from_db()
    assert application.stage == Stage.BERKAS_KURANG

    for url in (change_url, "/admin/status/application/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_escaped(response.text, url)
    response = client.get("/admin/status/application/", {"q": payload})
    assert response.status_code == 200
    assert_escaped(response.text, "admin search")

    client.logout()
    response = client.post("/status/", {"receipt_number": application.receipt_number, "nik": NIK})
    assert response.status_code == 200
    assert_escaped(response.text, "status page")
    assert "&lt;" in response.text

    emails = Notification.objects.exclude(body_html="")
    assert emails.exists()
    for email in emails:
        assert_escaped(email.body_html, f"email {email.kind}")
