"""The checklist page in a real Chromium: ticks remembered on the device, print layout, no JS."""

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


def test_printed_page_is_just_the_list(open_page, keys):
    page = open_page("/dokumen/hilang/")
    page.emulate_media(media="print")
    assert page.is_visible("h1") and page.is_visible(keys[0])
    for hidden in (".site-header", ".office-picker", ".book-visit", ".checklist-actions"):
        assert not page.is_visible(hidden), hidden


def test_checklist_page_has_no_serious_accessibility_problems(open_page, keys):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page("/dokumen/hilang/")
    violations = Axe().run(page).response["violations"]
    bad = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in {"serious", "critical"}]
    assert not bad
