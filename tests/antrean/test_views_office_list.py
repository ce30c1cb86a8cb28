"""A province-wide portal has hundreds of offices: the first step lists provinces, then
offices, so a phone never downloads every office at once."""

import pytest

from antrean.views.booking import LIST_ALL_OFFICES_UP_TO
from tests.antrean.factories import make_booking_office


@pytest.fixture
def many_offices(service):
    jakarta = [
        make_booking_office(services=[service], name=f"UPT Jakarta {n}", regency_code="3174")
        for n in range(LIST_ALL_OFFICES_UP_TO)
    ]
    bali = make_booking_office(services=[service], name="Disdukcapil Denpasar", regency_code="5171")
    return jakarta, bali


def test_many_offices_are_reached_through_their_province(client, many_offices):
    page = client.get("/antrean/")
    assert page.status_code == 200
    assert "UPT Jakarta 1" not in page.text
    assert "?provinsi=31" in page.text and "?provinsi=51" in page.text
    assert "30 kantor" in page.text

    bali = client.get("/antrean/?provinsi=51")
    assert "Disdukcapil Denpasar" in bali.text and "UPT Jakarta" not in bali.text


def test_search_still_finds_an_office_directly(client, many_offices):
    page = client.get("/antrean/", {"q": "Denpasar"})
    assert "Disdukcapil Denpasar" in page.text
    assert "?provinsi=" not in page.text


def test_the_province_step_keeps_the_chosen_service(client, many_offices, service):
    page = client.get("/antrean/", {"layanan": service.code})
    assert f"?provinsi=51&amp;layanan={service.code}" in page.text


def test_the_office_step_costs_the_same_queries_however_many_offices(
    client, many_offices, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get("/antrean/")
