"""The outstanding matters form: which earlier actions the meeting reviewed (the product
proposes them; the officer unticks or adds by reference) and the updates given at it on each,
recorded in one submit — all of it, or none."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from actions.models import ActionUpdate, ReviewedAction, Status, start_of_day
from meetings.models import AgendaItem, Meeting
from minutes.publishing import meeting_approve, meeting_publish
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    AttendanceFactory,
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


def form_data(actions, *, unticked=()):
    """The whole form as the page submits it, with nothing typed: every row's box "Reviewed at
    this meeting" ticked, as proposed, but those of ``unticked``."""
    data = {"rows": [str(action.pk) for action in actions], "add-reference": ""}
    for action in actions:
        prefix = f"action-{action.pk}"
        if action not in unticked:
            data[f"{prefix}-kept"] = "on"
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


def officer_posts(client, officer, meeting, carried, rows, **overrides):
    """The officer submits the form listing the ``carried`` actions, with ``rows`` mapping some of
    them to (note, transition)."""
    client.force_login(officer)
    return post(client, meeting, list(carried.values()), rows, **overrides)


def reviewed(meeting) -> set[int]:
    """The actions stored as reviewed at ``meeting``: what its minutes print."""
    return set(ReviewedAction.objects.filter(meeting=meeting).values_list("action_id", flat=True))


def in_the_minutes(response) -> set[int]:
    """The actions a minutes page shows under its outstanding matters."""
    body = response.content.decode()
    return {int(pk) for pk in re.findall(r'class="outstanding-action" id="action-(\d+)"', body)}


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
    opened, in_progress, awaiting = actions = list(carried.values())
    rows = {
        opened: ("The force is gathering the data.", ""),
        in_progress: ("Report written.", "request_sign_off"),
        awaiting: ("The PCC is satisfied with the report.", "sign_off"),
    }
    response = officer_posts(client, officer, meeting, carried, rows)
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
    assert "The outstanding matters are saved, with 1 update recorded at this meeting." in text
    assert "Data requested." in text


def test_rows_left_blank_record_no_update_and_keep_the_list_as_proposed(
    client, officer, meeting, carried
):
    client.force_login(officer)
    response = post(client, meeting, list(carried.values()), {})
    assert response.status_code == 302
    assert response["Location"].startswith(meeting.get_absolute_url())
    assert ActionUpdate.objects.count() == 0
    assert reviewed(meeting) == {action.pk for action in carried.values()}
    text = page_text(client.get(response["Location"]))
    assert "The outstanding matters are saved, with 0 updates recorded at this meeting." in text
    assert in_the_minutes(client.get(meeting.get_absolute_url())) == reviewed(meeting)


def test_a_failing_row_saves_nothing_and_keeps_everything_typed(client, officer, meeting, carried):
    opened, in_progress, awaiting = actions = list(carried.values())
    rows = {
        opened: ("Work has started.", "start"),
        in_progress: ("Half done & on track.", ""),
        awaiting: ("", "sign_off"),  # signing off needs a note
    }
    response = officer_posts(client, officer, meeting, carried, rows)
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
    opened = carried[Status.OPEN]
    response = officer_posts(
        client,
        officer,
        meeting,
        carried,
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
    client, officer, meeting, origin_item
):
    action = ActionFactory(origin_item=origin_item, status=Status.CLOSED)  # closed meanwhile
    client.force_login(officer)
    data = form_data([action])
    data[f"action-{action.pk}-note"] = "Still waiting for the data."
    data[f"action-{action.pk}-expected_status"] = Status.OPEN
    response = client.post(url(meeting), data)
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
    assert Meeting.READ_ONLY_MESSAGE in page_text(response)
    assert "<textarea" not in response.content.decode()

    action = carried[Status.OPEN]
    response = post(client, meeting, list(carried.values()), {action: ("Started.", "start")})
    assert response.status_code == 200
    text = page_text(response)
    assert text.startswith("Error: ")
    assert Meeting.READ_ONLY_MESSAGE in text
    assert ActionUpdate.objects.count() == 0
    assert statuses([action]) == [Status.OPEN]


def test_the_form_costs_the_same_queries_for_2_actions_as_for_12(
    client, officer, origin_item, django_assert_num_queries, django_assert_max_num_queries
):
    small = MeetingFactory(date=MEETING_DATE)
    large = MeetingFactory(date=MEETING_DATE + datetime.timedelta(days=1))
    for action in ActionFactory.create_batch(2, origin_item=origin_item):
        ActionUpdateFactory.create_batch(3, action=action, meeting=small)

    client.force_login(officer)
    client.get(url(small))  # warm the session
    with django_assert_max_num_queries(12) as queries:
        assert client.get(url(small)).status_code == 200
    few = len(queries)
    for action in ActionFactory.create_batch(10, origin_item=origin_item):
        ActionUpdateFactory.create_batch(3, action=action, meeting=large)
    with django_assert_num_queries(few):
        assert client.get(url(large)).status_code == 200


# Choosing the actions reviewed


def checkbox(body: str, action) -> str:
    """The row's "Reviewed at this meeting" box."""
    return re.search(rf'<input type="checkbox"[^>]*name="action-{action.pk}-kept"[^>]*>', body)[0]


def test_the_proposal_is_listed_with_every_box_ticked(client, officer, meeting, carried):
    closed = ActionFactory(
        origin_item=carried[Status.OPEN].origin_item,
        status=Status.CLOSED,
        closed_at=start_of_day(EARLIER + datetime.timedelta(days=10)),
        reference="2022-11-09",
    )
    client.force_login(officer)
    response = client.get(url(meeting))
    body = response.content.decode()
    text = page_text(response)
    assert "untick any the meeting did not review, or add one by its reference" in text
    for action in carried.values():
        assert " checked" in checkbox(body, action)
        assert f"Reviewed at this meeting (action {action.reference})" in text
    assert f"Action {closed.reference}" not in text  # closed before the meeting
    assert 'name="add-reference"' in body
    assert re.search(r'<button type="submit"[^>]*>Save</button>', body)
    assert not reviewed(meeting)  # proposing stores nothing


def test_unticking_an_action_removes_it_from_the_minutes_outstanding_matters(
    client, officer, meeting, carried
):
    AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.OUTSTANDING_MATTERS, position=1)
    actions = list(carried.values())
    opened = carried[Status.OPEN]
    client.force_login(officer)
    assert in_the_minutes(client.get(meeting.get_absolute_url())) == {a.pk for a in actions}

    response = client.post(url(meeting), form_data(actions, unticked=[opened]))

    assert response.status_code == 302
    kept = {a.pk for a in actions if a != opened}
    assert reviewed(meeting) == kept
    assert in_the_minutes(client.get(meeting.get_absolute_url())) == kept
    assert ActionUpdate.objects.count() == 0
    assert statuses([opened]) == [Status.OPEN]  # removed from these minutes, not closed

    # It can be put back by its reference.
    listed = [a for a in actions if a != opened]
    response = client.post(url(meeting), form_data(listed) | {"add-reference": opened.reference})
    assert response.status_code == 302
    assert reviewed(meeting) == kept | {opened.pk}


def test_an_earlier_action_not_proposed_can_be_added_by_its_reference(
    client, officer, meeting, carried
):
    AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.OUTSTANDING_MATTERS, position=1)
    closed = ActionFactory(
        origin_item=carried[Status.OPEN].origin_item,
        status=Status.CLOSED,
        closed_at=start_of_day(EARLIER + datetime.timedelta(days=10)),
        reference="2022-11-09",
        description="Publish the response times by area.",
    )
    actions = list(carried.values())
    client.force_login(officer)

    response = client.post(url(meeting), form_data(actions) | {"add-reference": " 2022-11-09 "})

    assert response.status_code == 302
    assert response["Location"] == url(meeting)
    page = client.get(url(meeting))
    assert "Action 2022-11-09 is added to the outstanding matters." in page_text(page)
    assert " checked" in checkbox(page.content.decode(), closed)
    assert reviewed(meeting) == {a.pk for a in actions} | {closed.pk}
    minutes = client.get(meeting.get_absolute_url())
    assert closed.pk in in_the_minutes(minutes)
    assert "Publish the response times by area." in page_text(minutes)
    assert ActionUpdate.objects.count() == 0


@pytest.mark.parametrize("which", ["unknown", "raised at this meeting", "raised later"])
def test_a_reference_that_is_not_an_earlier_action_is_refused_beside_the_field(
    client, officer, meeting, carried, which
):
    if which == "unknown":
        reference = "2099-01-99"
    else:
        later = which == "raised later"
        origin = (
            MeetingFactory(date=MEETING_DATE + datetime.timedelta(days=28)) if later else meeting
        )
        reference = ActionFactory(origin_item__meeting=origin, reference="2023-03-05").reference
    actions = list(carried.values())
    opened = carried[Status.OPEN]
    data = form_data(actions) | {"add-reference": reference}
    data[f"action-{opened.pk}-note"] = "The data is due next week."
    client.force_login(officer)

    response = client.post(url(meeting), data)

    assert response.status_code == 200
    body = response.content.decode()
    text = page_text(response)
    assert text.startswith("Error: ") and "There is a problem" in text
    message = "Enter the reference of an action raised at an earlier meeting."
    assert f'<a href="#id_add-reference">{message}</a>' in body
    assert re.search(rf'id="id_add-reference-error">.*?{re.escape(message)}', body, re.S)
    assert f'value="{reference}"' in body  # what was typed is kept
    assert "The data is due next week.</textarea>" in body
    assert ActionUpdate.objects.count() == 0
    assert not reviewed(meeting)
    meeting.refresh_from_db()
    assert not meeting.outstanding_reviewed


def test_a_note_on_an_unticked_row_is_refused_and_nothing_is_saved(
    client, officer, meeting, carried
):
    actions = list(carried.values())
    opened, in_progress, _awaiting = actions
    data = form_data(actions, unticked=[opened])
    data[f"action-{opened.pk}-note"] = "An update on an action not reviewed."
    data[f"action-{in_progress.pk}-note"] = "Report drafted."
    client.force_login(officer)

    response = client.post(url(meeting), data)

    assert response.status_code == 200
    body = response.content.decode()
    text = page_text(response)
    assert text.startswith("Error: ")
    message = "Keep the action in the outstanding matters to record an update on it."
    assert f'<a href="#id_action-{opened.pk}-note">{message}</a>' in body
    assert "An update on an action not reviewed.</textarea>" in body
    assert "Report drafted.</textarea>" in body
    assert " checked" not in checkbox(body, opened)  # the box is left as it was
    assert " checked" in checkbox(body, in_progress)
    assert ActionUpdate.objects.count() == 0
    assert not reviewed(meeting)


def test_a_meeting_yet_to_be_held_takes_no_updates(client, officer, origin_item):
    upcoming = MeetingFactory(date=datetime.date.today() + datetime.timedelta(days=14))
    action = ActionFactory(origin_item=origin_item, status=Status.OPEN)
    client.force_login(officer)
    assert f"Action {action.reference}" in page_text(client.get(url(upcoming)))  # proposed
    response = post(client, upcoming, [action], {action: ("Data requested.", "")})
    assert response.status_code == 200
    assert "updates can be recorded at it once it has taken place" in page_text(response)
    assert ActionUpdate.objects.count() == 0
    assert not reviewed(upcoming)


def test_an_earlier_draft_meetings_action_is_proposed_but_not_published(
    client, officer, meeting, carried
):
    earlier_draft = MeetingFactory(
        date=datetime.date(2023, 1, 31), title="Monthly Assurance Meeting January 2023"
    )
    draft_action = ActionFactory(
        origin_item__meeting=earlier_draft,
        reference="2023-01-01",
        description="Review the draft-only custody figures.",
    )
    published_action = carried[Status.OPEN]
    client.force_login(officer)
    body = client.get(url(meeting)).content.decode()
    assert " checked" in checkbox(body, draft_action)  # proposed: it is of the same series

    response = post(
        client,
        meeting,
        [*carried.values(), draft_action],
        {
            draft_action: ("Custody figures are being checked.", ""),
            published_action: ("The data was shared.", ""),
        },
    )
    assert response.status_code == 302
    AttendanceFactory(meeting=meeting)
    AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.OUTSTANDING_MATTERS, position=1)
    meeting_approve(meeting=meeting, user=officer)
    meeting_publish(meeting=meeting, user=officer)
    officers_minutes = client.get(meeting.get_absolute_url())
    assert draft_action.pk in in_the_minutes(officers_minutes)
    client.logout()

    public = client.get(reverse("public:detail", args=[meeting.pk]))

    assert public.status_code == 200
    assert published_action.pk in in_the_minutes(public)
    assert draft_action.pk not in in_the_minutes(public)
    text = page_text(public)
    assert "The data was shared." in text
    for withheld in ("2023-01-01", "draft-only custody", "Custody figures are being checked."):
        assert withheld not in text
    pdf = client.get(reverse("public:pdf", args=[meeting.pk])).content
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "The data was shared." in " ".join(pdf_text.split())
    assert "Custody figures" not in pdf_text and "2023-01-01" not in pdf_text
