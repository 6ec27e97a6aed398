"""Hostile input in a real browser: an officer types every payload of tests/hostile.py into an
item's title, its minutes and an action's description, saves, and opens every page that shows
them. No payload may run: no dialog opens, the browser's own parse of each page holds no markup
a payload could have made, and each page carries a Content-Security-Policy header as a second
line of defence. (A payload that slipped through as markup would also show up as a CSP refusal
or a failed request, which the ``page`` fixture fails the test on.)

By default the officer types the representative payloads, one for each way out of the page's
escaping; the whole corpus is marked ``slow`` (``make test-slow``, which CI runs)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.models import Action
from meetings.models import AgendaItem
from tests.e2e.conftest import login
from tests.factories import MeetingFactory, OfficeFactory
from tests.hostile import PAYLOAD_SETS, assert_no_markup

pytestmark = pytest.mark.e2e


@pytest.fixture
def meeting(transactional_db):
    OfficeFactory(abbreviation="CC", title="Chief Constable")
    return MeetingFactory(title="Monthly Assurance Meeting November 2022")


@pytest.mark.parametrize("payloads", PAYLOAD_SETS)
def test_no_xss_payload_typed_into_the_item_form_ever_runs(
    page, live_server, officer, meeting, payloads
):
    dialogs = []

    def record(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    # Bootstrap scrolls smoothly unless motion is reduced, and Playwright waits for each field
    # to stop moving before typing: reduce it, for speed.
    page.emulate_media(reduced_motion="reduce")
    login(page, live_server, "officer")
    create_url = live_server.url + reverse("meetings:item_create", args=[meeting.pk])
    back_at_the_agenda = re.compile(r"/agenda/(#item-\d+)?$")

    for payload in payloads:
        page.goto(create_url)
        page.locator("#id_title").fill(payload)
        page.locator("#id_minutes").fill(payload)
        page.locator("#id_actions-0-description").fill(payload)
        page.locator("#id_actions-0-owners").fill("CC")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page, f"the item form refused {payload!r}").to_have_url(back_at_the_agenda)
        assert_no_markup(page.content(), f"the agenda after saving {payload!r}")

    assert AgendaItem.objects.count() == len(payloads)
    assert sorted(Action.objects.values_list("description", flat=True)) == sorted(payloads)

    action = Action.objects.order_by("pk").last()
    item = AgendaItem.objects.order_by("pk").last()
    pages = {
        "the minutes": reverse("meetings:detail", args=[meeting.pk]),
        "the agenda": reverse("meetings:agenda", args=[meeting.pk]),
        "the item form": reverse("meetings:item_edit", args=[meeting.pk, item.pk]),
        "the dashboard": reverse("home"),
        "the action log": reverse("actions:log"),
        "an action page": reverse("actions:detail", args=[action.pk]),
    }
    for where, url in pages.items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, where
        assert "content-security-policy" in response.headers, f"{where} has no CSP header"
        page.wait_for_load_state("load")
        assert_no_markup(page.content(), where)

    # On the minutes, every payload is shown as the text that was typed.
    page.goto(live_server.url + pages["the minutes"])
    minutes_text = page.locator("main").inner_text()
    for payload in payloads:
        assert " ".join(payload.split()) in " ".join(minutes_text.split()), payload

    page.close()  # delivers any dialog still on its way
    assert dialogs == [], f"a payload ran: {dialogs}"
