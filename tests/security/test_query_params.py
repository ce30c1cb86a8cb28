"""Query parameters are read through ktpportal.params only, and junk in them is a normal page.

The NUL cases were 500s on PostgreSQL (it refuses NUL in text): they fail only there, and
the suite runs there in CI. tests/security/test_fuzz.py throws much more at the same pages.
"""

import re

import pytest
from django.conf import settings
from django.test import RequestFactory

from ktpportal.params import clean_text, query_list, query_text
from tests.antrean.conftest import open_office
from tests.factories import make_service_type

APPS = ("antrean", "dokumen", "ktpportal", "status")
# Reading values out of the QueryDict (`.get`, `.getlist`, `[...]`, `.items()`...). Handing
# the whole of it to a Form is fine: form fields clean what they take.
RAW_READ = re.compile(r"\bGET\s*(?:\.|\[)")


def test_views_read_query_parameters_only_through_the_helper():
    helper = settings.BASE_DIR / "ktpportal" / "params.py"
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for app in APPS
        for path in sorted((settings.BASE_DIR / app).rglob("*.py"))
        if path != helper
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if RAW_READ.search(line)
    ]
    assert found == [], "read query parameters with ktpportal.params:\n" + "\n".join(found)


def test_the_rule_sees_a_raw_read():
    assert RAW_READ.search('q = request.GET.get("q", "")')
    assert RAW_READ.search('request.GET["q"]')
    assert RAW_READ.search('self.request.GET.getlist("ada")')
    assert not RAW_READ.search("form = DailyListForm(request.GET or None, user=request.user)")


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("a\x00b", "ab"),
        ("\x00", ""),
        ("  Jakarta \t\n Selatan  ", "Jakarta Selatan"),
        ("\u202ejaksel\u200b", "jaksel"),  # right-to-left override, zero-width space
        ("\ufeffuji", "uji"),  # byte order mark
        ("a\ud800b", "ab"),  # a lone surrogate
        ("\ue000x", "x"),  # private use
        ("\x1b[31mmerah", "[31mmerah"),  # a terminal escape loses its ESC
        ("Sudin Dukcapil Kab. Tangerang", "Sudin Dukcapil Kab. Tangerang"),
        ("Bau-Bau\u2019s", "Bau-Bau\u2019s"),
        ("Cafe\u0301", "Caf\u00e9"),  # composed, as names are stored
    ],
)
def test_clean_text_drops_what_nobody_types(raw, cleaned):
    assert clean_text(raw, max_length=100) == cleaned


def test_clean_text_is_bounded():
    assert clean_text("x" * 1_000_000, max_length=100) == "x" * 100
    assert clean_text("\x00" * 1_000_000 + "x", max_length=100) == ""


def test_query_helpers_take_the_last_value_and_every_listed_one():
    request = RequestFactory().get("/?q=satu&q=dua%00&ada=n1&ada=%00&ada=k2&ada=")
    assert query_text(request, "q", max_length=10) == "dua"
    assert query_text(request, "tidak-ada", max_length=10) == ""
    assert query_list(request, "ada", max_items=10, max_length=5) == ["n1", "k2"]
    assert query_list(request, "ada", max_items=1, max_length=5) == ["n1"]


@pytest.fixture
def offering(db):
    service = make_service_type(code="ktp-baru", name="KTP-el baru")
    open_office(service_type=service, name="Sudin Dukcapil Uji", slug="uji")
    return service


@pytest.mark.parametrize(
    "query",
    ["q=uji%00", "q=%00", "provinsi=3%001", "layanan=ktp%00", "kantor=%00", "kantor=uji%00x"],
)
def test_office_list_with_a_nul_in_a_filter_is_a_normal_page(client, offering, query):
    response = client.get(f"/antrean/?{query}")
    assert response.status_code == 200
    assert "Ambil antrean kunjungan" in response.text


def test_a_nul_is_dropped_not_the_search(client, offering):
    """What is left after the junk is what was searched: `uji<NUL>` finds the office."""
    response = client.get("/antrean/?q=uji%00")
    assert "Sudin Dukcapil Uji" in response.text
    assert client.get("/antrean/?q=zzz%00").text.count("Sudin Dukcapil Uji") == 0


def test_service_choice_with_a_nul_is_the_service_page(client, offering):
    response = client.get("/antrean/uji/?layanan=%00")
    assert response.status_code == 200


def test_checklist_with_a_nul_in_the_office_is_the_portals_404(client, offering):
    response = client.get("/dokumen/ktp-baru/?kantor=%00tidak")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    # Nothing but the NUL: the same as no office, the national list.
    assert client.get("/dokumen/ktp-baru/?kantor=%00").status_code == 200
    assert client.get("/dokumen/ktp-baru/?ada=%00&ada=n1").status_code == 200
