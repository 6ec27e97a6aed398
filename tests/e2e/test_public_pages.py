"""The public minutes in a real browser, signed out: the list and a published meeting's minutes
pass axe-core's WCAG A/AA checks with no console errors, and print with the PDF's stylesheet."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Meeting
from tests.e2e.axe import assert_accessible

pytestmark = pytest.mark.e2e

NOVEMBER_2022 = "Monthly Assurance Meeting November 2022"


@pytest.fixture
def seeds(transactional_db):
    call_command(
        "loaddata",
        "fixtures/reference.yaml",
        "fixtures/meetings_2018.yaml",
        "fixtures/meetings_2022.yaml",
        verbosity=0,
    )


def test_a_visitor_finds_and_reads_published_minutes_without_signing_in(page, live_server, seeds):
    page.goto(live_server.url + reverse("public:list"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Published minutes")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name=NOVEMBER_2022, exact=True).click()

    expect(page).to_have_url(
        live_server.url
        + reverse("public:detail", args=[Meeting.objects.get(title=NOVEMBER_2022).pk])
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(NOVEMBER_2022)
    expect(page.locator(".agenda-item-title", has_text="2.12")).to_be_visible()
    expect(page.get_by_role("link", name="Download the minutes as a PDF")).to_be_visible()
    assert_accessible(page)


def test_a_bad_filter_on_the_public_list_takes_focus_and_is_accessible(page, live_server, seeds):
    page.goto(live_server.url + reverse("public:list") + "?year=1999")

    expect(page).to_have_title(re.compile(r"^Error: Published minutes"))
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)


def test_the_public_minutes_print_like_the_pdf(page, live_server, seeds):
    meeting = Meeting.objects.get(title=NOVEMBER_2022)
    page.goto(live_server.url + reverse("public:detail", args=[meeting.pk]))
    page.wait_for_load_state()

    page.emulate_media(media="print")

    # print.css imports minutes-print.css: the site's frame and buttons go, the PDF's rules apply.
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print the minutes")).to_be_hidden()
    expect(page.locator(".outstanding-action, .agenda-item-head").first).to_have_css(
        "display", "table"
    )
