"""Audit history: every change to meetings, attendance, agenda items and actions is recorded with
who made it, and OPCC staff read it on the meeting and action pages and in the admin."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from actions.audit import change_history_for_action
from actions.models import Action, ActionOwner
from meetings.audit import change_history_for_meeting
from meetings.models import AgendaItem, Attendance, Meeting, Organisation
from tests import factories
from tests.pages import page_text
from tests.test_item_form import existing_row, item_form_data
from tests.test_meeting_form import edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices():
    return {
        "CC": factories.OfficeFactory(abbreviation="CC", title="Chief Constable"),
        "DCC": factories.OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable"),
    }


@pytest.fixture
def meeting():
    return factories.MeetingFactory(date=datetime.date(2022, 11, 29), venue="Hindlip HQ")


def latest(history):
    return history.order_by("-history_date", "-history_id").first()


def changed_fields(record):
    return set(record.diff_against(record.prev_record).changed_fields)


# What is recorded


def test_editing_a_meeting_through_the_form_records_the_user_and_the_changed_fields(
    client, officer, meeting
):
    client.force_login(officer)
    url = reverse("meetings:edit", args=[meeting.pk])
    response = client.post(url, edit_data(meeting, [], venue="Police HQ, Worcester"))

    assert response.status_code == 302
    record = latest(Meeting.history.filter(id=meeting.pk))
    assert (record.history_type, record.history_user) == ("~", officer)
    assert changed_fields(record) == {"venue"}
    assert (record.prev_record.venue, record.venue) == ("Hindlip HQ", "Police HQ, Worcester")


def test_attendance_changed_through_the_meeting_form_is_recorded_row_by_row(
    client, officer, meeting
):
    stays = factories.AttendanceFactory(
        meeting=meeting, status=Attendance.Status.PRESENT, position=1
    )
    leaves = factories.AttendanceFactory(meeting=meeting, position=2)
    newcomer = factories.PersonFactory(name="Pippa Mills")
    rows = [
        {"person": stays.person_id, "capacity": stays.capacity, "status": "apologies"},
        {"person": leaves.person_id, "capacity": leaves.capacity, "DELETE": True},
        {"person": newcomer.pk, "capacity": "Chief Constable"},
    ]
    client.force_login(officer)
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), edit_data(meeting, rows))

    assert response.status_code == 302
    changed = latest(Attendance.history.filter(id=stays.pk))
    assert (changed.history_type, changed.history_user) == ("~", officer)
    assert "status" in changed_fields(changed)
    assert (changed.prev_record.status, changed.status) == ("present", "apologies")
    removed = latest(Attendance.history.filter(id=leaves.pk))
    assert (removed.history_type, removed.history_user) == ("-", officer)
    added = Attendance.history.get(person_id=newcomer.pk)
    assert (added.history_type, added.history_user, added.capacity) == (
        "+",
        officer,
        "Chief Constable",
    )


def test_editing_an_item_through_the_item_form_records_its_fields_and_topics(
    client, officer, meeting
):
    item = factories.AgendaItemFactory(meeting=meeting, title="Call handling")
    topic = factories.TopicFactory(name="Victim satisfaction")
    client.force_login(officer)
    url = reverse("meetings:item_edit", args=[meeting.pk, item.pk])
    data = item_form_data(title="Call handling and 101", topics=[topic], version=item.version)
    response = client.post(url, data)

    assert response.status_code == 302
    records = list(AgendaItem.history.filter(id=item.pk, history_user=officer))
    assert records, "the form's save left no history"
    fields = set().union(*(changed_fields(record) for record in records))
    assert {"title", "topics"} <= fields
    assert latest(AgendaItem.history.filter(id=item.pk)).title == "Call handling and 101"
    assert [row.topic for row in latest(AgendaItem.history.filter(id=item.pk)).topics.all()] == [
        topic
    ]


def test_changing_an_actions_owners_through_the_item_form_records_each_owner(
    client, officer, meeting, offices
):
    item = factories.AgendaItemFactory(meeting=meeting)
    action = factories.ActionFactory(origin_item=item, owners=[offices["CC"]])
    client.force_login(officer)
    url = reverse("meetings:item_edit", args=[meeting.pk, item.pk])
    row = existing_row(action, owners=[offices["DCC"]], description="Report on 101 waits.")
    response = client.post(
        url, item_form_data(title=item.title, version=item.version, actions=[row])
    )

    assert response.status_code == 302
    added = ActionOwner.history.get(action_id=action.pk, office_id=offices["DCC"].pk)
    assert (added.history_type, added.history_user) == ("+", officer)
    removed = latest(ActionOwner.history.filter(action_id=action.pk, office_id=offices["CC"].pk))
    assert (removed.history_type, removed.history_user) == ("-", officer)
    record = latest(Action.history.filter(id=action.pk))
    assert record.history_user == officer
    assert "description" in changed_fields(record)


def test_moving_an_item_in_the_agenda_builder_records_the_new_position(client, officer, meeting):
    first = factories.AgendaItemFactory(meeting=meeting, position=1, title="First")
    second = factories.AgendaItemFactory(meeting=meeting, position=2, title="Second")
    client.force_login(officer)
    url = reverse("meetings:item_move", args=[meeting.pk, second.pk])
    client.post(url, {"move": "up"})

    for item, before, after in ((first, 1, 2), (second, 2, 1)):
        record = latest(AgendaItem.history.filter(id=item.pk))
        assert record.history_user == officer
        assert (record.prev_record.position, record.position) == (before, after)


def test_a_deleted_item_stays_in_the_meetings_history(client, officer, meeting):
    item = factories.AgendaItemFactory(meeting=meeting, title="Withdrawn paper")
    client.force_login(officer)
    client.post(reverse("meetings:item_delete", args=[meeting.pk, item.pk]))

    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    change = change_history_for_meeting(meeting).changes[0]
    assert (change.record, change.kind, change.who) == (
        "Agenda item “Withdrawn paper”",
        "Deleted",
        "officer",
    )


# What the history says


def test_the_meeting_history_lists_each_change_newest_first_with_old_and_new_values(
    officer, meeting
):
    chair = factories.PersonFactory(name="John Campion", organisation=Organisation.OPCC)
    meeting.chair = chair
    meeting.status = Meeting.Status.APPROVED
    meeting._history_user = officer
    meeting.save()
    item = factories.AgendaItemFactory(meeting=meeting, title="Response times")

    history = change_history_for_meeting(meeting)

    assert [(c.record, c.kind) for c in history.changes] == [
        ("Agenda item “Response times”", "Created"),
        ("Meeting", "Changed"),
        ("Meeting", "Created"),
    ]
    edit = history.changes[1]
    assert edit.who == "officer"
    shown = {(f.label, f.old, f.new) for f in edit.fields}
    assert ("Status", "Draft", "Approved") in shown
    assert ("Chair", str(meeting.history.earliest().chair), "John Campion") in shown
    assert history.total == 3
    assert item.title in render_to_string(
        "includes/change_history.html", {"change_history": history}
    )


def test_the_history_is_limited_to_the_latest_changes_with_a_count(officer, meeting):
    for number in range(6):
        meeting.venue = f"Room {number}"
        meeting.save()

    history = change_history_for_meeting(meeting, limit=3)

    assert [c.fields[0].new for c in history.changes] == ["Room 5", "Room 4", "Room 3"]
    assert history.changes[-1].fields[0].old == "Room 2"  # compared with a record not shown
    assert (history.total, history.is_truncated) == (7, True)
    html = render_to_string("includes/change_history.html", {"change_history": history})
    assert "Showing the latest 3 of 7 changes" in html


def test_each_records_oldest_change_shown_is_compared_with_its_own_earlier_version(meeting):
    first = factories.AgendaItemFactory(meeting=meeting, title="First 0")
    second = factories.AgendaItemFactory(meeting=meeting, title="Second 0")
    for number in (1, 2, 3):
        for item, name in ((first, "First"), (second, "Second")):
            item.title = f"{name} {number}"
            item.save()

    history = change_history_for_meeting(meeting, limit=4)

    titles = [(f.old, f.new) for c in history.changes for f in c.fields if f.label == "Title"]
    # The two oldest shown are each compared with a version of the same item that is not shown.
    assert titles == [
        ("Second 2", "Second 3"),
        ("First 2", "First 3"),
        ("Second 1", "Second 2"),
        ("First 1", "First 2"),
    ]
    assert history.total == 1 + 2 * 4  # the meeting's creation, and each item's four versions


def test_the_history_escapes_what_users_typed(officer, meeting):
    meeting.venue = '<script>alert("x")</script>'
    meeting.save()
    html = render_to_string(
        "includes/change_history.html", {"change_history": change_history_for_meeting(meeting)}
    )
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def make_history(meeting, offices, size):
    """``size`` changes of every kind: attendance, items with topics, the meeting itself."""
    topic = factories.TopicFactory()
    for number in range(size):
        row = factories.AttendanceFactory(
            meeting=meeting, person=factories.PersonFactory(office=offices["CC"])
        )
        row.status = Attendance.Status.APOLOGIES
        row.save()
        item = factories.AgendaItemFactory(meeting=meeting, lead_office=offices["CC"])
        item.topics.add(topic)
        item.title = f"Renamed {number}"
        item.save()
        meeting.venue = f"Room {number}"
        meeting.save()


def test_the_meeting_history_costs_the_same_queries_for_2_changes_as_for_20(
    offices, django_assert_num_queries, django_assert_max_num_queries
):
    small, large = factories.MeetingFactory(), factories.MeetingFactory()
    make_history(small, offices, 1)
    make_history(large, offices, 10)

    # One query a model and one a many-to-many field; when a model's latest records fill the
    # limit, two more for it: the count and the records before the oldest shown.
    for meeting in (small, large):
        with django_assert_num_queries(5):
            change_history_for_meeting(meeting)
    with django_assert_max_num_queries(5 + 3 * 2):
        change_history_for_meeting(large, 5)


def test_the_action_history_costs_the_same_queries_for_1_change_as_for_10(
    offices, django_assert_num_queries
):
    few, many = (factories.ActionFactory(owners=[offices["CC"]]) for _ in range(2))
    for number in range(10):
        many.description = f"Version {number}"
        many.save()
        ActionOwner.objects.filter(action=many).delete()
        ActionOwner.objects.create(action=many, office=offices["DCC" if number % 2 else "CC"])

    for action in (few, many):
        with django_assert_num_queries(2):
            change_history_for_action(action)


# Who sees it


@pytest.fixture
def approved_action(offices):
    meeting = factories.MeetingFactory(status=Meeting.Status.APPROVED)
    action = factories.ActionFactory(
        origin_item=factories.AgendaItemFactory(meeting=meeting),
        owners=[offices["CC"]],
        description="Old",
    )
    action.description = "Report on 101 waits"
    action._history_user = factories.UserFactory(
        username="editor", first_name="Ed", last_name="Itor"
    )
    action.save()
    return action


def test_officers_see_the_change_history_on_the_action_page(client, officer, approved_action):
    client.force_login(officer)
    text = page_text(client.get(approved_action.get_absolute_url()))

    assert "Change history" in text
    assert "Ed Itor" in text
    assert "Description: Old → changed to Report on 101 waits" in text


@pytest.mark.parametrize("role", ["commissioner", "force_user"])
def test_others_do_not_see_the_change_history_on_the_action_page(
    client, request, role, approved_action
):
    client.force_login(request.getfixturevalue(role))  # force acts for CC, the owner
    response = client.get(approved_action.get_absolute_url())

    assert response.status_code == 200
    assert "Change history" not in page_text(response)
    assert "Ed Itor" not in page_text(response)


def test_the_action_page_costs_the_same_queries_however_long_the_history(
    client, officer, offices, captured_queries, django_assert_num_queries
):
    few, many = (factories.ActionFactory(owners=[offices["CC"]]) for _ in range(2))
    for number in range(10):
        many.description = f"Version {number}"
        many.save()
    client.force_login(officer)
    client.get(few.get_absolute_url())  # warm the session

    with captured_queries() as queries:
        client.get(few.get_absolute_url())
    with django_assert_num_queries(len(queries)):
        client.get(many.get_absolute_url())


def test_officers_see_the_change_history_on_the_meeting_page(client, officer, meeting):
    meeting.venue = "Police HQ, Worcester"
    meeting._history_user = factories.UserFactory(
        username="editor", first_name="Ed", last_name="Itor"
    )
    meeting.save()
    client.force_login(officer)
    text = page_text(client.get(meeting.get_absolute_url()))

    assert "Change history" in text
    assert "Venue: Hindlip HQ → changed to Police HQ, Worcester" in text


@pytest.mark.parametrize("role", ["commissioner", "force_user"])
def test_others_do_not_see_the_change_history_on_the_meeting_page(client, request, role):
    meeting = factories.MeetingFactory(status=Meeting.Status.APPROVED, venue="Hindlip HQ")
    meeting.venue = "Police HQ, Worcester"
    meeting.save()
    client.force_login(request.getfixturevalue(role))
    response = client.get(meeting.get_absolute_url())

    assert response.status_code == 200
    assert "Change history" not in page_text(response)
    assert "changed to Police HQ" not in page_text(response)


# The admin


@pytest.fixture
def admin_client_(client):
    client.force_login(factories.UserFactory(username="admin", is_superuser=True, is_staff=True))
    return client


@pytest.mark.parametrize(
    "make",
    [
        factories.MeetingFactory,
        factories.AttendanceFactory,
        factories.AgendaItemFactory,
        factories.ActionFactory,
    ],
)
def test_the_admin_shows_each_models_history(admin_client_, make):
    obj = make()
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    response = admin_client_.get(url)

    assert response.status_code == 200
    assert "Created" in response.content.decode() or "Added" in response.content.decode()


def test_the_admin_shows_a_historical_version_but_will_not_restore_it(admin_client_, meeting):
    meeting.venue = "Police HQ, Worcester"
    meeting.save()
    first = meeting.history.earliest()
    url = reverse("admin:meetings_meeting_simple_history", args=[meeting.pk, first.history_id])

    assert admin_client_.get(url).status_code == 200
    response = admin_client_.post(url, {"title": meeting.title, "venue": "Hindlip HQ"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.venue == "Police HQ, Worcester"
