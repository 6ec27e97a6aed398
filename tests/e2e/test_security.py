"""The Content-Security-Policy in a real browser: every page sends it, and nothing on the main
pages (dashboard, minutes, meeting form, item form) is refused by it while an officer uses them.

Chromium reports a refusal as a `securitypolicyviolation` event and a "Refused to ..." console
error; the first is recorded here, the second fails any browser test through browser_problems.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from meetings.models import Meeting, MeetingStatus
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import AgendaItemFactory

pytestmark = pytest.mark.e2e

# Runs in every page before its own scripts; page.evaluate and init scripts go through the
# DevTools protocol, so the policy does not apply to them.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def watched_page(page: Page) -> Page:
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def open_page(page: Page, url: str) -> None:
    """Go to url and check the response carries a strict policy."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    page.wait_for_load_state()


def violations(page: Page) -> list[str]:
    return page.evaluate("() => window.cspViolations")


def test_the_main_pages_run_under_the_policy_without_a_violation(
    watched_page, live_server, seeds, officer
):
    page = watched_page
    draft = Meeting.objects.filter(status=MeetingStatus.DRAFT).first()
    item = AgendaItemFactory(meeting=draft, title="Item to edit")
    published = Meeting.objects.filter(status=MeetingStatus.PUBLISHED).first()
    login(page, live_server, "officer")

    # The dashboard, with the navigation menu opened and closed on a narrow screen.
    page.set_viewport_size({"width": 500, "height": 900})
    open_page(page, live_server.url + reverse("home"))
    toggler = page.get_by_role("button", name="Show or hide the menu")
    toggler.click()
    expect(page.locator("#main-nav")).to_be_visible()
    toggler.click()
    assert violations(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    # The minutes of a published meeting.
    open_page(page, live_server.url + published.get_absolute_url())
    assert violations(page) == []

    # The meeting form, using its script: the suggested title and another attendance row.
    open_page(page, live_server.url + reverse("meetings:edit", args=[draft.pk]))
    page.get_by_label("Date").fill("2026-12-15")
    add_row = page.get_by_role("button", name="Add another attendee")
    if add_row.count():
        add_row.click()
    assert violations(page) == []

    # The item form, with an error summary after saving it without a title.
    open_page(page, live_server.url + reverse("meetings:item_edit", args=[draft.pk, item.pk]))
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert violations(page) == []


def test_the_policy_refuses_an_injected_inline_script(
    watched_page, live_server, officer, browser_problems
):
    """The guard itself: an inline script added to a page does not run, and is reported."""
    page = watched_page
    login(page, live_server, "officer")
    open_page(page, live_server.url + reverse("home"))

    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.injectedRan = true";
        document.body.append(script);
        const styled = document.createElement("p");
        styled.setAttribute("style", "color: red");
        document.body.append(styled);
    }"""
    )

    assert page.evaluate("() => window.injectedRan === true") is False
    page.wait_for_function("() => window.cspViolations.length >= 2")
    assert {entry.split()[0] for entry in violations(page)} >= {"script-src-elem", "style-src-attr"}
    # Chromium also logged each refusal as a console error, which fails any other browser test;
    # here the refusals are the point, so take them out of the problems.
    for _ in range(20):
        if any("Content Security Policy" in problem for problem in browser_problems.problems):
            break
        page.wait_for_timeout(50)
    assert any("Content Security Policy" in problem for problem in browser_problems.problems)
    page.wait_for_timeout(100)
    browser_problems.problems[:] = [
        problem for problem in browser_problems.problems if "Content Security Policy" not in problem
    ]


def test_the_locked_out_page_explains_itself_and_is_accessible(
    watched_page, live_server, officer, browser_problems
):
    page = watched_page
    browser_problems.expect_page_status(429)
    page.goto(live_server.url + reverse("login"))
    for _ in range(5):
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_have_text("Signing in is paused for 15 minutes")
    expect(page.get_by_text("Wait 15 minutes, then sign in again.")).to_be_visible()
    assert violations(page) == []
    assert_accessible(page)
