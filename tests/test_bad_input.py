"""Bad input is refused with a message saying how to put it right, and changes nothing.

Over-long text, dates that are not dates, choices that are not on the list, and ids the user may
not see or that belong elsewhere (another office's action, another meeting's item, another
item's action, an earlier meeting to be "due back at"). Each test takes a snapshot of every row
the forms could touch before the post and compares it after.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from actions.models import Action, ActionOwner, ActionUpdate, ReviewedAction, Status
from meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingStatusChange,
    Office,
    Organisation,
    Person,
)
from tests import factories
from tests.hostile import item_edit_data, item_form_data, meeting_edit_data, meeting_form_data
from tests.pages import page_text

pytestmark = pytest.mark.django_db

MEETING_DATE = datetime.date(2022, 11, 29)
SNAPSHOT_MODELS = (
    Office,
    Person,
    Meeting,
    Attendance,
    AgendaItem,
    AgendaItem.topics.through,
    AgendaItem.areas.through,
    Action,
    ActionOwner,
    ActionUpdate,
    ReviewedAction,
    MeetingStatusChange,
)


def snapshot() -> dict[str, list[dict]]:
    """Every row the forms could write, field by field."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS
    }


# What saving the outstanding matters changes on the meeting itself: it marks them reviewed.
REVIEW_MARKS = ("outstanding_reviewed", "version", "updated_at")


def assert_only_the_review_saved(before: dict, meeting, kept) -> None:
    """The outstanding matters were saved with no update: the meeting reviewed exactly
    ``kept``, and nothing else changed but the meeting's mark that its list was saved."""
    after = snapshot()
    reviewed = list(
        ReviewedAction.objects.filter(meeting=meeting).values_list("action_id", flat=True)
    )
    assert sorted(reviewed) == sorted(action.pk for action in kept)
    for label in (Meeting._meta.label, ReviewedAction._meta.label):
        before_rows, after_rows = before.pop(label), after.pop(label)
        if label == Meeting._meta.label:
            strip = [{k: v for k, v in row.items() if k not in REVIEW_MARKS} for row in before_rows]
            assert strip == [
                {k: v for k, v in row.items() if k not in REVIEW_MARKS} for row in after_rows
            ]
    assert after == before


def page_title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), flags=re.S).group(1)


def assert_refused(response, message: str, before: dict, *, typed: str | None = None):
    """The form came back with the GOV.UK error pattern and the message, and nothing changed."""
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    assert "There is a problem" in body
    assert page_title(response).strip().startswith("Error: ")
    assert message in page_text(response), page_text(response)
    if typed is not None:
        assert typed in body, "what the user typed was not redisplayed"
    assert snapshot() == before


@pytest.fixture
def officer_client(officer):
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def meeting():
    return factories.MeetingFactory(
        date=MEETING_DATE, title="Monthly Assurance Meeting November 2022"
    )


@pytest.fixture
def cc():
    return factories.OfficeFactory(abbreviation="CC", title="Chief Constable")


@pytest.fixture
def item(meeting):
    return factories.AgendaItemFactory(meeting=meeting, title="Response times")


# --- The meeting form ----------------------------------------------------------------------

CREATE_URL = reverse("meetings:create")


@pytest.mark.parametrize(
    "field, limit, message",
    [
        ("title", 200, "The title must be 200 characters or fewer"),
        ("venue", 200, "The venue must be 200 characters or fewer"),
        (
            "minute_taker_capacity",
            200,
            "The minute taker's capacity must be 200 characters or fewer",
        ),
    ],
)
def test_an_over_long_meeting_field_is_refused_and_kept(officer_client, field, limit, message):
    before = snapshot()
    typed = "x" * (limit + 1)
    response = officer_client.post(CREATE_URL, meeting_form_data(**{field: typed}))
    assert_refused(response, message, before, typed=typed)
    assert f'<a href="#id_{field}">{escape(message)}</a>' in response.content.decode()


def test_a_meeting_field_at_its_limit_is_accepted(officer_client):
    response = officer_client.post(CREATE_URL, meeting_form_data(title="x" * 200))
    assert response.status_code == 302
    assert Meeting.objects.get().title == "x" * 200


@pytest.mark.parametrize(
    "field, message",
    [
        ("new_name", "The name must be 200 characters or fewer"),
        ("capacity", "The capacity must be 200 characters or fewer"),
    ],
)
def test_an_over_long_attendance_field_is_refused(officer_client, field, message):
    before = snapshot()
    row = {"new_name": "Someone New", "new_organisation": "force", field: "y" * 201}
    response = officer_client.post(CREATE_URL, meeting_form_data([row]))
    assert_refused(response, message, before, typed="y" * 201)


@pytest.mark.parametrize("typed", ["2022-02-30", "next tuesday", "29/13/2022", "0000-00-00"])
def test_a_meeting_date_that_is_not_a_real_date_is_refused(officer_client, typed):
    before = snapshot()
    response = officer_client.post(CREATE_URL, meeting_form_data(date=typed))
    assert_refused(
        response,
        "Enter the date of the meeting as a real date, for example 29/11/2022",
        before,
        typed=typed,
    )


@pytest.mark.parametrize("typed", ["25:99", "teatime", "14:00:99"])
def test_a_start_time_that_is_not_a_time_is_refused(officer_client, typed):
    before = snapshot()
    response = officer_client.post(CREATE_URL, meeting_form_data(start_time=typed))
    assert_refused(response, "Enter the start time in hours and minutes, for example 14:00", before)


@pytest.mark.parametrize(
    "fields, rows, message",
    [
        ({"series": "made_up"}, [], "Choose the series the meeting belongs to from the list"),
        ({"series": "999999"}, [], "Choose the series the meeting belongs to from the list"),
        ({"chair": "999999"}, [], "Choose the chair from the list"),
        ({"minute_taker": "not-a-number"}, [], "Choose the minute taker from the list"),
        (
            {},
            [{"new_name": "Ann Other", "status": "made_up"}],
            "Choose an attendance from the list",
        ),
        (
            {},
            [{"new_name": "Ann Other", "new_organisation": "made_up"}],
            "Choose an organisation from the list",
        ),
        ({}, [{"person": "999999"}], "Choose a person from the list"),
    ],
)
def test_a_meeting_choice_not_on_the_list_is_refused(officer_client, fields, rows, message):
    before = snapshot()
    response = officer_client.post(CREATE_URL, meeting_form_data(rows, **fields))
    assert_refused(response, message, before)


def test_a_tampered_version_on_the_meeting_form_is_refused_with_a_message(officer_client, meeting):
    before = snapshot()
    data = meeting_edit_data(meeting, title="Changed", version="abc")
    response = officer_client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert_refused(response, "Someone else saved a change to this meeting", before)


def test_a_missing_version_on_the_meeting_form_is_treated_as_stale(officer_client, meeting):
    before = snapshot()
    data = meeting_edit_data(meeting, title="Changed", version="")
    response = officer_client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert_refused(response, "Someone else saved a change to this meeting", before)


def test_an_attendance_row_is_saved_to_the_meeting_in_the_url_only(officer_client, meeting):
    other = factories.MeetingFactory(date=MEETING_DATE + datetime.timedelta(days=7))
    theirs = factories.AttendanceFactory(meeting=other)
    data = meeting_edit_data(meeting, [{"person": theirs.person_id}], title="Changed")
    response = officer_client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    # The row names a person, not another meeting's attendance: the other meeting is untouched.
    assert list(other.attendances.values_list("pk", "person_id")) == [(theirs.pk, theirs.person_id)]
    assert meeting.attendances.get().person_id == theirs.person_id


# --- The item form -------------------------------------------------------------------------


def create_item_url(meeting):
    return reverse("meetings:item_create", args=[meeting.pk])


def edit_item_url(item):
    return reverse("meetings:item_edit", args=[item.meeting_id, item.pk])


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "t" * 301}, "The title must be 300 characters or fewer"),
        (
            {"title": "Fine", "restricted": True, "restricted_reason": "r" * 301},
            "The reason must be 300 characters or fewer",
        ),
        ({"title": ""}, "Enter a title for the item"),
        ({"title": "Fine", "kind": "made_up"}, "Choose a kind of item from the list"),
        (
            {"title": "Fine", "assurance_level": "made_up"},
            "Choose an assurance level from the list",
        ),
        ({"title": "Fine", "lead_office": "999999"}, "Choose a lead office from the list"),
        ({"title": "Fine", "topics": ["999999"]}, "Choose topics from the list"),
        ({"title": "Fine", "areas": ["abc"]}, "Choose local policing areas from the list"),
        (
            {"title": "Fine", "restricted": True, "restricted_reason": ""},
            "Say why the item is withheld from publication.",
        ),
    ],
)
def test_bad_item_fields_are_refused_on_a_new_item(officer_client, meeting, fields, message):
    before = snapshot()
    response = officer_client.post(create_item_url(meeting), item_form_data(**fields))
    assert_refused(response, message, before)


def test_bad_item_fields_are_refused_on_an_existing_item(officer_client, item):
    before = snapshot()
    data = item_edit_data(item, title="t" * 301, minutes="Changed minutes")
    response = officer_client.post(edit_item_url(item), data)
    assert_refused(
        response, "The title must be 300 characters or fewer", before, typed="Changed minutes"
    )


def action_row(owners, **fields):
    row = {"description": "Report back on 101 calls.", "owners": factories.written_owners(owners)}
    return row | fields


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"due_date": "2022-02-30"}, "Enter the due date as a real date, for example 28/02/2023"),
        ({"due_date": "next tuesday"}, "Enter the due date as a real date"),
        (
            {"due_date": "2022-11-28"},
            "The due date cannot be before the meeting (29 November 2022)",
        ),
        ({"due_meeting": "999999"}, "Choose a meeting later than the one the action arose at"),
        ({"due_meeting": "abc"}, "Choose a meeting later than the one the action arose at"),
        ({"owners": "XQZ"}, "No office or person in the directory is written “XQZ”"),
        ({"owners": ""}, "Enter at least one owner"),
        ({"description": "   "}, "Enter what is to be done"),
    ],
)
def test_bad_action_rows_are_refused(officer_client, item, cc, fields, message):
    before = snapshot()
    data = item_edit_data(item, [action_row([cc]) | fields])
    response = officer_client.post(edit_item_url(item), data)
    assert_refused(response, message, before)


@pytest.mark.parametrize("when", ["earlier", "same day"])
def test_an_action_cannot_be_due_back_at_an_earlier_meeting(officer_client, item, cc, when):
    days = -28 if when == "earlier" else 0
    factories.MeetingFactory(
        date=MEETING_DATE + datetime.timedelta(days=28)
    )  # a later one is offered
    earlier = factories.MeetingFactory(date=MEETING_DATE + datetime.timedelta(days=days))
    before = snapshot()
    data = item_edit_data(item, [action_row([cc], due_meeting=str(earlier.pk))])
    response = officer_client.post(edit_item_url(item), data)
    assert_refused(response, "Choose a meeting later than the one the action arose at", before)


def test_an_existing_action_cannot_be_moved_to_an_earlier_due_meeting(officer_client, item, cc):
    action = factories.ActionFactory(origin_item=item, owners=[cc])
    earlier = factories.MeetingFactory(date=MEETING_DATE - datetime.timedelta(days=28))
    before = snapshot()
    data = item_edit_data(item)
    data["actions-0-due_meeting"] = str(earlier.pk)
    response = officer_client.post(edit_item_url(item), data)
    assert_refused(response, "Choose a meeting later than the one the action arose at", before)
    assert Action.objects.get(pk=action.pk).due_meeting_id is None


@pytest.mark.parametrize("whose", ["another item of this meeting", "an item of another meeting"])
def test_a_row_naming_another_items_action_is_refused(officer_client, item, cc, whose):
    if whose == "another item of this meeting":
        other_item = factories.AgendaItemFactory(meeting=item.meeting)
    else:
        other_item = factories.AgendaItemFactory(
            meeting__date=MEETING_DATE - datetime.timedelta(days=28)
        )
    theirs = factories.ActionFactory(origin_item=other_item, owners=[cc], description="Theirs.")
    before = snapshot()
    row = action_row([cc], action_id=str(theirs.pk), version=str(theirs.version))
    row["description"] = "Hijacked."
    data = item_edit_data(item, [row])
    data["actions-INITIAL_FORMS"] = "1"
    response = officer_client.post(edit_item_url(item), data)
    assert_refused(response, "This action is no longer one of this item's actions", before)
    assert Action.objects.get(pk=theirs.pk).description == "Theirs."


def test_a_tampered_item_version_is_refused_with_a_message(officer_client, item):
    before = snapshot()
    data = item_edit_data(item, minutes="Changed")
    data["version"] = "abc"
    response = officer_client.post(edit_item_url(item), data)
    assert_refused(response, "Someone else saved a change to this item", before, typed="Changed")


def test_a_tampered_action_row_version_is_refused_with_a_message(officer_client, item, cc):
    factories.ActionFactory(origin_item=item, owners=[cc])
    before = snapshot()
    data = item_edit_data(item)
    data["actions-0-description"] = "Changed."
    data["actions-0-version"] = "abc"
    response = officer_client.post(edit_item_url(item), data)
    assert_refused(response, "Someone else saved a change to this action", before, typed="Changed.")


# --- Ids of another meeting on the agenda URLs ------------------------------------------------


@pytest.fixture
def other_meetings_item():
    return factories.AgendaItemFactory(meeting__date=MEETING_DATE + datetime.timedelta(days=28))


def test_editing_another_meetings_item_through_this_meeting_is_not_found(
    officer_client, meeting, other_meetings_item
):
    url = reverse("meetings:item_edit", args=[meeting.pk, other_meetings_item.pk])
    before = snapshot()
    assert officer_client.get(url).status_code == 404
    data = item_edit_data(other_meetings_item, title="Hijacked")
    assert officer_client.post(url, data).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("move", ["up", "down", "indent", "outdent"])
def test_moving_another_meetings_item_through_this_meeting_is_not_found(
    officer_client, meeting, other_meetings_item, move
):
    factories.AgendaItemFactory(meeting=other_meetings_item.meeting)
    url = reverse("meetings:item_move", args=[meeting.pk, other_meetings_item.pk])
    before = snapshot()
    assert officer_client.post(url, {"move": move}).status_code == 404
    assert snapshot() == before


def test_deleting_another_meetings_item_through_this_meeting_is_not_found(
    officer_client, meeting, other_meetings_item
):
    url = reverse("meetings:item_delete", args=[meeting.pk, other_meetings_item.pk])
    before = snapshot()
    assert officer_client.post(url).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("parent", ["other meeting", "999999", "abc", "-1"])
def test_a_parent_item_of_another_meeting_is_not_found(
    officer_client, meeting, other_meetings_item, parent
):
    parent_id = str(other_meetings_item.pk) if parent == "other meeting" else parent
    url = f"{create_item_url(meeting)}?parent={parent_id}"
    before = snapshot()
    assert officer_client.get(url).status_code == 404
    assert officer_client.post(url, item_form_data(title="Sub-item")).status_code == 404
    assert snapshot() == before


def test_an_unknown_move_is_refused_with_a_message(officer_client, item):
    factories.AgendaItemFactory(meeting=item.meeting)
    before = snapshot()
    url = reverse("meetings:item_move", args=[item.meeting_id, item.pk])
    response = officer_client.post(url, {"move": "made_up"}, follow=True)
    assert "Choose up, down, indent or outdent to move the item." in page_text(response)
    assert snapshot() == before


def test_a_posted_parent_field_is_ignored_by_the_item_form(
    officer_client, item, other_meetings_item
):
    """Where an item sits is the agenda builder's job: the form has no parent field to tamper."""
    data = item_edit_data(item, title="Renamed")
    data["parent"] = str(other_meetings_item.pk)
    data["meeting"] = str(other_meetings_item.meeting_id)
    response = officer_client.post(edit_item_url(item), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.parent_id, item.meeting_id) == ("Renamed", None, item.meeting_id)


# --- Actions: another office's action, made-up transitions ----------------------------------


@pytest.fixture
def force_client(force_user):
    client = Client()
    client.force_login(force_user)
    return client


@pytest.fixture
def another_offices_action(cc):
    """An action the force user may read (a force office's, from approved minutes) but not act
    on: it is owned by an office they do not act for."""
    dcc = factories.OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable")
    return factories.ActionFactory(
        owners=[dcc],
        origin_item__meeting__status=Meeting.Status.APPROVED,
        origin_item__meeting__date=MEETING_DATE,
    )


def test_a_force_user_posting_another_offices_action_gets_403_and_nothing_changes(
    force_client, another_offices_action
):
    action = another_offices_action
    before = snapshot()
    data = {
        "status-transition": "start",
        "status-note": "Started.",
        "status-expected_status": "open",
    }
    assert force_client.post(reverse("actions:transition", args=[action.pk]), data).status_code == (
        403
    )
    response = force_client.post(reverse("actions:note", args=[action.pk]), {"note-note": "Done."})
    assert response.status_code == 403
    assert snapshot() == before


def test_a_force_user_posting_an_action_they_may_not_read_gets_404(force_client, cc):
    draft_action = factories.ActionFactory(owners=[cc], origin_item__meeting__date=MEETING_DATE)
    before = snapshot()
    data = {"status-transition": "start", "status-expected_status": "open"}
    url = reverse("actions:transition", args=[draft_action.pk])
    assert force_client.post(url, data).status_code == 404
    url = reverse("actions:note", args=[draft_action.pk])
    assert force_client.post(url, {"note-note": "Done."}).status_code == 404
    missing = reverse("actions:note", args=[999999])
    assert force_client.post(missing, {"note-note": "Done."}).status_code == 404
    assert snapshot() == before


def test_a_force_user_may_not_post_the_outstanding_matters_form(force_client, meeting):
    url = reverse("actions:outstanding", args=[meeting.pk])
    before = snapshot()
    assert force_client.post(url, {"rows": ["1"]}).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("transition", ["made_up", "__class__", "SIGN_OFF"])
def test_a_made_up_change_of_status_on_the_action_page_is_forbidden(officer_client, cc, transition):
    """Not a choice the page offers: the workflow refuses it as a forbidden move (403)."""
    action = factories.ActionFactory(owners=[cc], status=Status.IN_PROGRESS)
    before = snapshot()
    data = {
        "status-transition": transition,
        "status-note": "Note.",
        "status-expected_status": action.status,
    }
    response = officer_client.post(reverse("actions:transition", args=[action.pk]), data)
    assert response.status_code == 403
    assert snapshot() == before


def test_a_made_up_expected_status_changes_nothing(officer_client, cc):
    action = factories.ActionFactory(owners=[cc], status=Status.OPEN)
    before = snapshot()
    data = {"status-transition": "start", "status-expected_status": "made_up"}
    response = officer_client.post(reverse("actions:transition", args=[action.pk]), data)
    assert response.status_code == 200
    assert snapshot() == before


@pytest.fixture
def carried(cc):
    """A meeting and an action carried forward to it from an earlier one."""
    meeting = factories.MeetingFactory(date=MEETING_DATE)
    action = factories.ActionFactory(
        owners=[cc],
        status=Status.OPEN,
        origin_item__meeting__date=MEETING_DATE - datetime.timedelta(days=28),
    )
    return meeting, action


def outstanding_data(action, note="", transition="", expected=None, kept=True):
    prefix = f"action-{action.pk}"
    return {
        "rows": [str(action.pk)],
        **({f"{prefix}-kept": "on"} if kept else {}),
        f"{prefix}-note": note,
        f"{prefix}-transition": transition,
        f"{prefix}-expected_status": action.status if expected is None else expected,
    }


def test_a_made_up_change_of_status_on_the_outstanding_matters_form_is_refused(
    officer_client, carried
):
    meeting, action = carried
    before = snapshot()
    data = outstanding_data(action, "Some progress.", "made_up")
    response = officer_client.post(reverse("actions:outstanding", args=[meeting.pk]), data)
    assert_refused(response, "Choose a change of status from the list", before)


def test_the_outstanding_matters_form_ignores_actions_that_are_not_carried_forward(
    officer_client, carried, cc
):
    meeting, action = carried
    # Raised at this meeting and at a later one: neither is carried forward to this meeting.
    same = factories.ActionFactory(owners=[cc], origin_item__meeting=meeting)
    later = factories.ActionFactory(
        owners=[cc], origin_item__meeting__date=MEETING_DATE + datetime.timedelta(days=28)
    )
    before = snapshot()
    data = outstanding_data(action)
    for stray in (same, later):
        data["rows"].append(str(stray.pk))
        data |= outstanding_data(stray, "Sneaked in.", "start") | {"rows": data["rows"]}
    data["rows"].append("abc")
    response = officer_client.post(reverse("actions:outstanding", args=[meeting.pk]), data)
    # Nothing typed on the real row: the list is saved as proposed, and no update recorded.
    assert response.status_code == 302
    assert_only_the_review_saved(before, meeting, [action])


# --- Filters in the query string -------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["home", "actions:log"])
@pytest.mark.parametrize(
    "query, message",
    [
        ("status=made_up", "Choose a status from the list."),
        ("owner=999999", "Choose an owner from the list."),
        ("origin_meeting=abc", "Choose a meeting from the list."),
        ("topic=999999", "Choose a topic from the list."),
        ("q=" + "q" * 201, "Enter 200 characters or fewer to search for."),
        ("page=-1", None),
        ("page=abc", None),
    ],
)
def test_bad_filters_are_reported_not_a_server_error(officer_client, cc, url_name, query, message):
    factories.ActionFactory(owners=[cc])
    response = officer_client.get(f"{reverse(url_name)}?{query}")
    assert response.status_code == 200
    if message:
        assert message in page_text(response)


def test_a_made_up_export_filter_is_not_a_server_error(officer_client, cc):
    factories.ActionFactory(owners=[cc])
    response = officer_client.get(f"{reverse('actions:export')}?status=made_up&owner=x")
    assert response.status_code == 200


# --- The admin, for completeness: a superuser's form keeps the same rules -------------------


def test_the_admin_refuses_an_over_long_title_and_an_unknown_choice(db):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    before = snapshot()
    data = {
        "series": "made_up",
        "title": "x" * 201,
        "date": "2022-02-30",
        "status": "made_up",
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 200
    assert snapshot() == before


def test_people_and_topics_are_untouched_by_refused_posts(officer_client):
    """The directory is part of the snapshot: a refused meeting form adds no one new."""
    factories.PersonFactory(name="Existing Person", organisation=Organisation.FORCE)
    factories.TopicFactory(name="Call handling", slug="call-handling")
    before = snapshot()
    rows = [{"new_name": "Brand New", "new_organisation": "force"}]
    response = officer_client.post(CREATE_URL, meeting_form_data(rows, date="2022-02-30"))
    assert response.status_code == 200
    assert snapshot() == before
    assert not Person.objects.filter(name="Brand New").exists()


# --- Ids that are not plain numbers, or too big for the database ----------------------------

# "²" passes str.isdigit() but not int(); the long one overflows SQLite's integers.
ODD_IDS = ["²", "9" * 30, "-1", "1e3"]


@pytest.mark.parametrize("value", ODD_IDS)
def test_an_odd_parent_id_is_not_found(officer_client, meeting, value):
    url = f"{create_item_url(meeting)}?parent={value}"
    before = snapshot()
    assert officer_client.get(url).status_code == 404
    assert officer_client.post(url, item_form_data(title="Sub-item")).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("value", ODD_IDS)
@pytest.mark.parametrize(
    "field, message",
    [
        ("topics", "Choose topics from the list"),
        ("areas", "Choose local policing areas from the list"),
        ("lead_office", "Choose a lead office from the list"),
    ],
)
def test_an_odd_id_among_the_items_choices_is_refused(
    officer_client, meeting, field, message, value
):
    factories.TopicFactory()
    before = snapshot()
    typed = [value] if field != "lead_office" else value
    response = officer_client.post(
        create_item_url(meeting), item_form_data(title="Fine", **{field: typed})
    )
    assert_refused(response, message, before)


@pytest.mark.parametrize("value", ODD_IDS)
def test_an_odd_action_id_in_an_action_row_is_refused(officer_client, item, cc, value):
    before = snapshot()
    data = item_edit_data(item, [action_row([cc], action_id=value, version="1")])
    response = officer_client.post(edit_item_url(item), data)
    assert_refused(response, "This action is no longer one of this item's actions", before)


@pytest.mark.parametrize("value", ODD_IDS)
def test_an_odd_row_id_on_the_outstanding_matters_form_is_ignored(officer_client, carried, value):
    meeting, action = carried
    before = snapshot()
    data = outstanding_data(action)
    data["rows"].append(value)
    response = officer_client.post(reverse("actions:outstanding", args=[meeting.pk]), data)
    assert response.status_code == 302
    assert_only_the_review_saved(before, meeting, [action])


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("meetings:detail", [10**30]),
        ("meetings:edit", [10**30]),
        ("meetings:item_edit", [10**30, 10**30]),
        ("actions:detail", [10**30]),
        ("actions:outstanding", [10**30]),
    ],
)
def test_an_id_too_big_for_the_database_in_a_url_is_not_found(officer_client, url_name, args):
    assert officer_client.get(reverse(url_name, args=args)).status_code == 404
