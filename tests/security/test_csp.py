"""The Content Security Policy on every page a citizen or staff member opens.

Pages are found by walking the links from the home page (so a new page is covered as soon as
something links to it), plus the admin's login and, logged in, its index.
"""

import re

import pytest

from tests.security.crawl import crawl

pytestmark = pytest.mark.django_db

NONCE = re.compile(r"'nonce-[A-Za-z0-9+/_=-]{16,}'")


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_csp(response):
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']}: no Content-Security-Policy header"
    csp = parse_csp(header)
    assert csp["default-src"] == ["'self'"]
    # Django adds the nonce only to responses whose template used it.
    script = csp["script-src"]
    assert script[0] == "'self'" and all(NONCE.fullmatch(value) for value in script[1:]), script
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    # Styles come from our files only: no inline style attributes or blocks.
    assert csp.get("style-src", csp["default-src"]) == ["'self'"]


def test_a_weak_policy_is_rejected():
    from django.http import HttpResponse

    weak = HttpResponse()
    weak.request = {"PATH_INFO": "/x"}
    for script_src in ("'self' 'unsafe-inline'", "'self' https://cdn.example", "*"):
        weak["Content-Security-Policy"] = (
            f"default-src 'self'; script-src {script_src}; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'"
        )
        with pytest.raises(AssertionError):
            assert_strict_csp(weak)


def test_every_public_page_carries_the_policy(client, demo_data):
    pages = crawl(client)
    assert "/" in pages and "/dokumen/" in pages, sorted(pages)
    for response in pages.values():
        if response["Content-Type"].startswith("text/html"):
            assert_strict_csp(response)


def test_error_pages_carry_the_policy(client):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert_strict_csp(response)


def test_admin_carries_the_policy(client, django_user_model):
    assert_strict_csp(client.get("/admin/login/"))
    admin = django_user_model.objects.create_superuser("root", password="sandi-uji-panjang")
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_strict_csp(response)
