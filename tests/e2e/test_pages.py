"""The public pages and the admin in a phone browser: accessible in both languages, and
working under the Content Security Policy."""

import pytest

from tests.e2e.steps import staff_login, switch_language

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

PUBLIC_PAGES = [
    "/",
    "/antrean/",
    "/antrean/?q=Jakarta",
    "/antrean/jaksel/",
    "/antrean/kelola/",
    "/status/",
    "/dokumen/",
    "/dokumen/baru-17/?kantor=jaksel",
    "/halaman-yang-tidak-ada/",
]


@pytest.mark.parametrize("language", ["id", "en"])
def test_public_pages_are_accessible(page, portal, assert_accessible, language):
    page.goto("/")
    if language == "en":
        switch_language(page, "en")
    for path in PUBLIC_PAGES:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page, f"{path} ({language})")
    assert not page.problems


def test_switch_to_english_and_back(page, portal):
    page.goto("/")
    switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Book a visit").count()
    # The choice holds on the next page, and switching keeps the visitor where they are.
    page.get_by_role("link", name="Documents").first.click()
    assert page.locator("html").get_attribute("lang") == "en"
    switch_language(page, "id")
    assert page.url.endswith("/dokumen/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("link", name="Dokumen").count()
    assert not page.problems, page.problems


def test_staff_signs_in_to_the_admin_under_the_policy(page, portal, assert_accessible):
    response = page.goto("/admin/login/")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    staff_login(page, "loket", portal.staff_password)
    assert page.locator("#logout-form").count() == 1
    # The admin's own scripts (sidebar, actions) run under the policy: no violation reported.
    page.goto("/admin/status/application/")
    assert page.locator("#changelist").count() == 1
    assert not page.problems, page.problems
