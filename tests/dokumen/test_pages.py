import pytest
from django.utils import translation

from dokumen.models import Requirement
from ktpportal.models import ServiceType
from tests.dokumen.factories import add_office_requirement, mark_not_needed
from tests.factories import make_office

pytestmark = pytest.mark.django_db


def test_index_lists_active_services_with_when_they_apply(client, seeded):
    ServiceType.objects.filter(code="rusak").update(is_active=False)
    response = client.get("/dokumen/")
    assert response.status_code == 200
    assert 'href="/dokumen/hilang/"' in response.text
    assert "KTP-el hilang; bawa surat kehilangan dari kepolisian." in response.text
    assert 'href="/dokumen/rusak/"' not in response.text
    assert response.text.count('href="/dokumen/') == 8 + 1  # services + the nav link


def test_checklist_page(client, seeded):
    response = client.get("/dokumen/hilang/")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Penggantian KTP-el hilang</h1>" in html
    assert "Surat keterangan hilang dari kepolisian" in html
    assert html.count('type="checkbox" name="ada"') == 2
    assert '<link rel="stylesheet" href="/static/dokumen/print.css" media="print">' in html
    assert "Cetak halaman ini" in html
    assert 'href="/antrean/?layanan=hilang"' in html
    assert "Ambil antrean untuk layanan ini" in html
    assert '<option value="" selected' not in html  # nothing chosen: the first option shows
    assert "<script src=" in html and "<script>" not in html


def test_checklist_for_a_chosen_office(client, seeded):
    service = ServiceType.objects.get(code="hilang")
    office, other = make_office(name="Kantor Bandung"), make_office(name="Kantor Lain")
    add_office_requirement(office, service, name="Surat pernyataan bermeterai", order=30)
    mark_not_needed(office, Requirement.objects.get(seed_key="hilang/kk"))

    response = client.get(f"/dokumen/hilang/?kantor={office.slug}")
    assert response.status_code == 200
    html = response.text
    assert "Surat pernyataan bermeterai" in html and "syarat kantor ini" in html
    assert "Kartu Keluarga (KK)" not in html
    assert f'<option value="{office.slug}" selected>Kantor Bandung</option>' in html
    assert f'href="/antrean/?layanan=hilang&amp;kantor={office.slug}"' in html

    untouched = client.get(f"/dokumen/hilang/?kantor={other.slug}").text
    assert "Kartu Keluarga (KK)" in untouched and "Surat pernyataan" not in untouched
    # Only offices whose list differs are offered; the other one is shown once chosen.
    assert f'<option value="{other.slug}" selected>Kantor Lain</option>' in untouched
    assert f'value="{other.slug}"' not in html


def test_ticks_come_back_from_the_address(client, seeded):
    kk = Requirement.objects.get(seed_key="hilang/kk")
    police = Requirement.objects.get(seed_key="hilang/surat-kehilangan")
    html = client.get(f"/dokumen/hilang/?centang=1&ada=n{kk.pk}").text
    assert f'value="n{kk.pk}" id="dok-n{kk.pk}" checked' in html
    assert f'value="n{police.pk}" id="dok-n{police.pk}" checked' not in html


@pytest.mark.parametrize(
    "url",
    [
        "/dokumen/tidak-ada/",
        "/dokumen/hilang/?kantor=tidak-ada",
        "/dokumen/rusak/",  # switched off below
        "/dokumen/hilang/?kantor=tutup",  # an inactive office
    ],
)
def test_unknown_service_or_office_is_the_portals_404(client, seeded, url):
    ServiceType.objects.filter(code="rusak").update(is_active=False)
    make_office(slug="tutup", is_active=False)
    response = client.get(url)
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text and "Portal KTP-el" in response.text


def test_checklist_page_query_count_does_not_grow_with_offices_or_items(
    client, seeded, django_assert_max_num_queries
):
    service = ServiceType.objects.get(code="perubahan-data")
    office = make_office()
    for _ in range(10):
        make_office()
        add_office_requirement(office, service)
    with django_assert_max_num_queries(6):
        response = client.get(f"/dokumen/perubahan-data/?kantor={office.slug}")
    assert response.status_code == 200


def test_english_page(client, seeded):
    client.cookies["django_language"] = "en"
    # The middleware leaves the request's language active in this thread: restore it after.
    with translation.override("id"):
        html = client.get("/dokumen/rusak/").text
    assert "Book a visit for this service" in html
    assert "(original)" in html
