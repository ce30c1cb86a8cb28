"""Accessibility of the booking flow, step by step, in Indonesian and English; and how a form
with errors helps: every field labelled, errors tied to their fields and announced, focus on
the error summary."""

import pytest

from tests.e2e.steps import book_visit, choose, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_step_of_the_booking_flow_is_accessible(page, portal, assert_accessible, language):
    page.goto("/")
    switch_language(page, language)
    steps = []

    def check(page, step):
        assert page.locator("html").get_attribute("lang") == language, step
        assert_accessible(page, f"booking step {step!r} ({language})")
        steps.append(step)

    book_visit(page, at_each_step=check)
    assert "form with errors" in steps and "confirmation" in steps
    for path in ("/antrean/kelola/antrean/", "/antrean/kelola/jadwal/", "/antrean/kelola/batal/"):
        page.goto(path)
        check(page, path)
    page.goto("/antrean/kelola/jadwal/")
    choose(page, ".choice-list a")
    check(page, "reschedule: times")
    choose(page, ".choice-list a")
    check(page, "reschedule: confirm")
    assert not page.problems, page.problems


def test_a_failed_submit_explains_itself(page, portal):
    page.goto("/antrean/jaksel/baru-17/")
    choose(page, ".choice-list a")
    choose(page, ".choice-list a")
    form = page.locator("main form[method=post]")
    for field in form.locator("input:not([type=hidden]), select, textarea").all():
        field_id = field.get_attribute("id")
        assert field_id and page.locator(f"label[for='{field_id}']").count() == 1, field_id

    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"  # announced
    # Focus is on the summary, so a screen reader starts from the list of problems.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    for link in summary.locator("a[href^='#']").all():
        field = page.locator(link.get_attribute("href"))
        assert field.get_attribute("aria-invalid") == "true"
        described = field.get_attribute("aria-describedby") or ""
        texts = [page.locator(f"#{part}").inner_text() for part in described.split()]
        assert any(text and text in link.inner_text() for text in texts), (described, texts)


def test_a_failed_status_lookup_focuses_its_error_summary(page, portal):
    page.goto("/status/")
    page.locator("#tt-receipt_number").fill("bukan-nomor")
    page.locator("#tt-receipt_number").press("Enter")
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    link = page.locator(".error-summary a[href='#tt-receipt_number']")
    assert link.count() == 1
    assert page.locator("#tt-receipt_number").get_attribute("aria-invalid") == "true"
