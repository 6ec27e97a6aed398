"""Several actions arising in one save: "Add another action" adds blank rows in the browser,
three actions are typed, and one press of Save records all three — and the page passes axe."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.arising import OWNER_REQUIRED_MESSAGE
from actions.models import Action
from meetings.models import Meeting
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import AgendaItemFactory, MeetingFactory, OfficeFactory, default_series

pytestmark = pytest.mark.e2e


@pytest.fixture
def item(transactional_db):
    default_series()  # a transactional test's database has lost the migrations' rows
    OfficeFactory(abbreviation="CC", title="Chief Constable", position=1)
    OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable", position=2)
    meeting = MeetingFactory(
        date=datetime.date(2022, 11, 29),
        title="Monthly Assurance Meeting November 2022",
        status=Meeting.Status.DRAFT,
    )
    return AgendaItemFactory(meeting=meeting, title="Response times")


def action_rows(page):
    return page.locator("fieldset[data-action-row]:visible")


def test_an_officer_adds_three_actions_and_saves_once(page, live_server, officer, item):
    login(page, live_server, "officer")
    page.goto(live_server.url + reverse("meetings:item_edit", args=[item.meeting_id, item.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Response times")
    # With JavaScript one blank row shows; the spare ones wait for the button.
    expect(action_rows(page)).to_have_count(1)
    add = page.get_by_role("button", name="Add another action", exact=True)
    assert_accessible(page)

    texts = ["Publish the response times.", "Review the call data.", "Report back on 101."]
    page.locator("#id_actions-0-description").fill(texts[0])
    page.locator("#id_actions-0-owners").fill("CC")
    for index in (1, 2, 3):
        add.click()
        expect(action_rows(page)).to_have_count(index + 1)
        description = page.locator(f"#id_actions-{index}-description")
        expect(description).to_be_focused()
        expect(page.locator("[data-action-status]")).to_have_text(f"New action {index + 1} added.")
        expect(action_rows(page).nth(index).locator(":scope > legend")).to_have_text(
            f"New action {index + 1}"
        )
    # The fourth row came from the template: counted, labelled and named like the others.
    assert page.locator("#id_actions-TOTAL_FORMS").input_value() == "4"
    expect(page.get_by_label("Action", exact=True)).to_have_count(4)
    # Its owners field is labelled and offered the directory's suggestions like the others.
    expect(page.get_by_label("Owners", exact=True)).to_have_count(4)
    assert page.locator("#id_actions-3-owners").get_attribute("list") == "owner-suggestions"
    page.locator("#id_actions-1-description").fill(texts[1])
    page.locator("#id_actions-1-owners").fill("DCC")
    page.locator("#id_actions-3-description").fill(texts[2])
    page.locator("#id_actions-3-owners").fill("cc")
    page.locator("#id_actions-3-due_date").fill("2023-02-28")
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda")
    saved = list(Action.objects.order_by("reference"))
    assert [(a.reference, a.description) for a in saved] == [
        ("2022-11-01", texts[0]),
        ("2022-11-02", texts[1]),
        ("2022-11-03", texts[2]),
    ]
    assert saved[2].due_date == datetime.date(2023, 2, 28)
    assert [o.written() for o in saved[1].owners] == ["DCC"]
    assert [o.written() for o in saved[2].owners] == ["CC"]


def test_errors_in_added_rows_are_summarised_and_what_was_typed_is_kept(
    page, live_server, officer, item
):
    login(page, live_server, "officer")
    page.goto(live_server.url + reverse("meetings:item_edit", args=[item.meeting_id, item.pk]))
    add = page.get_by_role("button", name="Add another action", exact=True)
    for _ in range(4):
        add.click()
    page.locator("#id_actions-0-description").fill("Fine action.")
    page.locator("#id_actions-0-owners").fill("CC")
    page.locator("#id_actions-4-description").fill("No owner for this one.")
    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=OWNER_REQUIRED_MESSAGE)).to_be_visible()
    expect(page.locator("#id_actions-0-description")).to_have_value("Fine action.")
    expect(page.locator("#id_actions-4-description")).to_have_value("No owner for this one.")
    assert_accessible(page)
    assert not Action.objects.exists()
