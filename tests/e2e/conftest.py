"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against the live server.

One browser for the whole e2e package, a fresh context (cookies, language, JavaScript on or
off) per test, a 360x640 phone viewport. A failing test leaves a screenshot and the page's
HTML in $ARTIFACTS_DIR (default: test-artifacts/ in the repository).
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.portal import build_portal

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 640}
ARTIFACTS_DIR = Path(os.environ.get("ARTIFACTS_DIR") or settings.BASE_DIR / "test-artifacts")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    contexts = getattr(item, "e2e_contexts", [])
    if report.when == "call" and report.failed and contexts:
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", item.nodeid)
        saved = []
        pages = [page for context in contexts for page in context.pages if not page.is_closed()]
        for number, page in enumerate(pages, 1):
            path = ARTIFACTS_DIR / f"{stem}-{number}"
            try:
                page.screenshot(path=f"{path}.png", full_page=True)
                Path(f"{path}.html").write_text(page.content(), encoding="utf-8")
                saved.append(f"{path}.png ({page.url})")
            except Exception as exc:  # noqa: BLE001 - must not hide the test's own failure
                saved.append(f"{path}: could not save: {exc}")
        report.sections.append(("e2e artifacts", "\n".join(saved)))
    return report


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django refuses
    # ORM calls under a running loop; the tests' own ORM calls are plain synchronous code.
    with pytest.MonkeyPatch.context() as mp, sync_playwright() as playwright:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(request, browser, live_server):
    """Make browser contexts (JavaScript on or off, ...) on a phone; all closed afterwards."""
    contexts = request.node.e2e_contexts = []

    def make(**options):
        options = {
            "base_url": live_server.url,
            "viewport": PHONE,
            "locale": "id-ID",
            "accept_downloads": True,
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def watch(page):
    """Collect in `page.problems` what a visitor would meet as a broken page: CSP violations
    and script errors (console), uncaught exceptions, and styles or scripts that fail to load.
    The page itself may be a 4xx (the 404 page is one); the browser's favicon probe is noise."""
    page.problems = []

    def on_console(message):
        # Chromium also logs every 4xx as "Failed to load resource"; responses are checked below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.problems.append(message.text)

    def on_response(response):
        request = response.request
        if (
            response.status >= 400
            and request.resource_type != "document"
            and not request.url.endswith("/favicon.ico")
        ):
            page.problems.append(f"{response.status} {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("response", on_response)
    return page


@pytest.fixture
def page(new_context):
    return watch(new_context().new_page())


@pytest.fixture
def portal(live_server):
    return build_portal()


@pytest.fixture(scope="package")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page as it is now: no serious or critical violations."""

    def check(page, label=""):
        response = axe.run(page).response
        bad = [v for v in response["violations"] if v["impact"] in {"serious", "critical"}]
        details = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:3])
            for v in bad
        )
        assert not bad, f"{label or page.url}: axe found\n{details}"

    return check
