"""The outstanding matters form: the updates given at a meeting on every carried-forward
action, recorded in one submit — all of them, or none."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ActionUpdate, Status
from actions.workflow import MINUTES_READ_ONLY_MESSAGE
from meetings.models import AgendaItem, Meeting
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    MeetingFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db

EARLIER = datetime.date(2022, 11, 29)
MEETING_DATE = datetime.date(2023, 3, 1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def meeting():
    return MeetingFactory(
        date=MEETING_DATE, title="Monthly Assurance Meeting March 2023", status=Meeting.Status.DRAFT
    )


@pytest.fixture
def origin_item():
    return AgendaItemFactory(
        meeting__date=EARLIER, meeting__status=Meeting.Status.PUBLISHED, title="Response times"
    )


@pytest.fixture
def carried(meeting, origin_item):
    """Three actions from the earlier meeting, outstanding at this one, one per status."""
    return {
        status: ActionFactory(origin_item=origin_item, status=status, reference=f"2022-11-0{n}")
        for n, status in enumerate(
            (Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_SIGN_OFF), start=1
        )
    }


def url(meeting):
    return reverse("actions:outstanding", args=[meeting.pk])


def form_data(actions):
    """The whole form as the page submits it, with nothing typed."""
    data = {"rows": [str(action.pk) for action in actions]}
    for action in actions:
        prefix = f"action-{action.pk}"
        data[f"{prefix}-note"] = ""
        data[f"{prefix}-transition"] = ""
        data[f"{prefix}-expected_status"] = action.status
    return data


def post(client, meeting, actions, rows, **overrides):
    """Submit the form with ``rows`` mapping an action to (note, transition)."""
    data = form_data(actions)
    for action, (note, transition) in rows.items():
        data[f"action-{action.pk}-note"] = note
        data[f"action-{action.pk}-transition"] = transition
    data.update(overrides)
    return client.post(url(meeting), data)


def statuses(actions):
    for action in actions:
        action.refresh_from_db()
    return [action.status for action in actions]


# Who may use it


def test_the_officer_sees_every_carried_forward_action_with_its_history(
    client, officer, meeting, carried
):
    ActionUpdateFactory(action=carried[Status.IN_PROGRESS], note="Analysis has begun.")
    client.force_login(officer)
    response = client.get(url(meeting))
    assert response.status_code == 200
    text = page_text(response)
    for action in carried.values():
        assert f"Action {action.reference}" in text
        assert f'id="id_action-{action.pk}-note"' in response.content.decode()
    assert "Analysis has begun." in text


def test_each_row_offers_only_the_changes_the_officer_may_make_from_its_status(
    client, officer, meeting, carried
):
    client.force_login(officer)
    body = client.get(url(meeting)).content.decode()
    select = re.search(
        rf'<select name="action-{carried[Status.AWAITING_SIGN_OFF].pk}-transition".*?</select>',
        body,
        re.S,
    ).group(0)
    assert re.findall(r'<option value="(\w*)"', select) == ["", "sign_off", "return", "withdraw"]


@pytest.mark.parametrize("user_fixture", ["commissioner", "force_user", "no_role_user"])
def test_only_the_opcc_may_open_or_post_the_form(client, request, meeting, carried, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(url(meeting)).status_code == 403
    action = carried[Status.OPEN]
    response = post(client, meeting, list(carried.values()), {action: ("Note", "start")})
    assert response.status_code == 403
    assert ActionUpdate.objects.count() == 0


def test_anonymous_users_are_sent_to_sign_in(client, meeting):
    response = client.get(url(meeting))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Recording the updates


def test_one_submit_records_an_update_at_the_meeting_for_each_action_with_something_typed(
    client, officer, meeting, carried
):
    actions = list(carried.values())
    opened, in_progress, awaiting = actions
    client.force_login(officer)
    response = post(
        client,
        meeting,
        actions,
        {
            opened: ("The force is gathering the data.", ""),
            in_progress: ("Report written.", "request_sign_off"),
            awaiting: ("The PCC is satisfied with the report.", "sign_off"),
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(meeting.get_absolute_url())
    assert statuses(actions) == [Status.OPEN, Status.AWAITING_SIGN_OFF, Status.CLOSED]
    updates = ActionUpdate.objects.order_by("action__reference")
    assert [(u.action, u.meeting, u.author) for u in updates] == [
        (action, meeting, officer) for action in actions
    ]
    assert [u.note for u in updates] == [
        "The force is gathering the data.",
        "Report written.",
        "The PCC is satisfied with the report.",
    ]
    assert [(u.status_before, u.status_after) for u in updates] == [
        (Status.OPEN, Status.OPEN),
        (Status.IN_PROGRESS, Status.AWAITING_SIGN_OFF),
        (Status.AWAITING_SIGN_OFF, Status.CLOSED),
    ]


def test_the_minutes_show_the_updates_recorded_at_the_meeting(client, officer, meeting, carried):
    AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.OUTSTANDING_MATTERS, position=1)
    action = carried[Status.OPEN]
    client.force_login(officer)
    response = post(client, meeting, list(carried.values()), {action: ("Data requested.", "")})
    assert response.status_code == 302
    text = page_text(client.get(response["Location"]))
    assert "1 update recorded at this meeting." in text
    assert "Data requested." in text


def test_rows_left_blank_record_nothing(client, officer, meeting, carried):
    client.force_login(officer)
    response = post(client, meeting, list(carried.values()), {})
    assert response.status_code == 302
    assert response["Location"] == url(meeting)
    assert ActionUpdate.objects.count() == 0
    assert "Nothing was entered" in page_text(client.get(url(meeting)))


def test_a_failing_row_saves_nothing_and_keeps_everything_typed(client, officer, meeting, carried):
    actions = list(carried.values())
    opened, in_progress, awaiting = actions
    client.force_login(officer)
    response = post(
        client,
        meeting,
        actions,
        {
            opened: ("Work has started.", "start"),
            in_progress: ("Half done & on track.", ""),
            awaiting: ("", "sign_off"),  # signing off needs a note
        },
    )
    assert response.status_code == 200
    assert statuses(actions) == [Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_SIGN_OFF]
    assert ActionUpdate.objects.count() == 0
    body = response.content.decode()
    text = page_text(response)
    assert text.startswith("Error: ")
    assert "There is a problem" in text
    assert f'href="#id_action-{awaiting.pk}-note"' in body
    assert "Say why the action can be closed" in text
    assert "Work has started.</textarea>" in body
    assert "Half done &amp; on track.</textarea>" in body
    assert '<option value="start" selected>' in body
    assert '<option value="sign_off" selected>' in body


def test_every_failing_row_is_reported_at_once(client, officer, meeting, carried):
    opened, in_progress, awaiting = carried.values()
    client.force_login(officer)
    response = post(
        client,
        meeting,
        list(carried.values()),
        {opened: ("", "withdraw"), awaiting: ("", "return")},
    )
    body = response.content.decode()
    assert f'href="#id_action-{opened.pk}-note"' in body
    assert f'href="#id_action-{awaiting.pk}-note"' in body
    assert f'href="#id_action-{in_progress.pk}-note"' not in body
    assert ActionUpdate.objects.count() == 0


def test_a_row_whose_action_changed_meanwhile_is_refused_with_the_workflows_message(
    client, officer, meeting, carried
):
    actions = list(carried.values())
    opened = carried[Status.OPEN]
    client.force_login(officer)
    response = post(
        client,
        meeting,
        actions,
        {opened: ("Started.", "start")},
        **{f"action-{opened.pk}-expected_status": Status.IN_PROGRESS},  # what the page showed
    )
    assert response.status_code == 200
    text = page_text(response)
    assert (
        "This action changed while you were looking at it: it is now open. "
        "Check its latest update and try again." in text
    )
    assert f'href="#id_action-{opened.pk}-transition"' in response.content.decode()
    assert ActionUpdate.objects.count() == 0


def test_an_action_that_dropped_off_the_list_meanwhile_is_not_silently_ignored(
    client, officer, origin_item
):
    upcoming = MeetingFactory(date=datetime.date.today() + datetime.timedelta(days=14))
    action = ActionFactory(origin_item=origin_item, status=Status.CLOSED)  # closed meanwhile
    client.force_login(officer)
    data = form_data([action])
    data[f"action-{action.pk}-note"] = "Still waiting for the data."
    data[f"action-{action.pk}-expected_status"] = Status.OPEN
    response = client.post(url(upcoming), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "it is now closed" in text
    assert "Still waiting for the data.</textarea>" in response.content.decode()
    assert ActionUpdate.objects.count() == 0


@pytest.mark.parametrize("status", [Meeting.Status.APPROVED, Meeting.Status.PUBLISHED])
def test_approved_minutes_take_no_updates(client, officer, carried, meeting, status):
    meeting.status = status
    meeting.save()
    client.force_login(officer)
    response = client.get(url(meeting))
    assert MINUTES_READ_ONLY_MESSAGE in page_text(response)
    assert "<textarea" not in response.content.decode()

    action = carried[Status.OPEN]
    response = post(client, meeting, list(carried.values()), {action: ("Started.", "start")})
    assert response.status_code == 200
    text = page_text(response)
    assert text.startswith("Error: ")
    assert MINUTES_READ_ONLY_MESSAGE in text
    assert ActionUpdate.objects.count() == 0
    assert statuses([action]) == [Status.OPEN]


def test_the_form_costs_the_same_queries_for_2_actions_as_for_12(client, officer, origin_item):
    small = MeetingFactory(date=MEETING_DATE)
    large = MeetingFactory(date=MEETING_DATE + datetime.timedelta(days=1))
    for action in ActionFactory.create_batch(2, origin_item=origin_item):
        ActionUpdateFactory.create_batch(3, action=action, meeting=small)

    def queries(meeting):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(meeting)).status_code == 200
        return len(captured)

    client.force_login(officer)
    client.get(url(small))  # warm the session
    few = queries(small)
    for action in ActionFactory.create_batch(10, origin_item=origin_item):
        ActionUpdateFactory.create_batch(3, action=action, meeting=large)
    assert queries(large) == few
    assert few <= 12
