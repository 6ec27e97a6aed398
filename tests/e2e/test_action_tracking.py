"""Following an action in a real browser: force staff report progress and ask for sign-off,
the Commissioner finds it on the dashboard and signs it off. The dashboard and the action page
pass axe-core's WCAG A/AA checks."""

import pytest
from playwright.sync_api import expect

from actions.models import Action, Status
from assurance import roles
from meetings.models import Meeting
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import login
from tests.factories import ActionFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.e2e

DESCRIPTION = "Share the integrated offender management data with the PCC."


@pytest.fixture
def action(transactional_db, force_user):
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    return ActionFactory(
        description=DESCRIPTION,
        owners=[cc],
        origin_item__meeting__status=Meeting.Status.PUBLISHED,
    )


def test_force_staff_ask_for_sign_off_and_the_commissioner_signs_off(
    page, live_server, action, browser
):
    # Force staff acting for the Chief Constable report progress, then ask for sign-off.
    login(page, live_server, "force")
    page.goto(live_server.url + action.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("textbox", name="Progress note").fill("The data was shared on 2 December.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("The data was shared on 2 December.")).to_be_visible()
    page.get_by_label("Ask for sign-off (awaiting sign-off) (needs a note)").check()
    page.get_by_role("textbox", name="Note", exact=True).fill("Data shared; please sign off.")
    page.get_by_role("button", name="Change the status").click()
    expect(page.get_by_text("is now awaiting sign-off")).to_be_visible()
    assert_accessible(page)

    # The Commissioner sees it on the dashboard's awaiting sign-off tile and signs it off.
    UserFactory(username="pcc", groups=[roles.COMMISSIONER])
    commissioner_context = browser.new_context(base_url=live_server.url)
    pcc_page = commissioner_context.new_page()
    login(pcc_page, live_server, "pcc")
    pcc_page.goto(live_server.url + "/")
    tile = pcc_page.locator(".dashboard-tile-awaiting_sign_off")
    expect(tile).to_contain_text("1")
    assert_accessible(pcc_page)
    tile.click()
    pcc_page.get_by_role("link", name=action.reference).click()
    pcc_page.get_by_label("Sign off", exact=False).first.check()
    pcc_page.get_by_role("textbox", name="Note", exact=True).fill("Satisfied with the data shared.")
    pcc_page.get_by_role("button", name="Change the status").click()
    expect(pcc_page.get_by_text("is now closed")).to_be_visible()
    assert_accessible(pcc_page)
    commissioner_context.close()

    action = Action.objects.get(pk=action.pk)
    assert action.status == Status.CLOSED
    assert [(u.status_before, u.status_after) for u in action.updates.all()] == [
        (Status.OPEN, Status.OPEN),
        (Status.OPEN, Status.AWAITING_SIGN_OFF),
        (Status.AWAITING_SIGN_OFF, Status.CLOSED),
    ]
