"""The meeting form with its attendance rows: creating, editing, validation, stale edits."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from meetings.forms import capacity_for
from meetings.models import Attendance, Meeting, Organisation, Person
from tests.factories import (
    AttendanceFactory,
    MeetingFactory,
    OfficeFactory,
    PersonFactory,
    SeriesFactory,
    default_series,
)
from tests.hostile import loaded_meeting_fields
from tests.pages import page_text

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("meetings:create")

ROW_DEFAULTS = {"person": "", "new_name": "", "new_organisation": "", "capacity": "", "status": ""}


def form_data(rows=(), *, initial_rows=0, **fields):
    """The POST data of the meeting form: its fields and the attendance rows in order."""
    data = {
        "series": default_series().pk,
        "title": "",
        "date": "2022-11-29",
        "start_time": "14:00",
        "venue": "Hindlip HQ",
        "chair": "",
        "minute_taker": "",
        "minute_taker_capacity": "",
        "focus": "",
        "version": "",
        "attendance-TOTAL_FORMS": str(len(rows)),
        "attendance-INITIAL_FORMS": str(initial_rows),
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
    }
    data.update({key: str(value) for key, value in fields.items()})
    for index, row in enumerate(rows):
        row = {**ROW_DEFAULTS, "status": "present", **row}
        if row.pop("DELETE", False):
            data[f"attendance-{index}-DELETE"] = "on"
        for key, value in row.items():
            data[f"attendance-{index}-{key}"] = str(value)
    return data


def edit_data(meeting, rows, **fields):
    """The edit form as it was loaded for the meeting, with ``fields`` changed."""
    loaded = loaded_meeting_fields(meeting)
    return form_data(rows, initial_rows=meeting.attendances.count(), **(loaded | fields))


def attendance_of(meeting):
    return [
        (row.person.name, row.capacity, row.status, row.position)
        for row in Attendance.objects.filter(meeting=meeting).select_related("person")
    ]


@pytest.fixture
def cc():
    office = OfficeFactory(abbreviation="CC", title="Chief Constable")
    return PersonFactory(name="Pippa Mills", office=office)


@pytest.fixture
def pcc():
    office = OfficeFactory(
        abbreviation="PCC", title="Police and Crime Commissioner", organisation=Organisation.OPCC
    )
    return PersonFactory(name="John Campion", office=office, organisation=Organisation.OPCC)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


# Creating


def test_an_officer_creates_a_meeting_with_its_attendance_in_the_order_entered(
    officer_client, cc, pcc
):
    rows = [
        {"person": pcc.pk},
        {"person": cc.pk, "capacity": "Chief Constable, West Mercia", "status": "part"},
        {"person": ""},  # a blank extra row is ignored
    ]
    response = officer_client.post(CREATE_URL, form_data(rows, title="HTA", chair=pcc.pk))

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert (meeting.title, meeting.date, meeting.chair) == ("HTA", datetime.date(2022, 11, 29), pcc)
    assert meeting.status == Meeting.Status.DRAFT
    assert attendance_of(meeting) == [
        ("John Campion", "Police and Crime Commissioner (PCC)", "present", 1),
        ("Pippa Mills", "Chief Constable, West Mercia", "part", 2),
    ]


def test_a_blank_title_is_made_from_the_series_and_the_date(officer_client):
    officer_client.post(CREATE_URL, form_data(date="2022-11-29", title=" "))
    assert Meeting.objects.get().title == "Monthly Assurance Meeting, 29 November 2022"


def test_the_default_title_follows_the_series_of_the_meeting(officer_client):
    series = SeriesFactory(name="Governance Board")
    officer_client.post(CREATE_URL, form_data(series=series.pk, date="2023-02-01"))
    meeting = Meeting.objects.get()
    assert (meeting.series, meeting.title) == (series, "Governance Board, 1 February 2023")


def test_a_typed_title_is_kept(officer_client):
    officer_client.post(CREATE_URL, form_data(title="Thematic Assurance Meeting – VAWG"))
    assert Meeting.objects.get().title == "Thematic Assurance Meeting – VAWG"


def test_a_blank_capacity_is_filled_from_the_persons_office(officer_client, cc):
    officer_client.post(CREATE_URL, form_data([{"person": cc.pk, "capacity": ""}]))
    assert Attendance.objects.get().capacity == "Chief Constable (CC)"
    assert capacity_for(cc) == "Chief Constable (CC)"


def test_the_person_lists_carry_each_persons_capacity_for_the_script(officer_client, cc):
    response = officer_client.get(CREATE_URL)
    assert f'value="{cc.pk}" data-capacity="Chief Constable (CC)"' in response.content.decode()


def test_active_people_are_listed_before_people_no_longer_active(officer_client):
    PersonFactory(name="Anthony Bangham", active=False, office=None)
    PersonFactory(name="Zoe Active", office=None)
    text = page_text(officer_client.get(CREATE_URL))
    assert text.index("Zoe Active") < text.index("Anthony Bangham – no longer active")


def test_someone_new_is_added_to_the_directory_from_an_attendance_row(officer_client, cc):
    rows = [
        {"person": cc.pk},
        {"new_name": "Jo Bloggs", "new_organisation": "partner", "capacity": "Victim Support"},
    ]
    response = officer_client.post(CREATE_URL, form_data(rows))

    assert response.status_code == 302
    new_person = Person.objects.get(name="Jo Bloggs")
    assert new_person.organisation == Organisation.PARTNER
    assert new_person.active
    assert attendance_of(Meeting.objects.get())[1] == ("Jo Bloggs", "Victim Support", "present", 2)


def test_someone_new_needs_an_organisation(officer_client):
    response = officer_client.post(CREATE_URL, form_data([{"new_name": "Jo Bloggs"}]))
    assert "Choose the organisation Jo Bloggs is from" in page_text(response)
    assert not Person.objects.filter(name="Jo Bloggs").exists()


def test_a_new_name_already_in_the_directory_is_refused(officer_client, cc):
    rows = [{"new_name": "pippa mills", "new_organisation": "force"}]
    response = officer_client.post(CREATE_URL, form_data(rows))
    assert "Pippa Mills is already in the directory: choose them from the list" in page_text(
        response
    )
    assert Person.objects.filter(name__iexact="pippa mills").count() == 1


# Validation


def assert_error_summary_links(response, field_id, message):
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert re.search(rf'<a href="#{field_id}">\s*{re.escape(message)}\s*</a>', body)
    assert re.search(r"<title>\s*Error: ", body)


def test_a_row_with_neither_a_person_nor_a_new_name_is_refused(officer_client, cc):
    rows = [{"person": cc.pk}, {"capacity": "Head of Corporate Communications"}]
    response = officer_client.post(CREATE_URL, form_data(rows, venue="Police HQ, Worcester"))

    message = "Choose a person from the list or enter the name of someone new"
    assert_error_summary_links(response, "id_attendance-1-person", message)
    assert page_text(response).count(message) == 2  # in the summary and beside the field
    body = response.content.decode()
    # What was typed is shown again: the other fields, both rows.
    assert 'value="Police HQ, Worcester"' in body
    assert 'value="Head of Corporate Communications"' in body
    assert f'<option value="{cc.pk}" selected' in body
    assert not Meeting.objects.exists()


def test_the_same_person_twice_is_refused_on_the_second_row(officer_client, cc, pcc):
    rows = [{"person": cc.pk}, {"person": pcc.pk}, {"person": cc.pk, "status": "apologies"}]
    response = officer_client.post(CREATE_URL, form_data(rows))

    assert_error_summary_links(response, "id_attendance-2-person", "Pippa Mills is already listed")
    assert 'id="id_attendance-0-person"' in response.content.decode()
    assert page_text(response).count("Pippa Mills is already listed") == 2
    assert not Meeting.objects.exists()


def test_the_same_new_name_twice_is_refused(officer_client):
    row = {"new_name": "Jo Bloggs", "new_organisation": "partner"}
    response = officer_client.post(CREATE_URL, form_data([row, row]))
    assert_error_summary_links(response, "id_attendance-1-new_name", "Jo Bloggs is already listed")
    assert not Person.objects.filter(name="Jo Bloggs").exists()


def test_a_missing_date_is_refused_with_a_message_saying_what_to_do(officer_client):
    response = officer_client.post(CREATE_URL, form_data(date=""))
    assert_error_summary_links(response, "id_date", "Enter the date of the meeting")
    assert not Meeting.objects.exists()


def test_a_date_that_is_not_a_date_is_refused(officer_client):
    response = officer_client.post(CREATE_URL, form_data(date="31/02/2022"))
    assert "Enter the date of the meeting as a real date" in page_text(response)
    assert 'value="31/02/2022"' in response.content.decode()


# Editing


def test_editing_updates_reorders_removes_and_adds_attendance(officer_client, cc, pcc):
    meeting = MeetingFactory()
    kept = AttendanceFactory(meeting=meeting, person=pcc, position=1)
    removed = AttendanceFactory(meeting=meeting, position=2)
    AttendanceFactory(meeting=meeting, person=cc, position=3)
    rows = [
        {"person": cc.pk, "capacity": "Chief Constable (CC)", "status": "apologies"},
        {"person": removed.person_id, "DELETE": True},
        {"person": pcc.pk, "capacity": ""},
        {"new_name": "Jo Bloggs", "new_organisation": "force"},
    ]
    response = officer_client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        edit_data(meeting, rows, venue="Worcester"),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.venue == "Worcester"
    assert meeting.version == 2
    assert attendance_of(meeting) == [
        ("Pippa Mills", "Chief Constable (CC)", "apologies", 1),
        ("John Campion", "Police and Crime Commissioner (PCC)", "present", 2),
        ("Jo Bloggs", "", "present", 3),
    ]
    assert Attendance.objects.get(pk=kept.pk).position == 2  # the same row, moved


def test_saving_the_meeting_keeps_attendance_rows_left_as_they_were(officer_client, cc, pcc):
    meeting = MeetingFactory()
    AttendanceFactory(meeting=meeting, person=pcc, capacity="PCC", position=1)
    AttendanceFactory(meeting=meeting, person=cc, capacity="CC", status="apologies", position=2)
    rows = [
        {"person": pcc.pk, "capacity": "PCC"},
        {"person": cc.pk, "capacity": "CC", "status": "apologies"},
        {},  # a blank extra row
    ]
    response = officer_client.post(
        reverse("meetings:edit", args=[meeting.pk]), edit_data(meeting, rows, venue="Worcester")
    )
    assert response.status_code == 302
    assert attendance_of(meeting) == [
        ("John Campion", "PCC", "present", 1),
        ("Pippa Mills", "CC", "apologies", 2),
    ]


def test_two_people_can_swap_places(officer_client, cc, pcc):
    meeting = MeetingFactory()
    AttendanceFactory(meeting=meeting, person=cc, position=1)
    AttendanceFactory(meeting=meeting, person=pcc, position=2)
    rows = [{"person": pcc.pk}, {"person": cc.pk}]
    officer_client.post(reverse("meetings:edit", args=[meeting.pk]), edit_data(meeting, rows))
    assert [name for name, *_ in attendance_of(meeting)] == ["John Campion", "Pippa Mills"]


def test_the_edit_form_shows_the_meeting_and_its_attendance(officer_client, cc):
    meeting = MeetingFactory(venue="Hindlip Park")
    AttendanceFactory(meeting=meeting, person=cc, capacity="Chief Constable (CC)")
    response = officer_client.get(reverse("meetings:edit", args=[meeting.pk]))
    body = response.content.decode()
    assert 'value="Hindlip Park"' in body
    assert 'name="version" value="1"' in body
    assert 'name="attendance-INITIAL_FORMS" value="1"' in body
    assert f'<option value="{cc.pk}" selected' in body


def test_a_stale_edit_is_refused_and_what_was_typed_is_shown_again(client, officer, cc):
    meeting = MeetingFactory(venue="Hindlip HQ")
    url = reverse("meetings:edit", args=[meeting.pk])
    client.force_login(officer)
    first_load = client.get(url)
    second_load = client.get(url)
    assert first_load.status_code == second_load.status_code == 200

    first = client.post(url, edit_data(meeting, [], venue="First venue"))
    second = client.post(
        url,
        edit_data(
            meeting,  # the version both pages were loaded with
            [{"person": cc.pk, "capacity": "Typed capacity"}],
            venue="Second venue",
        ),
    )

    assert first.status_code == 302
    assert second.status_code == 200
    text = page_text(second)
    assert "Someone else saved a change to this meeting while you were editing it" in text
    assert "There is a problem" in text
    body = second.content.decode()
    assert 'value="Second venue"' in body
    assert 'value="Typed capacity"' in body
    meeting.refresh_from_db()
    assert meeting.venue == "First venue"
    assert not meeting.attendances.exists()


@pytest.mark.parametrize("status", [Meeting.Status.APPROVED, Meeting.Status.PUBLISHED])
def test_approved_or_published_minutes_open_read_only(officer_client, status):
    meeting = MeetingFactory(status=status)
    response = officer_client.get(reverse("meetings:edit", args=[meeting.pk]))
    text = page_text(response)
    assert response.status_code == 200
    assert Meeting.READ_ONLY_MESSAGE in text
    assert 'name="venue"' not in response.content.decode()
    assert f'href="{meeting.get_absolute_url()}"' in response.content.decode()
    assert f'href="{reverse("meetings:reopen", args=[meeting.pk])}"' in response.content.decode()


def test_saving_approved_minutes_is_refused_and_changes_nothing(officer_client, cc):
    meeting = MeetingFactory(status=Meeting.Status.APPROVED, venue="Hindlip HQ")
    response = officer_client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        edit_data(meeting, [{"person": cc.pk}], venue="Changed"),
    )
    assert response.status_code == 409
    assert "These minutes have been approved, so they are read-only" in page_text(response)
    assert 'value="Changed"' in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.venue, meeting.version) == ("Hindlip HQ", 1)
    assert not meeting.attendances.exists()


# Who may use the form


@pytest.fixture
def form_urls():
    meeting = MeetingFactory()
    return [CREATE_URL, reverse("meetings:edit", args=[meeting.pk])]


def test_officers_may_open_the_meeting_form(officer_client, form_urls):
    for url in form_urls:
        assert officer_client.get(url).status_code == 200


@pytest.mark.parametrize("user", ["commissioner", "force_user", "no_role_user"])
def test_other_roles_may_not_open_or_post_the_meeting_form(client, request, form_urls, user):
    client.force_login(request.getfixturevalue(user))
    for url in form_urls:
        assert client.get(url).status_code == 403
        assert client.post(url, form_data(title="Not allowed")).status_code == 403
    assert not Meeting.objects.filter(title="Not allowed").exists()


def test_anonymous_visitors_are_sent_to_log_in_from_the_meeting_form(client, form_urls):
    for url in form_urls:
        for response in (client.get(url), client.post(url, form_data())):
            assert response.status_code == 302
            assert response.url.startswith(reverse(settings.LOGIN_URL))


def test_editing_a_meeting_that_does_not_exist_is_not_found(officer_client):
    assert officer_client.get(reverse("meetings:edit", args=[999999])).status_code == 404


def test_the_meetings_list_offers_a_new_meeting_to_officers_only(client, officer, commissioner):
    client.force_login(officer)
    assert f'href="{CREATE_URL}"' in client.get(reverse("meetings:list")).content.decode()
    client.force_login(commissioner)
    assert f'href="{CREATE_URL}"' not in client.get(reverse("meetings:list")).content.decode()


# Cost


def test_the_edit_page_costs_the_same_queries_for_2_attendees_as_for_20(
    officer_client, django_assert_num_queries, django_assert_max_num_queries
):
    small, large = MeetingFactory(), MeetingFactory()
    AttendanceFactory.create_batch(2, meeting=small)
    AttendanceFactory.create_batch(20, meeting=large)
    officer_client.get(reverse("meetings:edit", args=[small.pk]))  # warm the session
    # The session, the user, the groups, the meeting, the directory, the attendance, and the
    # series twice (the select, and the names the title script reads).
    with django_assert_max_num_queries(8) as queries:
        assert officer_client.get(reverse("meetings:edit", args=[small.pk])).status_code == 200
    small_count = len(queries)
    with django_assert_num_queries(small_count):
        assert officer_client.get(reverse("meetings:edit", args=[large.pk])).status_code == 200


# Someone new as chair or minute taker


def test_a_new_chair_and_a_new_minute_taker_are_added_in_the_same_save(officer_client, cc):
    rows = [{"person": cc.pk, "capacity": "Chief Constable"}]
    response = officer_client.post(
        CREATE_URL,
        form_data(
            rows,
            title="Extraordinary meeting",
            venue="Worcester",
            new_chair_name="Helen Smith",
            new_chair_organisation="opcc",
            new_chair_initials="HS",
            new_minute_taker_name="Sam Clerk",
            new_minute_taker_organisation="opcc",
            minute_taker_capacity="Governance Officer",
        ),
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    chair, minute_taker = (
        Person.objects.get(name="Helen Smith"),
        Person.objects.get(name="Sam Clerk"),
    )
    assert (chair.organisation, chair.initials, chair.active) == (Organisation.OPCC, "HS", True)
    assert (minute_taker.organisation, minute_taker.initials) == (Organisation.OPCC, "")
    assert (meeting.chair, meeting.minute_taker) == (chair, minute_taker)
    assert (meeting.title, meeting.venue, meeting.minute_taker_capacity) == (
        "Extraordinary meeting",
        "Worcester",
        "Governance Officer",
    )
    assert attendance_of(meeting) == [("Pippa Mills", "Chief Constable", "present", 1)]


def test_a_new_chair_can_be_added_when_editing(officer_client, cc):
    meeting = MeetingFactory(chair=cc)
    response = officer_client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        edit_data(
            meeting, [], chair="", new_chair_name="Helen Smith", new_chair_organisation="force"
        ),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.chair == Person.objects.get(name="Helen Smith")
    assert meeting.version == 2


def test_choosing_a_chair_and_typing_a_new_one_is_refused_keeping_what_was_typed(
    officer_client, cc
):
    rows = [{"capacity": "Typed capacity", "new_name": "Jo Bloggs", "new_organisation": "partner"}]
    response = officer_client.post(
        CREATE_URL,
        form_data(
            rows,
            venue="Police HQ, Worcester",
            chair=cc.pk,
            new_chair_name="Helen Smith",
            new_chair_organisation="opcc",
        ),
    )

    message = "You chose Pippa Mills from the list and entered a new name: keep only one"
    assert_error_summary_links(response, "id_new_chair_name", message)
    assert page_text(response).count(message) == 2  # in the summary and beside the field
    body = response.content.decode()
    assert f'<option value="{cc.pk}" selected' in body
    assert 'value="Helen Smith"' in body
    assert 'value="Police HQ, Worcester"' in body
    assert 'value="Typed capacity"' in body
    assert 'value="Jo Bloggs"' in body
    assert not Meeting.objects.exists()
    assert not Person.objects.filter(name__in=["Helen Smith", "Jo Bloggs"]).exists()


def test_a_new_minute_taker_needs_an_organisation(officer_client):
    response = officer_client.post(CREATE_URL, form_data(new_minute_taker_name="Sam Clerk"))
    assert_error_summary_links(
        response, "id_new_minute_taker_organisation", "Choose the organisation Sam Clerk is from"
    )
    assert not Person.objects.filter(name="Sam Clerk").exists()


def test_a_new_chair_already_in_the_directory_is_refused(officer_client, cc):
    response = officer_client.post(
        CREATE_URL, form_data(new_chair_name="PIPPA MILLS", new_chair_organisation="force")
    )
    assert_error_summary_links(
        response,
        "id_new_chair_name",
        "Pippa Mills is already in the directory: choose them from the list",
    )
    assert Person.objects.filter(name__iexact="pippa mills").count() == 1
    assert not Meeting.objects.exists()


def test_the_same_new_person_as_chair_and_attendee_is_added_once(officer_client):
    rows = [{"new_name": "helen smith", "new_organisation": "opcc", "capacity": "Chair"}]
    response = officer_client.post(
        CREATE_URL,
        form_data(
            rows,
            new_chair_name="Helen Smith",
            new_chair_organisation="opcc",
            new_chair_initials="HS",
            new_minute_taker_name="HELEN SMITH",
            new_minute_taker_organisation="opcc",
        ),
    )

    assert response.status_code == 302
    helen = Person.objects.get(name__iexact="helen smith")  # one person, not three
    assert (helen.name, helen.initials) == ("Helen Smith", "HS")  # as the chair field gave it
    meeting = Meeting.objects.get()
    assert meeting.chair == meeting.minute_taker == helen
    assert attendance_of(meeting) == [("Helen Smith", "Chair", "present", 1)]


def test_the_same_new_person_given_different_organisations_is_refused(officer_client):
    rows = [{"new_name": "Helen Smith", "new_organisation": "force"}]
    response = officer_client.post(
        CREATE_URL,
        form_data(rows, new_chair_name="Helen Smith", new_chair_organisation="opcc"),
    )
    assert_error_summary_links(
        response,
        "id_attendance-0-new_organisation",
        "Helen Smith is also named as the chair, from OPCC: choose the same organisation for "
        "both, or correct the name",
    )
    assert not Person.objects.filter(name="Helen Smith").exists()
    assert not Meeting.objects.exists()


def test_the_form_offers_someone_new_beside_the_chair_and_the_minute_taker(officer_client):
    body = officer_client.get(CREATE_URL).content.decode()
    for field, label in (
        ("new_chair_name", "Or a new chair: name"),
        ("new_chair_organisation", "The new chair&#x27;s organisation"),
        ("new_minute_taker_name", "Or a new minute taker: name"),
        ("new_minute_taker_initials", "The new minute taker&#x27;s initials (optional)"),
    ):
        assert re.search(rf'<label\s+for="id_{field}"[^>]*>\s*{re.escape(label)}', body), field
