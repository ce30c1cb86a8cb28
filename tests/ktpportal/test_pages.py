import pytest
from django.urls import reverse

from ktpportal.views import server_error

pytestmark = pytest.mark.django_db


def test_home_links_to_the_three_services(client):
    response = client.get("/")
    assert response.status_code == 200
    for url in ("/antrean/", "/status/", "/dokumen/"):
        assert f'href="{url}"' in response.text
    assert '<html lang="id">' in response.text
    assert 'href="#konten"' in response.text  # skip link
    assert "<main" in response.text and "<nav" in response.text


def test_unknown_page_is_the_portals_404(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    assert "Portal KTP-el" in response.text


def test_language_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.text
    assert "Book a visit" in response.text
    response = client.post(reverse("set_language"), {"language": "id", "next": "/"}, follow=True)
    assert "Ambil antrean" in response.text


def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_error_pages_render_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Terjadi kesalahan" in html


def test_admin_login_page_works(client):
    assert client.get("/admin/login/").status_code == 200


def test_indonesian_unless_english_was_chosen(client):
    # A phone set to English still gets Bahasa Indonesia until the person switches.
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="id">' in response.text
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="id").text


def test_header_names_the_agency_whose_site_it_is(client, settings):
    settings.AGENCY_NAME = "Disdukcapil Kabupaten Contoh"
    for url in ("/", "/antrean/", "/tidak-ada/"):
        header = client.get(url).text.split("</header>")[0]
        # An Indonesian name: read as Indonesian on English pages too.
        assert '<span class="agency" lang="id">Disdukcapil Kabupaten Contoh</span>' in header


def test_the_agency_has_a_name_out_of_the_box(client):
    header = client.get("/").text.split("</header>")[0]
    assert '<span class="agency" lang="id">Dinas Kependudukan dan Pencatatan Sipil</span>' in header


def test_the_500_page_names_the_agency_too(rf, settings):
    settings.AGENCY_NAME = "Disdukcapil Kabupaten Contoh"
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Disdukcapil Kabupaten Contoh" in response.content.decode()
