"""The login, meetings list and minutes pages in a real browser: signing in, reading the seed
minutes, and each page passing axe-core's WCAG A/AA checks."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Meeting
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import BrowserProblems, login
from tests.seed_data import NOVEMBER_2022, NOVEMBER_2022_ITEMS

pytestmark = pytest.mark.e2e

MAY_2018 = "Monthly Assurance Meeting May 2018"
DRAFT_DECEMBER_2022 = "Thematic Assurance Meeting December 2022 – VAWG"
BOOTSTRAP_PRIMARY = "rgb(13, 110, 253)"


def meeting_url(live_server, title):
    return live_server.url + Meeting.objects.get(title=title).get_absolute_url()


def test_an_officer_signs_in_and_reads_the_november_2022_minutes(page, live_server, seeds, officer):
    login(page, live_server, "officer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()

    expect(page).to_have_url(live_server.url + reverse("meetings:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    page.get_by_role("link", name=NOVEMBER_2022).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(NOVEMBER_2022)
    for title in NOVEMBER_2022_ITEMS:
        expect(page.locator(".agenda-item-title", has_text=title).first).to_be_visible()


def test_the_login_page_loads_bootstrap_and_our_stylesheet(page, live_server):
    page.goto(live_server.url + reverse("login"))

    button = page.get_by_role("button", name="Sign in")
    expect(button).to_have_css("background-color", BOOTSTRAP_PRIMARY)  # bootstrap.min.css
    expect(page.locator("body")).to_have_css("display", "flex")  # css/site.css


def test_the_login_page_is_accessible(page, live_server):
    page.goto(live_server.url + reverse("login"))

    expect(page.get_by_label("Username")).to_be_focused()
    assert_accessible(page)


def test_the_login_error_summary_takes_focus_and_is_accessible(page, live_server, officer):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill("officer")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter your password")).to_have_attribute(
        "href", "#id_password"
    )
    expect(page.get_by_label("Username")).to_have_value("officer")
    assert_accessible(page)

    summary.get_by_role("link", name="Enter your password").click()
    expect(page.get_by_label("Password")).to_be_focused()


def test_the_meetings_list_is_accessible(page, live_server, seeds, officer):
    login(page, live_server, "officer")
    page.goto(live_server.url + reverse("meetings:list"))

    expect(page.get_by_role("link", name=NOVEMBER_2022)).to_be_visible()
    assert_accessible(page)


def test_the_filtered_meetings_list_is_accessible_with_and_without_errors(
    page, live_server, seeds, officer
):
    login(page, live_server, "officer")
    page.goto(live_server.url + reverse("meetings:list"))
    page.get_by_label("Series").select_option(label="Monthly Assurance Meeting")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + reverse("meetings:list") + "?year=1999")
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)


@pytest.mark.parametrize("title", [NOVEMBER_2022, MAY_2018])
def test_the_minutes_page_is_accessible(page, live_server, seeds, officer, title):
    login(page, live_server, "officer")
    page.goto(meeting_url(live_server, title))

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(page)


def test_a_force_user_gets_the_not_found_page_for_a_draft_meeting(
    page, live_server, browser_problems, seeds, force_user
):
    # seeds before force_user: the seed offices load first, and force_user joins their CC.
    login(page, live_server, "force")
    browser_problems.expect_page_status(404)

    response = page.goto(meeting_url(live_server, DRAFT_DECEMBER_2022))

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text("VAWG")).to_have_count(0)
    assert_accessible(page)


def test_the_accessibility_check_fails_on_an_unlabelled_field_naming_the_rule_and_element(page):
    page.set_content(
        '<html lang="en"><title>Broken</title><main><h1>Broken</h1>'
        '<input id="nameless" type="text"></main></html>'
    )

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)

    assert "- label (critical): Form elements must have labels" in str(failure.value)
    assert "#nameless" in str(failure.value)


def test_a_missing_stylesheet_and_a_script_error_count_as_browser_problems(context, live_server):
    page = context.new_page()  # not the page fixture, which would fail this test for them
    problems = BrowserProblems()
    problems.watch(page)
    page.goto(live_server.url + reverse("login"))

    with page.expect_response("**/static/css/missing.css"), page.expect_event("pageerror"):
        page.evaluate(
            """() => {
                const link = document.createElement("link");
                link.rel = "stylesheet";
                link.href = "/static/css/missing.css";
                document.head.append(link);
                setTimeout(() => { throw new Error("boom"); });
            }"""
        )
    page.close()

    assert any("HTTP 404 for stylesheet" in problem for problem in problems.problems)
    assert any("boom" in problem for problem in problems.problems)
