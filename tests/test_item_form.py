"""The agenda item form with its actions arising: validation, saving, history and stale edits."""

import datetime
import re

import pytest
from django.urls import reverse

from actions.arising import OWNER_REQUIRED_MESSAGE
from actions.models import Action, ActionUpdate, Status
from meetings.models import AgendaItem, Meeting
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    LocalPolicingAreaFactory,
    MeetingFactory,
    OfficeFactory,
    TopicFactory,
    written_owners,
)
from tests.hostile import item_form_data as posted_item_form_data
from tests.pages import page_text

pytestmark = pytest.mark.django_db


def item_form_data(*, version=None, actions=(), **fields):
    """What the item form posts: the item's fields and one row per action.

    ``actions`` are dicts with description, owners (offices), due_date, due_meeting and, for an
    existing action, action (the Action) and version. ``restricted``, ``topics`` and ``areas``
    are left out unless given, as a browser leaves out unticked checkboxes.
    """
    for name in ("topics", "areas"):
        if name in fields:
            fields[name] = [str(obj.pk) for obj in fields[name]]
    if "lead_office" in fields:
        fields["lead_office"] = str(fields["lead_office"].pk) if fields["lead_office"] else ""
    return posted_item_form_data(
        version=version, actions=[posted_row(row) for row in actions], **fields
    )


def posted_row(row):
    """An action row of :func:`item_form_data` as the page posts it (strings)."""
    action = row.get("action")
    due_date, due_meeting = row.get("due_date"), row.get("due_meeting")
    return {
        "action_id": str(action.pk) if action else "",
        "version": str(row.get("version", action.version if action else "")),
        "description": row.get("description", ""),
        "owners": written_owners(row.get("owners", [])),
        "due_date": due_date.isoformat() if due_date else "",
        "due_meeting": str(due_meeting.pk) if due_meeting else "",
    }


def existing_row(action, **changes):
    """A posted row for ``action`` as the form shows it, with ``changes`` applied."""
    row = {
        "action": action,
        "version": action.version,
        "description": action.description,
        "owners": [owner.owner for owner in action.owners],
        "due_date": action.due_date,
        "due_meeting": action.due_meeting,
    }
    row.update(changes)
    return row


def edit_url(item):
    return reverse("meetings:item_edit", args=[item.meeting_id, item.pk])


def create_url(meeting, parent=None):
    url = reverse("meetings:item_create", args=[meeting.pk])
    return f"{url}?parent={parent.pk}" if parent else url


def error_summary_links(response):
    """(href, text) of each entry in the error summary."""
    body = response.content.decode()
    match = re.search(r'<div class="error-summary".*?</ul>', body, flags=re.S)
    assert match, "the page has no error summary"
    return re.findall(r'<li><a href="#([^"]*)">([^<]*)</a></li>', match.group(0))


def typed_value(response, name):
    """The value the text input called ``name`` shows."""
    tag = re.search(rf'<input type="text" name="{name}"[^>]*>', response.content.decode())
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def page_title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), flags=re.S).group(1)


@pytest.fixture
def meeting(db):
    return MeetingFactory(
        date=datetime.date(2022, 11, 29),
        title="Monthly Assurance Meeting November 2022",
        status=Meeting.Status.DRAFT,
    )


@pytest.fixture
def offices(db):
    return {
        abbreviation: OfficeFactory(abbreviation=abbreviation, title=title, position=position)
        for position, (abbreviation, title) in enumerate(
            [
                ("PCC", "Police and Crime Commissioner"),
                ("CC", "Chief Constable"),
                ("DCC", "Deputy Chief Constable"),
            ],
            start=1,
        )
    }


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


# --- Saving an item ----------------------------------------------------------------------------


def test_an_officer_adds_an_item_with_its_topics_areas_and_assurance(signed_in, meeting, offices):
    topic = TopicFactory(name="Response times", slug="response-times")
    area = LocalPolicingAreaFactory(name="Shropshire", slug="shropshire")
    data = item_form_data(
        title="Response times",
        lead_office=offices["CC"],
        minutes="The PCC noted response times.\n\n- Grade 1: 77.4%",
        assurance_level="partly",
        assurance_statement="Partly assured on the plan.",
        decision="Update in three months.",
        topics=[topic],
        areas=[area],
    )
    response = signed_in.post(create_url(meeting), data)

    item = meeting.items.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:agenda", args=[meeting.pk]) + (
        f"#item-{item.pk}"
    )
    assert (item.title, item.lead_office, item.assurance_level) == (
        "Response times",
        offices["CC"],
        "partly",
    )
    assert item.minutes == "The PCC noted response times.\n\n- Grade 1: 77.4%"
    assert list(item.topics.all()) == [topic]
    assert list(item.areas.all()) == [area]
    assert (item.parent, item.position) == (None, 1)


def test_the_form_explains_the_plain_text_format_and_that_actions_are_not_deleted_here(
    signed_in, meeting
):
    item = AgendaItemFactory(meeting=meeting)
    text = page_text(signed_in.get(edit_url(item)))
    assert "leave a blank line between paragraphs" in text.lower()
    assert "“- ” for a bullet point" in text
    assert "“1. ” for a numbered point" in text
    assert "Actions cannot be deleted here" in text


def test_an_officer_edits_an_item_and_its_version_goes_up(signed_in, meeting):
    item = AgendaItemFactory(meeting=meeting, title="Call handling")
    response = signed_in.post(
        edit_url(item), item_form_data(title="Call handling (101)", version=item.version)
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version) == ("Call handling (101)", 2)


def test_a_restricted_item_needs_a_reason(signed_in, meeting):
    response = signed_in.post(
        create_url(meeting), item_form_data(title="Staff misconduct case", restricted=True)
    )
    assert response.status_code == 200
    assert ("id_restricted_reason", "Say why the item is withheld from publication.") in (
        error_summary_links(response)
    )
    assert page_title(response).startswith("Error: ")
    assert 'value="Staff misconduct case"' in response.content.decode()
    assert not meeting.items.exists()


def test_an_item_needs_a_title(signed_in, meeting):
    response = signed_in.post(create_url(meeting), item_form_data(minutes="Typed minutes"))
    assert error_summary_links(response) == [("id_title", "Enter a title for the item")]
    assert "Typed minutes</textarea>" in response.content.decode()


def test_a_sub_item_goes_last_under_its_parent(signed_in, meeting):
    parent = AgendaItemFactory(meeting=meeting, position=1, title="Holding to account")
    AgendaItemFactory(meeting=meeting, parent=parent, position=1, title="Victim satisfaction")
    signed_in.post(create_url(meeting, parent), item_form_data(title="The Victims' Code"))
    added = meeting.items.get(title="The Victims' Code")
    assert (added.parent, added.position) == (parent, 2)


def test_the_page_heading_names_the_item_by_its_number(signed_in, meeting):
    parent = AgendaItemFactory(meeting=meeting, position=2, title="Holding to account")
    AgendaItemFactory(meeting=meeting, position=1, title="Outstanding matters")
    child = AgendaItemFactory(meeting=meeting, parent=parent, position=1, title="Outcomes")
    assert "Edit item 2.1: Outcomes" in page_text(signed_in.get(edit_url(child)))
    assert "Add a sub-item to 2 Holding to account" in page_text(
        signed_in.get(create_url(meeting, parent))
    )


# --- Actions arising -------------------------------------------------------------------------


def test_a_new_action_gets_the_next_reference_and_its_owners(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting, title="Response times")
    data = item_form_data(
        title="Response times",
        version=item.version,
        actions=[
            {
                "description": "Update on response times at HTA in 3 months.",
                "owners": [offices["PCC"], offices["CC"]],
                "due_date": datetime.date(2023, 2, 28),
            }
        ],
    )
    response = signed_in.post(edit_url(item), data)
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.reference == "2022-11-01"
    assert (action.origin_meeting, action.origin_item, action.status) == (
        meeting,
        item,
        Status.OPEN,
    )
    assert [owner.written() for owner in action.owners] == ["PCC", "CC"]
    assert action.due_date == datetime.date(2023, 2, 28)
    assert not action.updates.exists()


def test_a_new_item_can_be_saved_with_its_actions(signed_in, meeting, offices):
    data = item_form_data(
        title="Integrated offender management (IOM)",
        actions=[{"description": "Share the IOM data.", "owners": [offices["CC"]]}],
    )
    signed_in.post(create_url(meeting), data)
    action = Action.objects.get()
    assert action.origin_item == meeting.items.get()
    assert action.reference == "2022-11-01"


def test_a_blank_action_row_is_ignored(signed_in, meeting):
    item = AgendaItemFactory(meeting=meeting)
    response = signed_in.post(
        edit_url(item), item_form_data(title=item.title, version=item.version, actions=[{}])
    )
    assert response.status_code == 302
    assert not Action.objects.exists()


def test_an_action_without_an_owner_is_refused(signed_in, meeting):
    item = AgendaItemFactory(meeting=meeting)
    data = item_form_data(
        title=item.title,
        version=item.version,
        actions=[{"description": "Share the IOM data with the PCC.", "owners": []}],
    )
    response = signed_in.post(edit_url(item), data)
    assert response.status_code == 200
    assert ("id_actions-0-owners", OWNER_REQUIRED_MESSAGE) in error_summary_links(response)
    assert 'id="id_actions-0-owners-error"' in response.content.decode()
    assert "Share the IOM data with the PCC.</textarea>" in response.content.decode()
    assert page_title(response).startswith("Error: ")
    assert not Action.objects.exists()


def test_an_action_due_before_the_meeting_is_refused(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    data = item_form_data(
        title=item.title,
        version=item.version,
        actions=[
            {
                "description": "Report back.",
                "owners": [offices["CC"]],
                "due_date": datetime.date(2022, 11, 1),
            }
        ],
    )
    response = signed_in.post(edit_url(item), data)
    assert (
        "id_actions-0-due_date",
        "The due date cannot be before the meeting (29 November 2022)",
    ) in error_summary_links(response)
    body = response.content.decode()
    assert 'value="2022-11-01"' in body  # what was typed is kept
    assert typed_value(response, "actions-0-owners") == "CC"
    assert not Action.objects.exists()


def test_an_action_due_back_at_an_earlier_meeting_is_refused(signed_in, meeting, offices):
    earlier = MeetingFactory(date=datetime.date(2022, 10, 25), title="October meeting")
    later = MeetingFactory(date=datetime.date(2022, 12, 19), title="December meeting")
    item = AgendaItemFactory(meeting=meeting)
    page = page_text(signed_in.get(edit_url(item)))
    assert "December meeting (19 December 2022)" in page
    assert "October meeting" not in page  # only later meetings are offered

    data = item_form_data(
        title=item.title,
        version=item.version,
        actions=[
            {"description": "Report back.", "owners": [offices["CC"]], "due_meeting": earlier}
        ],
    )
    response = signed_in.post(edit_url(item), data)
    message = "Choose a meeting later than the one the action arose at"
    assert ("id_actions-0-due_meeting", message) in error_summary_links(response)
    assert "Report back.</textarea>" in response.content.decode()
    assert not Action.objects.exists()

    data["actions-0-due_meeting"] = str(later.pk)
    assert signed_in.post(edit_url(item), data).status_code == 302
    assert Action.objects.get().due_meeting == later


def test_errors_in_the_item_and_an_action_are_summarised_together_in_page_order(signed_in, meeting):
    item = AgendaItemFactory(meeting=meeting)
    data = item_form_data(
        version=item.version, actions=[{"description": "Report back.", "owners": []}]
    )
    response = signed_in.post(edit_url(item), data)
    assert error_summary_links(response) == [
        ("id_title", "Enter a title for the item"),
        ("id_actions-0-owners", OWNER_REQUIRED_MESSAGE),
    ]


def test_changing_owners_writes_one_update_saying_what_changed(
    signed_in, officer, meeting, offices
):
    item = AgendaItemFactory(meeting=meeting)
    action = ActionFactory(origin_item=item, owners=[offices["CC"]], status=Status.IN_PROGRESS)
    data = item_form_data(
        title=item.title,
        version=item.version,
        actions=[existing_row(action, owners=[offices["CC"], offices["DCC"]])],
    )
    response = signed_in.post(edit_url(item), data)
    assert response.status_code == 302

    update = ActionUpdate.objects.get()
    assert update.action == action
    assert update.note == "Owners changed from CC to CC / DCC"
    assert update.author == officer
    assert update.status_before == update.status_after == Status.IN_PROGRESS
    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS  # the item form never changes status
    assert [owner.written() for owner in action.owners] == ["CC", "DCC"]
    assert action.version == 2


def test_changing_the_due_date_and_meeting_is_one_update_with_both_changes(
    signed_in, meeting, offices
):
    later = MeetingFactory(date=datetime.date(2023, 2, 28), title="February meeting")
    item = AgendaItemFactory(meeting=meeting)
    action = ActionFactory(
        origin_item=item, owners=[offices["CC"]], due_date=datetime.date(2023, 2, 28)
    )
    data = item_form_data(
        title=item.title,
        version=item.version,
        actions=[existing_row(action, due_date=datetime.date(2023, 3, 31), due_meeting=later)],
    )
    signed_in.post(edit_url(item), data)
    assert ActionUpdate.objects.get().note == (
        "Due date changed from 28 February 2023 to 31 March 2023\n"
        "Due back at set to February meeting (28 February 2023)"
    )


def test_rewording_an_action_writes_no_update(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    action = ActionFactory(origin_item=item, owners=[offices["CC"]])
    data = item_form_data(
        title=item.title,
        version=item.version,
        actions=[existing_row(action, description="Share the IOM data with the PCC.")],
    )
    signed_in.post(edit_url(item), data)
    action.refresh_from_db()
    assert action.description == "Share the IOM data with the PCC."
    assert not ActionUpdate.objects.exists()


def test_an_unchanged_action_row_is_left_alone(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    action = ActionFactory(origin_item=item, owners=[offices["CC"]])
    data = item_form_data(title="A new title", version=item.version, actions=[existing_row(action)])
    signed_in.post(edit_url(item), data)
    action.refresh_from_db()
    assert action.version == 1
    assert not ActionUpdate.objects.exists()


def test_the_form_offers_no_way_to_delete_an_action(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    ActionFactory(origin_item=item, owners=[offices["CC"]])
    body = signed_in.get(edit_url(item)).content.decode()
    assert "DELETE" not in body
    assert "actions-0-action_id" in body


def test_an_action_of_another_item_cannot_be_changed_through_this_form(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    other = ActionFactory(owners=[offices["CC"]], description="Someone else's action")
    data = item_form_data(
        title=item.title,
        version=item.version,
        actions=[existing_row(other, description="Hijacked")],
    )
    response = signed_in.post(edit_url(item), data)
    assert response.status_code == 200
    assert "no longer one of this item's actions" in page_text(response)
    other.refresh_from_db()
    assert other.description == "Someone else's action"


# --- Stale edits and read-only minutes --------------------------------------------------------


def test_a_stale_item_edit_is_refused_and_what_was_typed_is_kept(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting, title="Call handling", minutes="Original")
    loaded_version = item.version
    # Someone else saves first.
    signed_in.post(
        edit_url(item),
        item_form_data(title="Call handling", version=loaded_version, minutes="Their change"),
    )
    data = item_form_data(
        title="Call handling",
        version=loaded_version,
        minutes="My minutes, typed at length",
        actions=[{"description": "My new action", "owners": [offices["CC"]]}],
    )
    response = signed_in.post(edit_url(item), data)

    assert response.status_code == 200
    text = page_text(response)
    assert "Someone else saved a change to this item while you were editing it" in text
    body = response.content.decode()
    assert "My minutes, typed at length</textarea>" in body
    assert "My new action</textarea>" in body
    item.refresh_from_db()
    assert item.minutes == "Their change"
    assert not Action.objects.exists()  # nothing of the refused save is kept


def test_a_stale_action_row_is_refused(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    action = ActionFactory(origin_item=item, owners=[offices["CC"]])
    row = existing_row(action, owners=[offices["DCC"]])
    # Meanwhile someone else changes the action (the workflow bumps its version too).
    Action.objects.filter(pk=action.pk).update(version=2, status=Status.IN_PROGRESS)

    response = signed_in.post(
        edit_url(item), item_form_data(title="Edited title", version=item.version, actions=[row])
    )
    assert response.status_code == 200
    links = error_summary_links(response)
    assert links[0][0] == "id_actions-0-description"
    assert links[0][1].startswith("Someone else saved a change to this action")
    assert [owner.written() for owner in action.owners] == ["CC"]
    item.refresh_from_db()
    assert item.title != "Edited title"
    assert not ActionUpdate.objects.exists()


def test_the_form_of_approved_minutes_is_not_offered(signed_in, meeting):
    item = AgendaItemFactory(meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.APPROVED)
    response = signed_in.get(edit_url(item), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("meetings:agenda", args=[meeting.pk]))
    assert "These minutes have been approved, so they are read-only." in page_text(response)
    assert "These minutes have been approved" in page_text(
        signed_in.get(create_url(meeting), follow=True)
    )


def test_saving_into_approved_minutes_is_refused_and_what_was_typed_is_kept(signed_in, meeting):
    item = AgendaItemFactory(meeting=meeting, minutes="As approved")
    loaded_version = item.version
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.APPROVED)
    response = signed_in.post(
        edit_url(item),
        item_form_data(title=item.title, version=loaded_version, minutes="A late correction"),
    )
    assert response.status_code == 200
    assert (
        "These minutes have been approved, so they are read-only. Reopen them for correction "
        "first." in page_text(response)
    )
    assert "A late correction</textarea>" in response.content.decode()
    item.refresh_from_db()
    assert item.minutes == "As approved"

    response = signed_in.post(create_url(meeting), item_form_data(title="A late item"))
    assert "These minutes have been approved" in page_text(response)
    assert not meeting.items.filter(title="A late item").exists()


# --- Who may use the form, and what it costs ---------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["commissioner", "force_user", "no_role_user"])
def test_only_opcc_staff_may_use_the_item_form(client, request, meeting, role, method):
    item = AgendaItemFactory(meeting=meeting, title="Call handling")
    client.force_login(request.getfixturevalue(role))
    data = item_form_data(title="Changed", version=item.version)
    for url in (edit_url(item), create_url(meeting)):
        assert getattr(client, method)(url, data if method == "post" else None).status_code == 403
    item.refresh_from_db()
    assert item.title == "Call handling"
    assert meeting.items.count() == 1


def test_signed_out_users_are_sent_to_sign_in(client, meeting):
    item = AgendaItemFactory(meeting=meeting)
    for url in (edit_url(item), create_url(meeting)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_officer_may_open_both_forms(signed_in, meeting):
    item = AgendaItemFactory(meeting=meeting)
    assert signed_in.get(edit_url(item)).status_code == 200
    assert signed_in.get(create_url(meeting)).status_code == 200


def test_an_item_of_another_meeting_is_not_found(signed_in, meeting):
    other = AgendaItemFactory(meeting=MeetingFactory())
    url = reverse("meetings:item_edit", args=[meeting.pk, other.pk])
    assert signed_in.get(url).status_code == 404
    assert signed_in.get(create_url(meeting, other)).status_code == 404
    assert signed_in.post(create_url(meeting, other), item_form_data(title="X")).status_code == 404
    assert not meeting.items.exists()


def test_the_form_costs_the_same_queries_for_1_action_as_for_10(
    signed_in, meeting, offices, captured_queries, django_assert_num_queries
):
    later = MeetingFactory(date=datetime.date(2023, 2, 28))
    few = AgendaItemFactory(meeting=meeting)
    many = AgendaItemFactory(meeting=meeting)
    ActionFactory(origin_item=few, owners=[offices["CC"]], due_meeting=later)
    for _ in range(10):
        ActionFactory(origin_item=many, owners=[offices["CC"], offices["PCC"]], due_meeting=later)
    signed_in.get(edit_url(few))  # warm the session
    with captured_queries() as queries:
        assert signed_in.get(edit_url(few)).status_code == 200
    with django_assert_num_queries(len(queries)):
        assert signed_in.get(edit_url(many)).status_code == 200


def test_saving_costs_a_bounded_number_of_queries(
    signed_in, meeting, offices, django_assert_max_num_queries
):
    item = AgendaItemFactory(meeting=meeting)
    actions = [ActionFactory(origin_item=item, owners=[offices["CC"]]) for _ in range(5)]
    data = item_form_data(
        title="Renamed", version=item.version, actions=[existing_row(a) for a in actions]
    )
    signed_in.get(edit_url(item))  # warm the session
    with django_assert_max_num_queries(32):  # incl. the audit history rows
        assert signed_in.post(edit_url(item), data).status_code == 302


def test_an_item_is_still_numbered_by_the_tree_after_saving(signed_in, meeting):
    AgendaItemFactory(meeting=meeting, position=1, title="First")
    item = AgendaItemFactory(meeting=meeting, position=2, title="Second")
    signed_in.post(edit_url(item), item_form_data(title="Second, renamed", version=item.version))
    assert AgendaItem.objects.get(pk=item.pk).number == "2"


def test_save_and_add_another_action_comes_back_to_the_form(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    data = item_form_data(
        title=item.title,
        version=item.version,
        actions=[{"description": "First action", "owners": [offices["CC"]]}],
    )
    data["add_another"] = "1"
    response = signed_in.post(edit_url(item), data, follow=True)
    assert response.redirect_chain[-1][0] == edit_url(item)
    body = response.content.decode()
    assert "First action</textarea>" in body
    assert 'name="actions-1-description"' in body  # a blank row for the next one


def test_a_parent_that_is_not_an_item_id_is_not_found(signed_in, meeting):
    assert (
        signed_in.get(reverse("meetings:item_create", args=[meeting.pk]) + "?parent=x").status_code
        == 404
    )


# --- Several actions in one save ---------------------------------------------------------------


def test_four_actions_are_saved_in_one_post_each_with_its_reference(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting, title="Response times")
    rows = [{"description": f"Action number {n}.", "owners": [offices["CC"]]} for n in range(1, 5)]
    data = item_form_data(title=item.title, version=item.version, actions=[*rows, {}, {}])
    response = signed_in.post(edit_url(item), data)
    assert response.status_code == 302
    saved = Action.objects.order_by("reference")
    assert [(a.reference, a.description) for a in saved] == [
        ("2022-11-01", "Action number 1."),
        ("2022-11-02", "Action number 2."),
        ("2022-11-03", "Action number 3."),
        ("2022-11-04", "Action number 4."),
    ]
    assert all(a.origin_item == item for a in saved)


def test_a_new_item_with_three_actions_is_one_post(signed_in, meeting, offices):
    rows = [{"description": f"Do {n}.", "owners": [offices["PCC"]]} for n in "abc"]
    assert (
        signed_in.post(create_url(meeting), item_form_data(title="IOM", actions=rows)).status_code
        == 302
    )
    assert Action.objects.filter(origin_item=meeting.items.get()).count() == 3


def test_the_form_offers_three_blank_action_rows_and_a_template_row(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    ActionFactory(origin_item=item, owners=[offices["CC"]])
    body = signed_in.get(edit_url(item)).content.decode()
    # The existing action, then three blank rows: up to three new actions without JavaScript.
    assert 'name="actions-TOTAL_FORMS" value="4"' in body
    assert 'name="actions-3-description"' in body
    assert 'name="actions-4-description"' not in body
    assert 'name="actions-MAX_NUM_FORMS" value="31"' in body
    # The rows JavaScript may hide are the blank ones after the first; it copies the template.
    assert body.count("data-spare-row") == 2
    assert '<template id="action-empty-row">' in body
    assert 'name="actions-__prefix__-description"' in body
    assert "New action 1" in body and "New action 3" in body
    assert "data-action-add hidden" in body  # shown by item_form.js only
    assert "js/item_form.js" in body


def test_blank_rows_among_filled_ones_are_ignored(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    rows = [{}, {"description": "Share the data.", "owners": [offices["CC"]]}, {}]
    response = signed_in.post(
        edit_url(item), item_form_data(title=item.title, version=item.version, actions=rows)
    )
    assert response.status_code == 302
    assert [a.description for a in Action.objects.all()] == ["Share the data."]


def test_one_invalid_row_among_three_keeps_everything_typed_and_saves_nothing(
    signed_in, meeting, offices
):
    item = AgendaItemFactory(meeting=meeting)
    rows = [
        {"description": "First, fine.", "owners": [offices["CC"]]},
        {"description": "Second, with no owner.", "owners": []},
        {"description": "Third, fine.", "owners": [offices["PCC"]]},
        {"description": "", "owners": [offices["DCC"]]},  # an owner ticked, nothing described
    ]
    response = signed_in.post(
        edit_url(item), item_form_data(title=item.title, version=item.version, actions=rows)
    )
    assert response.status_code == 200
    assert not Action.objects.exists()
    links = error_summary_links(response)
    assert ("id_actions-1-owners", OWNER_REQUIRED_MESSAGE) in links
    assert any(href == "id_actions-3-description" for href, _ in links)
    body = response.content.decode()
    for text in ("First, fine.", "Second, with no owner.", "Third, fine."):
        assert f"{text}</textarea>" in body
    assert typed_value(response, "actions-0-owners") == "CC"
    assert typed_value(response, "actions-2-owners") == "PCC"
    assert typed_value(response, "actions-3-owners") == "DCC"
    assert "data-spare-row" not in body  # every row typed in stays in view


def test_after_saving_the_page_shows_the_actions_and_blank_rows_again(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    rows = [{"description": f"Do {n}.", "owners": [offices["CC"]]} for n in "ab"]
    data = item_form_data(title=item.title, version=item.version, actions=rows)
    data["add_another"] = "1"
    body = signed_in.post(edit_url(item), data, follow=True).content.decode()
    assert "Do a.</textarea>" in body and "Do b.</textarea>" in body
    assert 'name="actions-TOTAL_FORMS" value="5"' in body


def test_more_than_thirty_new_rows_are_refused_with_a_clear_message(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    rows = [{"description": f"Action {n}.", "owners": [offices["CC"]]} for n in range(31)]
    response = signed_in.post(
        edit_url(item), item_form_data(title=item.title, version=item.version, actions=rows)
    )
    # No page sends that many rows (its script stops at 30): a short refusal, nothing drawn.
    assert response.status_code == 400
    assert "Add at most 30 new actions at a time" in page_text(response)
    assert not Action.objects.exists()


def test_thirty_new_actions_are_one_save(signed_in, meeting, offices):
    item = AgendaItemFactory(meeting=meeting)
    rows = [{"description": f"Action {n}.", "owners": [offices["CC"]]} for n in range(30)]
    response = signed_in.post(
        edit_url(item), item_form_data(title=item.title, version=item.version, actions=rows)
    )
    assert response.status_code == 302
    assert Action.objects.count() == 30
