"""The action page: what it shows, the forms each role gets, and what posting them does."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from actions.models import ActionUpdate, Status
from assurance import roles
from meetings.models import Meeting
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    MeetingFactory,
    OfficeFactory,
    UserFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def other_force_user():
    """Force staff acting for the DCC, not for the CC who owns the test actions."""
    user = UserFactory(username="force-dcc", groups=[roles.FORCE])
    OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable").delegates.add(user)
    return user


def published_action(status=Status.OPEN, **kwargs):
    """An action owned by the CC, from published minutes (so force staff may read it), raised
    in the past (so an update posted today may take effect today)."""
    kwargs.setdefault("origin_item__meeting__status", Meeting.Status.PUBLISHED)
    kwargs.setdefault("origin_item__meeting__date", datetime.date(2022, 11, 29))
    return ActionFactory(status=status, **kwargs)


def detail_url(action):
    return reverse("actions:detail", args=[action.pk])


def transition_url(action):
    return reverse("actions:transition", args=[action.pk])


def note_url(action):
    return reverse("actions:note", args=[action.pk])


def transition_data(action, transition, note="", expected_status=None):
    return {
        "status-transition": transition,
        "status-note": note,
        "status-expected_status": expected_status or action.status,
    }


def offered_transitions(response):
    """The transition names offered as radio buttons."""
    body = response.content.decode()
    names = ("start", "request_sign_off", "sign_off", "return", "reopen", "withdraw")
    return {name for name in names if f'name="status-transition" value="{name}"' in body}


def state(action):
    action.refresh_from_db()
    return action.status, action.version, action.updates.count()


# Who may open the pages


@pytest.mark.parametrize("user_fixture", ["officer", "commissioner", "force_user"])
def test_each_role_that_follows_actions_can_open_the_action_page(client, request, user_fixture):
    action = published_action()
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(detail_url(action))
    assert response.status_code == 200
    assert f"Action {action.reference}" in page_text(response)


def test_a_user_without_a_role_is_refused_the_action_page_and_its_forms(client, no_role_user):
    action = published_action()
    client.force_login(no_role_user)
    assert client.get(detail_url(action)).status_code == 403
    data = transition_data(action, "start")
    assert client.post(transition_url(action), data).status_code == 403
    assert client.post(note_url(action), {"note-note": "Progress."}).status_code == 403
    assert state(action) == (Status.OPEN, 1, 0)


@pytest.mark.parametrize("url", [detail_url, transition_url, note_url])
def test_anonymous_users_are_sent_to_sign_in(client, url):
    action = published_action()
    response = client.post(url(action)) if url is not detail_url else client.get(url(action))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_force_staff_get_404_for_an_action_from_draft_minutes(client, force_user):
    action = published_action(origin_item__meeting__status=Meeting.Status.DRAFT)
    client.force_login(force_user)
    assert client.get(detail_url(action)).status_code == 404
    assert client.post(transition_url(action), transition_data(action, "start")).status_code == 404
    assert client.post(note_url(action), {"note-note": "Progress."}).status_code == 404
    assert state(action) == (Status.OPEN, 1, 0)


def test_the_transition_and_note_urls_only_accept_posts(client, officer):
    action = published_action()
    client.force_login(officer)
    assert client.get(transition_url(action)).status_code == 405
    assert client.get(note_url(action)).status_code == 405


# What the page shows


def test_the_page_shows_the_origin_owners_due_point_and_status(client, officer):
    meeting = MeetingFactory(
        title="Monthly Assurance Meeting November 2022",
        date=datetime.date(2022, 11, 29),
        status=Meeting.Status.PUBLISHED,
    )
    AgendaItemFactory(meeting=meeting, position=1, title="Apologies")
    long_minutes = "The PCC asked about response times. " + "More discussion. " * 40 + "ENDING"
    item = AgendaItemFactory(
        meeting=meeting, position=2, title="Response times", minutes=long_minutes
    )
    pcc = OfficeFactory(abbreviation="PCC", title="Police and Crime Commissioner")
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    action = ActionFactory(
        origin_item=item,
        owners=[cc, pcc],
        description="Update on response times at HTA in 3 months.",
        due_date=datetime.date(2023, 2, 28),
    )
    client.force_login(officer)
    response = client.get(detail_url(action))
    text = page_text(response)
    assert "Update on response times at HTA in 3 months." in text
    assert "Agenda item 2: Response times" in text
    assert "The PCC asked about response times." in text
    assert "ENDING" not in text  # only an excerpt of the discussion
    assert f'href="{meeting.get_absolute_url()}#item-{item.pk}"' in response.content.decode()
    assert "CC / PCC" in text  # in the offices' order
    assert "Due 28 February 2023" in text
    assert "Status Open" in text
    assert "Overdue" in text  # the due date has passed: said in words, not only colour


def test_an_action_not_yet_due_is_not_flagged_overdue(client, officer):
    action = published_action(due_date=datetime.date.today() + datetime.timedelta(days=30))
    client.force_login(officer)
    assert "Overdue" not in page_text(client.get(detail_url(action)))


def test_the_timeline_shows_each_update_with_who_when_where_and_what_changed(client, officer):
    action = published_action(Status.IN_PROGRESS)
    meeting = MeetingFactory(
        title="Monthly Assurance Meeting March 2023", date=datetime.date(2023, 3, 28)
    )
    author = UserFactory(username="jsmith", first_name="Jo", last_name="Smith")
    ActionUpdateFactory(
        action=action,
        author=None,
        note="Update given in the published minutes.",
        # Typed between the meetings, so that it reads first in the order they took effect.
        created_at=timezone.make_aware(datetime.datetime(2023, 1, 10, 9, 30)),
        status_before=Status.OPEN,
        status_after=Status.OPEN,
    )
    ActionUpdateFactory(
        action=action,
        author=author,
        meeting=meeting,
        note="Work started <script>alert(1)</script>\n\n- first step",
        status_before=Status.OPEN,
        status_after=Status.IN_PROGRESS,
    )
    client.force_login(officer)
    response = client.get(detail_url(action))
    text = page_text(response)
    body = response.content.decode()
    assert text.index("From the published minutes") < text.index("Jo Smith")
    assert "From the published minutes , 10 January 2023, 09:30" in text
    # Typed today for a meeting held earlier: both dates.
    today = date_format(timezone.localdate(), "j F Y")
    assert f"28 March 2023 , recorded {today} by Jo Smith" in text
    assert "at Monthly Assurance Meeting March 2023" in text
    assert "Status changed: open → to in progress" in text
    assert "<li>first step</li>" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


# The forms each role gets


@pytest.mark.parametrize(
    ("user_fixture", "status", "expected"),
    [
        ("officer", Status.OPEN, {"start", "request_sign_off", "sign_off", "withdraw"}),
        ("officer", Status.AWAITING_SIGN_OFF, {"sign_off", "return", "withdraw"}),
        ("officer", Status.CLOSED, {"reopen"}),
        ("commissioner", Status.OPEN, {"sign_off", "withdraw"}),
        ("commissioner", Status.AWAITING_SIGN_OFF, {"sign_off", "return", "withdraw"}),
        ("force_user", Status.OPEN, {"start", "request_sign_off"}),
        ("force_user", Status.IN_PROGRESS, {"request_sign_off"}),
    ],
)
def test_the_page_offers_only_the_changes_the_user_may_make(
    client, request, user_fixture, status, expected
):
    action = published_action(status)
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(detail_url(action))
    assert offered_transitions(response) == expected
    assert f'action="{transition_url(action)}"' in response.content.decode()
    assert f'action="{note_url(action)}"' in response.content.decode()


def test_force_staff_get_no_status_form_when_they_have_no_move_left(client, force_user):
    action = published_action(Status.AWAITING_SIGN_OFF)
    client.force_login(force_user)
    body = client.get(detail_url(action)).content.decode()
    assert f'action="{transition_url(action)}"' not in body
    assert f'action="{note_url(action)}"' in body  # progress notes are still theirs to add


def test_force_staff_of_another_office_read_the_action_but_get_no_forms(client, other_force_user):
    action = published_action()
    client.force_login(other_force_user)
    response = client.get(detail_url(action))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Update this action" not in body
    assert f'action="{transition_url(action)}"' not in body
    assert f'action="{note_url(action)}"' not in body


# Posting the forms


def test_force_staff_move_their_offices_action_to_in_progress(client, force_user):
    action = published_action()
    client.force_login(force_user)
    response = client.post(transition_url(action), transition_data(action, "start", "Begun."))
    assert response.status_code == 302
    assert response["Location"] == detail_url(action)
    assert state(action) == (Status.IN_PROGRESS, 2, 1)
    update = action.updates.get()
    assert (update.author, update.note, update.meeting) == (force_user, "Begun.", None)
    assert "is now in progress" in page_text(client.get(response["Location"]))


def test_the_commissioner_signs_off_an_action_awaiting_sign_off(client, commissioner):
    action = published_action(Status.AWAITING_SIGN_OFF)
    client.force_login(commissioner)
    data = transition_data(action, "sign_off", "The data has been shared.")
    assert client.post(transition_url(action), data).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.closed_by) == (Status.CLOSED, commissioner)


@pytest.mark.parametrize("transition", ["sign_off", "withdraw", "reopen", "make_closed"])
def test_force_staff_posting_a_change_they_may_not_make_get_403_and_nothing_changes(
    client, force_user, transition
):
    action = published_action()
    client.force_login(force_user)
    data = transition_data(action, transition, "Done.")
    assert client.post(transition_url(action), data).status_code == 403
    assert state(action) == (Status.OPEN, 1, 0)


def test_force_staff_posting_another_offices_action_get_403_and_nothing_changes(
    client, other_force_user
):
    action = published_action()
    client.force_login(other_force_user)
    assert client.post(transition_url(action), transition_data(action, "start")).status_code == 403
    assert client.post(note_url(action), {"note-note": "Progress."}).status_code == 403
    assert state(action) == (Status.OPEN, 1, 0)


def test_force_staff_of_another_office_posting_empty_forms_get_403_not_an_error_message(
    client, other_force_user
):
    action = published_action()
    client.force_login(other_force_user)
    assert client.post(transition_url(action), transition_data(action, "")).status_code == 403
    assert client.post(note_url(action), {"note-note": ""}).status_code == 403


def test_a_change_without_its_required_note_is_shown_as_an_error(client, officer):
    action = published_action(Status.AWAITING_SIGN_OFF)
    client.force_login(officer)
    response = client.post(transition_url(action), transition_data(action, "sign_off", "  "))
    assert response.status_code == 200
    text = page_text(response)
    assert text.startswith("Error: ")
    assert "There is a problem" in text
    body = response.content.decode()
    assert 'href="#id_status-note"' in body
    assert 'id="id_status-note-error"' in body
    assert re.search(r'value="sign_off"[^>]*\schecked', body)  # the choice is kept
    assert state(action) == (Status.AWAITING_SIGN_OFF, 1, 0)


def test_choosing_no_change_is_shown_as_an_error_keeping_the_note(client, officer):
    action = published_action()
    client.force_login(officer)
    data = transition_data(action, "", "Typed & kept")
    response = client.post(transition_url(action), data)
    assert response.status_code == 200
    text = page_text(response)
    assert "Choose what to do with the action." in text
    assert 'href="#id_status-transition_0"' in response.content.decode()  # the first choice
    assert "Typed &amp; kept</textarea>" in response.content.decode()
    assert state(action) == (Status.OPEN, 1, 0)


def test_a_change_made_by_someone_else_meanwhile_is_refused_keeping_what_was_typed(client, officer):
    action = published_action(Status.CLOSED)  # someone closed it after the page was loaded
    client.force_login(officer)
    data = transition_data(action, "withdraw", "No longer needed.", expected_status=Status.OPEN)
    response = client.post(transition_url(action), data)
    assert response.status_code == 200
    text = page_text(response)
    assert text.startswith("Error: ")
    assert (
        "This action changed while you were looking at it: it is now closed. "
        "Check its latest update and try again." in text
    )
    assert "No longer needed.</textarea>" in response.content.decode()
    # The redisplayed form is based on what the action is now, so trying again can succeed.
    assert 'name="status-expected_status" value="closed"' in response.content.decode()
    assert state(action) == (Status.CLOSED, 1, 0)


def test_progress_notes_are_saved_without_changing_the_status(client, force_user):
    action = published_action(Status.IN_PROGRESS)
    client.force_login(force_user)
    response = client.post(note_url(action), {"note-note": "Analysis half done."})
    assert response.status_code == 302
    assert state(action) == (Status.IN_PROGRESS, 1, 1)
    update = action.updates.get()
    assert (update.note, update.status_before, update.status_after) == (
        "Analysis half done.",
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
    )


def test_an_empty_progress_note_is_shown_as_an_error(client, officer):
    action = published_action()
    client.force_login(officer)
    response = client.post(note_url(action), {"note-note": "   "})
    assert response.status_code == 200
    text = page_text(response)
    assert text.startswith("Error: ")
    assert "Enter a progress note saying what has been done." in text
    assert 'href="#id_note-note"' in response.content.decode()
    assert ActionUpdate.objects.count() == 0


# What the page costs


@pytest.mark.parametrize("user_fixture", ["officer", "force_user"])
def test_the_page_costs_the_same_queries_for_2_updates_as_for_40(
    client, request, user_fixture, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(user_fixture))
    few, many = published_action(), published_action()
    meetings = MeetingFactory.create_batch(3, status=Meeting.Status.PUBLISHED)
    authors = UserFactory.create_batch(3)
    for index in range(2):
        ActionUpdateFactory(action=few, meeting=meetings[index], author=authors[index])
    for index in range(40):
        ActionUpdateFactory(action=many, meeting=meetings[index % 3], author=authors[index % 3])
    client.get(detail_url(few))  # warm the session
    with django_assert_max_num_queries(10) as queries:  # incl., for the OPCC, the change history
        assert client.get(detail_url(few)).status_code == 200
    few_count = len(queries)
    with django_assert_num_queries(few_count):
        assert client.get(detail_url(many)).status_code == 200
