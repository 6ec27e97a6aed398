"""Owners as the minutes name them: people and offices, read from what the officer types, in
the minutes' order, printed the way each board writes them, and acted for by force users."""

import datetime

import pytest
from django.urls import reverse

from actions import workflow
from actions.models import Action, ActionOwner, ActionUpdate, Status
from assurance import roles
from meetings.directory import NewPerson
from meetings.models import Meeting, Organisation, Person
from meetings.numbering import OwnerStyle
from meetings.owners import OwnerDirectory
from minutes.record import build_minutes, freeze
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    OfficeFactory,
    PersonFactory,
    SeriesFactory,
    UserFactory,
)
from tests.pages import page_text
from tests.test_item_form import (
    edit_url,
    error_summary_links,
    existing_row,
    item_form_data,
    typed_value,
)


@pytest.fixture
def people(db):
    acc = OfficeFactory(abbreviation="ACC", title="Assistant Chief Constable")
    return {
        "RJ": PersonFactory(name="Rosa Jenkins", initials="RJ", rank="ACC", office=acc),
        "DB": PersonFactory(name="Daniel Brook", initials="DB", office=None),
        "AC": PersonFactory(
            name="Amira Cole", initials="AC", organisation=Organisation.OPCC, office=None
        ),
        "CC": OfficeFactory(abbreviation="CC", title="Chief Constable"),
    }


def read(text, new_person=None):
    return OwnerDirectory().read(text, new_person)


# --- Reading what the officer typed ---------------------------------------------------------


def test_owners_are_read_in_the_order_the_minutes_give_them(people):
    result = read("RJ/DB/AC")
    assert result.errors == []
    assert result.owners == [people["RJ"], people["DB"], people["AC"]]
    assert read(" ac , rj ").owners == [people["AC"], people["RJ"]]


def test_rank_and_initials_an_office_and_a_full_name_are_each_read(people):
    assert read("ACC RJ / CC / Daniel Brook").owners == [people["RJ"], people["CC"], people["DB"]]


def test_an_owner_named_twice_is_kept_once(people):
    assert read("RJ / ACC RJ / Rosa Jenkins").owners == [people["RJ"]]


def test_initials_two_people_share_ask_for_the_rank_or_the_name(people):
    PersonFactory(name="Robert Jarvis", initials="RJ", office=None)
    result = read("RJ / DB")
    assert len(result.errors) == 1
    assert result.errors[0].startswith("“RJ” could be ")
    assert "Robert Jarvis" in result.errors[0] and "Rosa Jenkins" in result.errors[0]
    assert "write the rank as well" in result.errors[0]
    # With the rank the reading is certain.
    assert read("ACC RJ / DB").owners == [people["RJ"], people["DB"]]


def test_someone_who_has_left_yields_to_the_active_holder_of_their_initials(people):
    PersonFactory(name="Ruth Jessop", initials="RJ", active=False, office=None)
    assert read("RJ").owners == [people["RJ"]]
    # Alone, someone no longer active is still found: old minutes name them.
    assert read("Ruth Jessop").owners[0].name == "Ruth Jessop"


def test_an_unknown_owner_is_named_in_the_message(people):
    result = read("RJ / XQ")
    assert result.errors == [
        "No office or person in the directory is written “XQ”: check the spelling, or add them "
        "as an owner new to the directory"
    ]


def test_an_office_whose_abbreviation_holds_a_separator_is_read_whole(db):
    roads = OfficeFactory(abbreviation="Roads/Traffic", title="Roads Policing")
    assert read("Roads/Traffic").owners == [roads]


def test_a_new_person_takes_the_place_their_initials_are_written_in(people):
    new = NewPerson("Rhian Hale-Lewis", Organisation.OPCC, "RHL", "Director")
    assert read("RJ / RHL / DB", new).owners == [people["RJ"], new, people["DB"]]
    # Not written: named last.
    assert read("RJ", new).owners == [people["RJ"], new]


def test_owners_are_written_back_so_they_read_the_same(people):
    directory = OwnerDirectory()
    owners = [people["RJ"], people["CC"], people["DB"]]
    assert directory.write(owners, OwnerStyle.INITIALS) == "RJ / CC / DB"
    assert directory.write(owners, OwnerStyle.RANK_INITIALS) == "ACC RJ / CC / DB"
    PersonFactory(name="Robert Jarvis", initials="RJ", office=None)
    directory = OwnerDirectory()
    written = directory.write(owners, OwnerStyle.INITIALS)
    assert written == "ACC RJ / CC / DB"
    assert directory.read(written).owners == owners


# --- The item form --------------------------------------------------------------------------


@pytest.fixture
def meeting(db):
    series = SeriesFactory(name="Governance Board", owner_style=OwnerStyle.INITIALS)
    return MeetingFactory(
        series=series, date=datetime.date(2023, 3, 14), status=Meeting.Status.DRAFT
    )


def owners_post(item, owners, **row):
    data = item_form_data(
        title=item.title, version=item.version, actions=[{"description": "Report back."}]
    )
    data["actions-0-owners"] = owners
    data.update({f"actions-0-{name}": value for name, value in row.items()})
    return data


def test_an_action_is_owned_by_three_people_one_of_whom_did_not_attend(
    client, officer, meeting, people
):
    AttendanceFactory(meeting=meeting, person=people["RJ"])
    AttendanceFactory(meeting=meeting, person=people["AC"])
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(officer)

    response = client.post(edit_url(item), owners_post(item, "RJ/DB/AC"))

    assert response.status_code == 302, error_summary_links(response)
    action = Action.objects.get()
    assert [row.owner for row in action.owners] == [people["RJ"], people["DB"], people["AC"]]
    # The form shows them again as the board writes them.
    assert typed_value(client.get(edit_url(item)), "actions-0-owners") == "RJ / DB / AC"


def test_an_owner_new_to_the_directory_is_added_in_the_same_save(client, officer, meeting, people):
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(officer)
    data = owners_post(
        item,
        "RHL / CC",
        new_owner_name="Rhian Hale-Lewis",
        new_owner_initials="RHL",
        new_owner_rank="Director",
        new_owner_organisation=Organisation.OPCC,
    )
    # The same person typed in as new on a second row is added once.
    data["actions-TOTAL_FORMS"] = "2"
    data.update(
        {
            "actions-1-action_id": "",
            "actions-1-version": "",
            "actions-1-description": "Write to the council.",
            "actions-1-owners": "",
            "actions-1-new_owner_name": "rhian hale-lewis",
            "actions-1-new_owner_organisation": Organisation.OPCC,
        }
    )

    response = client.post(edit_url(item), data)

    assert response.status_code == 302, error_summary_links(response)
    director = Person.objects.get(name="Rhian Hale-Lewis")
    assert (director.initials, director.rank, director.organisation) == (
        "RHL",
        "Director",
        Organisation.OPCC,
    )
    first, second = Action.objects.order_by("reference")
    assert [row.owner for row in first.owners] == [director, people["CC"]]
    assert [row.owner for row in second.owners] == [director]


def test_a_new_owner_without_an_organisation_keeps_what_was_typed(client, officer, meeting, people):
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(officer)
    data = owners_post(
        item, "RJ / RHL", new_owner_name="Rhian Hale-Lewis", new_owner_initials="RHL"
    )

    response = client.post(edit_url(item), data)

    assert response.status_code == 200
    assert (
        "id_actions-0-new_owner_organisation",
        "Choose the organisation Rhian Hale-Lewis is from",
    ) in error_summary_links(response)
    assert typed_value(response, "actions-0-owners") == "RJ / RHL"
    assert typed_value(response, "actions-0-new_owner_name") == "Rhian Hale-Lewis"
    assert '<details class="mb-3 ms-md-3" open>' in response.content.decode()
    assert not Action.objects.exists()
    assert not Person.objects.filter(name="Rhian Hale-Lewis").exists()


def test_an_unknown_owner_is_refused_with_its_name(client, officer, meeting, people):
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(officer)
    response = client.post(edit_url(item), owners_post(item, "RJ / ZZ"))
    assert response.status_code == 200
    assert any("“ZZ”" in message for _href, message in error_summary_links(response))
    assert typed_value(response, "actions-0-owners") == "RJ / ZZ"
    assert not Action.objects.exists()


def test_reordering_owners_is_recorded_and_keeps_their_rows(client, officer, meeting, people):
    item = AgendaItemFactory(meeting=meeting)
    action = ActionFactory(origin_item=item, owners=[people["RJ"], people["CC"]])
    kept = set(ActionOwner.objects.values_list("pk", flat=True))
    client.force_login(officer)
    data = item_form_data(
        title=item.title,
        version=item.version,
        actions=[existing_row(action, owners=[people["CC"], people["RJ"]])],
    )

    response = client.post(edit_url(item), data)

    assert response.status_code == 302, error_summary_links(response)
    assert [row.owner for row in action.owners] == [people["CC"], people["RJ"]]
    assert set(ActionOwner.objects.values_list("pk", flat=True)) == kept
    assert ActionUpdate.objects.get(action=action).note == (
        "Owners changed from ACC RJ / CC to CC / ACC RJ"
    )


# --- The minutes ----------------------------------------------------------------------------


def minutes_owners(meeting):
    minutes = build_minutes(meeting)
    return [
        [(owner["abbreviation"], owner["title"]) for owner in action["owners"]]
        for entry in minutes.items
        for action in entry.item["actions"]
    ]


def test_each_board_writes_its_owners_its_own_way(people):
    initials = SeriesFactory(name="Governance Board", owner_style=OwnerStyle.INITIALS)
    ranks = SeriesFactory(name="Holding to Account", owner_style=OwnerStyle.RANK_INITIALS)
    for series in (initials, ranks):
        item = AgendaItemFactory(meeting__series=series, meeting__status=Meeting.Status.DRAFT)
        ActionFactory(origin_item=item, owners=[people["RJ"], people["CC"]])

    board, force = (Meeting.objects.get(series=series) for series in (initials, ranks))
    rosa = "Rosa Jenkins, Assistant Chief Constable"
    assert minutes_owners(board) == [[("RJ", rosa), ("CC", "Chief Constable")]]
    assert minutes_owners(force) == [[("ACC RJ", rosa), ("CC", "Chief Constable")]]
    # The PDF, which has no hover, lists what each stands for.
    assert ("RJ", rosa) in build_minutes(board).abbreviations


def test_the_minutes_page_shows_the_name_on_hover(client, officer, people, meeting):
    item = AgendaItemFactory(meeting=meeting)
    ActionFactory(origin_item=item, owners=[people["RJ"], people["DB"], people["AC"]])
    client.force_login(officer)
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert '<abbr title="Rosa Jenkins, Assistant Chief Constable">RJ</abbr>' in body
    assert '<abbr title="Daniel Brook">DB</abbr>' in body


def test_approved_minutes_keep_the_owners_as_written_when_the_directory_changes(people, meeting):
    item = AgendaItemFactory(meeting=meeting)
    ActionFactory(origin_item=item, owners=[people["RJ"]])
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.APPROVED)
    meeting.refresh_from_db()
    freeze(meeting)
    Person.objects.filter(pk=people["RJ"].pk).update(initials="RJN", name="Rosa Jenkins-Ng")

    assert minutes_owners(meeting) == [[("RJ", "Rosa Jenkins, Assistant Chief Constable")]]


# --- Acting for a person --------------------------------------------------------------------


def force_user(name):
    return UserFactory(username=name, groups=[roles.FORCE])


def test_force_users_act_for_a_person_as_delegate_own_user_or_through_their_office(people):
    item = AgendaItemFactory(meeting__status=Meeting.Status.APPROVED)
    action = ActionFactory(origin_item=item, owners=[people["RJ"]])
    staff_officer, rosa, acc_office, stranger = (
        force_user(name) for name in ("staff_officer", "rosa", "acc_office", "stranger")
    )
    people["RJ"].delegates.add(staff_officer)
    Person.objects.filter(pk=people["RJ"].pk).update(user=rosa)
    people["RJ"].office.delegates.add(acc_office)

    for user in (staff_officer, rosa, acc_office):
        assert workflow.may_change_status(user=user, action=Action.objects.get(pk=action.pk))
        assert Action.objects.acted_for_by(user).filter(pk=action.pk).exists()
    assert not workflow.may_change_status(user=stranger, action=Action.objects.get(pk=action.pk))
    # Every force user may read it: its owner is of the force.
    assert Action.objects.visible_to(stranger).filter(pk=action.pk).exists()


def test_a_staff_officer_reports_progress_for_their_chief_officer(client, people):
    item = AgendaItemFactory(meeting__status=Meeting.Status.APPROVED)
    action = ActionFactory(origin_item=item, owners=[people["DB"]])
    staff_officer = force_user("staff_officer")
    people["DB"].delegates.add(staff_officer)
    client.force_login(staff_officer)

    response = client.post(
        reverse("actions:transition", args=[action.pk]),
        {"status-transition": "start", "status-expected_status": "open"},
    )

    assert response.status_code == 302
    assert Action.objects.get(pk=action.pk).status == Status.IN_PROGRESS


def test_force_users_do_not_see_an_action_owned_only_by_someone_outside_the_force(client, people):
    item = AgendaItemFactory(meeting__status=Meeting.Status.PUBLISHED)
    hidden = ActionFactory(
        origin_item=item, owners=[people["AC"]], description="OPCC-only commissioning review"
    )
    shown = ActionFactory(origin_item=item, owners=[people["DB"]], description="Force review")
    user = force_user("reader")
    client.force_login(user)

    assert list(Action.objects.visible_to(user)) == [shown]
    for url in (reverse("actions:log"), reverse("home")):
        text = page_text(client.get(url))
        assert "OPCC-only commissioning review" not in text
    assert client.get(reverse("actions:detail", args=[hidden.pk])).status_code == 404


def test_an_owner_is_a_person_or_an_office_never_both_or_neither(people):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    action = ActionFactory(owners=[people["CC"]])
    dcc = OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable")
    for fields in ({}, {"person": people["RJ"], "office": dcc}):
        with pytest.raises(ValidationError):
            ActionOwner(action=action, position=1, **fields).full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            ActionOwner.objects.create(action=action, position=1, **fields)
