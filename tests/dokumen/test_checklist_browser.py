"""The checklist's ticks in a real Chromium: kept on the device with JavaScript, in the address
without it. The print layout and accessibility are in tests/e2e/test_checklist.py (the journey)."""

from pathlib import Path

import pytest

from dokumen.models import Requirement

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses calls
    # under a running loop, and the tests' own ORM calls are plain synchronous code.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as playwright:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_(path, **options):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 360, "height": 640},
            locale="id-ID",
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: _is_problem(m) and page.problems.append(m.text))
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()


def _is_problem(message) -> bool:
    # The portal has no favicon yet; Chromium's request for it is not this page's problem.
    return message.type == "error" and not message.location["url"].endswith("/favicon.ico")


@pytest.fixture
def keys(seeded):
    kk = Requirement.objects.get(seed_key="hilang/kk")
    police = Requirement.objects.get(seed_key="hilang/surat-kehilangan")
    return f"#dok-n{kk.pk}", f"#dok-n{police.pk}"


def test_ticks_are_remembered_on_the_device(open_page, keys):
    kk, police = keys
    page = open_page("/dokumen/hilang/")
    page.check(kk)
    page.reload()
    assert page.is_checked(kk) and not page.is_checked(police)
    # Another office's list of the same service is a different list.
    page.goto("/dokumen/hilang/?kantor=")
    assert page.is_checked(kk)

    page.click("text=Hapus centang")
    page.reload()
    assert not page.is_checked(kk)
    assert page.is_visible("button[data-print]")
    assert page.problems == []  # no CSP violation, no script error


def test_ticks_travel_in_the_address_without_javascript(open_page, keys):
    kk, police = keys
    page = open_page("/dokumen/hilang/", java_script_enabled=False)
    assert not page.is_visible("button[data-print]")
    page.check(police)
    page.click("text=Simpan centang")
    assert "ada=n" in page.url
    assert page.is_checked(police) and not page.is_checked(kk)
