"""The search, topic and area pages in a real browser: searching the seed minutes from the form,
following a hit to its item, and each page passing axe-core's WCAG A/AA checks."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_an_officer_searches_for_op_reset_and_opens_the_item(page, live_server, seeds, officer):
    login(page, live_server, "officer")
    page.goto(live_server.url + reverse("meetings:search"))
    page.get_by_label("Search for").fill("Op Reset")
    page.get_by_label("Year").select_option("2022")
    page.get_by_role("main").get_by_role("button", name="Search").click()

    expect(page.get_by_role("status")).to_contain_text("3 results for “Op Reset”")
    expect(page.locator(".search-hit mark").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Agenda item 2.3 Outcomes").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/#item-\d+$"))
    expect(page.get_by_role("heading", name="2.3 Outcomes")).to_be_visible()


def test_the_search_error_summary_is_accessible(page, live_server, seeds, officer):
    login(page, live_server, "officer")
    page.goto(live_server.url + reverse("meetings:search") + "?q=&year=1999")
    expect(page).to_have_title(re.compile(r"^Error: Search"))
    expect(page.get_by_role("alert")).to_contain_text("Enter a word or phrase to search for.")
    assert_accessible(page)


@pytest.mark.parametrize(
    "url",
    [
        reverse("meetings:topics"),
        reverse("meetings:topic", args=["call-handling"]),
        reverse("meetings:areas"),
        reverse("meetings:area", args=["shropshire"]),
    ],
)
def test_the_topic_and_area_pages_are_accessible(page, live_server, seeds, officer, url):
    login(page, live_server, "officer")
    page.goto(live_server.url + url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
