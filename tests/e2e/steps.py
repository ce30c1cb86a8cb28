"""What a visitor does, step by step, with locators that hold in both languages (form field
ids, link targets) so the same steps run in Indonesian and English."""

import re

# Kebayoran Baru, born 12-08-1990: well formed (tests/factories.py has more).
NIK = "3174011208900001"
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def switch_language(page, code):
    """The header's language form: works with and without JavaScript."""
    page.locator("#lang-select").select_option(code)
    page.locator("form.lang-switch button[type=submit]").click()
    page.wait_for_load_state()


def choose(page, css):
    page.locator(css).first.click()
    page.wait_for_load_state()


def book_visit(
    page,
    *,
    service="baru-17",
    nik=NIK,
    name="Siti Aminah",
    phone="0812 3456 7890",
    at_each_step=lambda page, step: None,
):
    """From the home page to the confirmation; `at_each_step(page, name)` runs on every page."""
    page.goto("/")
    at_each_step(page, "home")
    choose(page, "main a[href='/antrean/']")
    at_each_step(page, "office")
    choose(page, "a[href='/antrean/jaksel/']")
    at_each_step(page, "service")
    choose(page, f"a[href='/antrean/jaksel/{service}/']")
    at_each_step(page, "date")
    choose(page, ".choice-list a")
    at_each_step(page, "time")
    choose(page, ".choice-list a")
    at_each_step(page, "form")
    # A first try with a mistake: the form comes back with its errors.
    page.locator("#id_nik").fill(nik[:10])
    page.locator("#id_full_name").fill(name)
    page.locator("#id_phone").fill(phone)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    at_each_step(page, "form with errors")
    page.locator("#id_nik").fill(nik)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/antrean/selesai/")
    at_each_step(page, "confirmation")
    return page.locator(".booking-code").inner_text().strip()


def assert_no_nik_in_address(page):
    assert not SIXTEEN_DIGITS.search(page.url), page.url


def staff_login(page, username, password):
    page.goto("/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url("**/admin/")
