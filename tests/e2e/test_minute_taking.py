"""An OPCC officer takes the minutes of a meeting in a real browser: creates the meeting with
its attendees, builds an agenda with a nested item, adds an action, approves and publishes —
and every page on the way passes axe-core's WCAG A/AA checks."""

import pytest
from playwright.sync_api import expect

from meetings.models import Meeting, Organisation
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import OfficeFactory, PersonFactory, default_series

pytestmark = pytest.mark.e2e


@pytest.fixture
def directory(transactional_db):
    default_series()  # a transactional test's database has lost the migrations' rows
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    pcc = OfficeFactory(
        abbreviation="PCC", title="Police and Crime Commissioner", organisation=Organisation.OPCC
    )
    PersonFactory(name="John Campion", office=pcc, organisation=Organisation.OPCC)
    PersonFactory(name="Pippa Mills", office=cc)


def test_an_officer_takes_approves_and_publishes_minutes(page, live_server, directory, officer):
    login(page, live_server, "officer")
    page.goto(live_server.url + "/meetings/")
    page.get_by_role("link", name="New meeting").click()
    assert_accessible(page)

    # The meeting, with two attendees picked from the directory.
    page.get_by_label("Series").select_option(label="Monthly Assurance Meeting")
    # Held already: minutes of a meeting still to come cannot be approved.
    page.get_by_label("Date").fill("2025-12-16")
    page.get_by_label("Start time").fill("14:00")
    page.get_by_label("Venue").fill("Hindlip HQ")
    page.locator("#id_attendance-0-person").select_option(label="John Campion (PCC)")
    page.locator("#id_attendance-0-status").select_option(label="Present")
    page.locator("#id_attendance-1-person").select_option(label="Pippa Mills (CC)")
    page.locator("#id_attendance-1-status").select_option(label="Present")
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Monthly Assurance Meeting, 16 December 2025"
    )
    expect(page.locator("#attendance")).to_contain_text("Pippa Mills Chief Constable (CC)")
    assert_accessible(page)

    # The agenda: a top-level item and a sub-item under it carrying an action.
    page.get_by_role("link", name="Agenda").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add an item").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Holding to account")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("link", name="Add a sub-item to 1 Holding to account").click()
    page.get_by_label("Title").fill("Call handling")
    page.get_by_label("Minutes: findings and discussion").fill(
        "The PCC asked when 101 performance would improve.\n\n- Recruitment is under way"
    )
    page.locator("#id_actions-0-description").fill("Update on 101 call handling in March.")
    page.locator("#id_actions-0-owners").fill("CC")
    page.locator("#id_actions-0-due_date").fill("2026-03-31")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("row", name="1.1 Call handling")).to_be_visible()
    assert_accessible(page)

    # The minutes read as entered; approve, then publish.
    page.get_by_role("link", name="Monthly Assurance Meeting, 16 December 2025").first.click()
    expect(page.get_by_role("heading", name="1.1 Call handling")).to_be_visible()
    expect(page.get_by_text("Update on 101 call handling in March.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.locator(".status-badge")).to_have_text("Approved")
    # Publishing first shows what will become public, then asks for confirmation.
    page.get_by_role("link", name="Publish the minutes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish the minutes")
    assert_accessible(page)
    page.get_by_role("button", name="Publish the minutes").click()
    expect(page.locator(".status-badge")).to_have_text("Published")
    assert_accessible(page)

    meeting = Meeting.objects.get()
    assert meeting.status == Meeting.Status.PUBLISHED
    assert [a.reference for a in meeting.actions_arising.all()] == ["2025-12-01"]
