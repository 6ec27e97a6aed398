"""Minutes typed when the idle timeout ends the session are not lost: the save lands on the login
page, signing in brings the officer back to the form, and the form offers the text back —
saving nothing until the officer chooses to. Before the timeout a dialog warns, and "Stay signed
in" keeps the session; every page on the way passes axe-core's WCAG A/AA checks.

The browser's clock is Playwright's fake one where a test needs the minutes to pass."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import AgendaItem, Meeting
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import PASSWORD, login
from tests.factories import AgendaItemFactory, default_series

pytestmark = pytest.mark.e2e

SAVED = "The PCC asked for reassurance."
TYPED = "The PCC asked when 101 performance would improve.\n\n- Recruitment is under way"


@pytest.fixture
def item(transactional_db):
    default_series()  # a transactional test's database has lost the migrations' rows
    return AgendaItemFactory(
        meeting__status=Meeting.Status.DRAFT, title="Call handling", minutes=SAVED
    )


def edit_url(live_server, item) -> str:
    return live_server.url + reverse("meetings:item_edit", args=[item.meeting.pk, item.pk])


def saved_minutes(item) -> str:
    """The item's minutes as stored, with the browser's CRLF line ends read as LF."""
    return AgendaItem.objects.get(pk=item.pk).minutes.replace("\r\n", "\n")


def test_minutes_typed_when_the_session_ends_are_offered_back_after_signing_in(
    page, live_server, item, officer
):
    login(page, live_server, "officer")
    page.goto(edit_url(live_server, item))
    minutes = page.get_by_label("Minutes: findings and discussion")
    minutes.fill(TYPED)

    Session.objects.all().delete()  # the idle timeout ends the session on the server
    page.get_by_role("button", name="Save", exact=True).click()

    # The save went to the login page; the text is kept in the tab, not saved.
    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + r"\?next="))
    expect(page.get_by_role("status")).to_contain_text("kept in this browser tab")
    assert saved_minutes(item) == SAVED
    assert_accessible(page)

    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Back on the form, which shows what was saved and offers what was typed.
    expect(page).to_have_url(edit_url(live_server, item))
    offer = page.get_by_role("region", name="You have unsaved text for this form")
    expect(offer).to_be_visible()
    expect(offer).to_be_focused()
    expect(minutes).to_have_value(SAVED)
    assert saved_minutes(item) == SAVED
    assert_accessible(page)

    page.get_by_role("button", name="Restore what you typed").click()
    expect(minutes).to_have_value(TYPED)
    expect(page.get_by_role("status")).to_contain_text("It is not saved yet")
    assert saved_minutes(item) == SAVED  # nothing is saved without the officer
    assert_accessible(page)

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).not_to_have_url(edit_url(live_server, item))
    page.wait_for_load_state()  # the page after the save has run its scripts
    assert saved_minutes(item) == TYPED

    # Saved, the copy is gone: the form no longer offers anything.
    page.goto(edit_url(live_server, item))
    expect(minutes).to_have_value(TYPED)
    expect(page.get_by_text("Restore what you typed")).to_have_count(0)


def test_discarding_the_offer_keeps_the_saved_minutes(page, live_server, item, officer):
    login(page, live_server, "officer")
    page.goto(edit_url(live_server, item))
    page.get_by_label("Minutes: findings and discussion").fill(TYPED)
    Session.objects.all().delete()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("button", name="Discard it").click()

    expect(page.get_by_role("status")).to_contain_text("discarded")
    expect(page.get_by_label("Minutes: findings and discussion")).to_have_value(SAVED)
    page.reload()
    expect(page.get_by_text("Restore what you typed")).to_have_count(0)
    assert saved_minutes(item) == SAVED


def test_signing_out_forgets_what_was_typed(page, live_server, item, officer):
    login(page, live_server, "officer")
    page.goto(edit_url(live_server, item))
    page.get_by_label("Minutes: findings and discussion").fill(TYPED)
    page.wait_for_function("() => sessionStorage.getItem('assurance.typedWork') !== null")

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(re.escape(reverse("login"))))
    assert page.evaluate("() => sessionStorage.getItem('assurance.typedWork')") is None


def seconds_to_warning() -> int:
    """When the page's script warns: five minutes before the session is sure to last."""
    from assurance.sessions import refresh_interval

    return settings.SESSION_COOKIE_AGE - refresh_interval() - 5 * 60


def test_an_idle_officer_is_warned_and_can_stay_signed_in(page, live_server, item, officer):
    page.clock.install()
    login(page, live_server, "officer")
    page.goto(edit_url(live_server, item))

    page.clock.fast_forward(seconds_to_warning() * 1000 + 30_000)

    warning = page.get_by_role("dialog", name="You will be signed out soon")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You will be signed out in 5 minutes because you have been")
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_focused()
    assert_accessible(page)

    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=4))
    with page.expect_response(lambda response: "keep-alive" in response.url) as answer:
        warning.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 204
    expect(warning).to_be_hidden()
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)

    # Left alone for the whole timeout, the dialog says the session has ended.
    page.clock.fast_forward(settings.SESSION_COOKIE_AGE * 1000)
    ended = page.get_by_role("dialog", name="You have been signed out")
    expect(ended).to_be_visible()
    sign_in = ended.get_by_role("link", name="Sign in again")
    expect(sign_in).to_have_attribute(
        "href",
        reverse("login")
        + "?next="
        + reverse("meetings:item_edit", args=[item.meeting.pk, item.pk]).replace("/", "%2F"),
    )
    assert_accessible(page)


def test_an_officer_typing_is_not_interrupted_by_the_warning(page, live_server, item, officer):
    page.clock.install()
    login(page, live_server, "officer")
    page.goto(edit_url(live_server, item))

    page.clock.fast_forward(seconds_to_warning() * 1000 - 60_000)
    page.get_by_label("Minutes: findings and discussion").fill(TYPED)
    with page.expect_response(lambda response: "keep-alive" in response.url) as answer:
        page.clock.fast_forward(90_000)
    assert answer.value.status == 204
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_action_rows_added_before_the_session_ended_come_back_with_their_text(
    page, live_server, item, officer
):
    from tests.factories import OfficeFactory

    OfficeFactory(abbreviation="CC", title="Chief Constable")
    login(page, live_server, "officer")
    page.goto(edit_url(live_server, item))
    wanted = [f"Report back on response times, part {n}." for n in range(1, 6)]
    for number, text in enumerate(wanted, start=1):
        if number > 1:
            page.get_by_role("button", name="Add another action", exact=True).click()
        row = page.get_by_role("group", name=f"New action {number}")
        row.get_by_label("Action", exact=True).fill(text)
        row.get_by_label("Owners").fill("CC")

    Session.objects.all().delete()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + r"\?next="))
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(edit_url(live_server, item))

    page.get_by_role("button", name="Restore what you typed").click()
    # Rows five and four were added by "Add another action": they are back, in view.
    for number, text in enumerate(wanted, start=1):
        row = page.get_by_role("group", name=f"New action {number}")
        expect(row.get_by_label("Action", exact=True)).to_have_value(text)
        expect(row.get_by_label("Action", exact=True)).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).not_to_have_url(edit_url(live_server, item))
    page.wait_for_load_state()
    descriptions = sorted(item.actions.values_list("description", flat=True))
    assert descriptions == sorted(wanted)
