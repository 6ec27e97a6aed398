"""Inputs a careless user or an attacker could send: meeting dates outside any real range, line
breaks in one-line fields, stored data the calendars must still carry, and formsets asking for
thousands of rows. None may answer 500, tie up the server, or build a huge page."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from actions.filters import ActionFilterForm
from actions.forms import AddReviewedActionForm
from actions.models import Action
from actions.views import MAX_REVIEW_ROWS, TOO_MANY_REVIEW_ROWS_MESSAGE
from assurance.inputs import ONE_LINE_MESSAGE, OneLineFieldsMixin, is_text_box
from assurance.signin import LoginForm
from meetings.directory_forms import OfficeForm, PersonForm
from meetings.forms import (
    MAX_ATTENDANCE_ROWS,
    TOO_MANY_ATTENDANCE_ROWS_MESSAGE,
    AttendanceForm,
    MeetingForm,
    PersonDirectory,
    SeriesForm,
    meeting_date_range,
)
from meetings.models import AgendaItem, Meeting, Office, Organisation, Person, Series
from meetings.owners import OwnerDirectory
from minutes.item_form import MAX_NEW_ACTION_ROWS, ActionArisingForm, AgendaItemForm
from minutes.views import MeetingFilterForm
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    MeetingFactory,
    OfficeFactory,
    PersonFactory,
    SeriesFactory,
)
from tests.hostile import item_form_data, meeting_edit_data, meeting_form_data
from tests.pages import page_text

pytestmark = pytest.mark.django_db

CREATE_MEETING = reverse("meetings:create")
FEED = reverse("meetings:calendar")
# A refused oversized post shows only the rows it carried: a page far below this.
SMALL_PAGE = 200_000
TOO_MANY = "2000"


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def ics_url(meeting):
    return reverse("meetings:meeting_ics", args=[meeting.pk])


def item_url(meeting, item=None):
    if item is None:
        return reverse("meetings:item_create", args=[meeting.pk])
    return reverse("meetings:item_edit", args=[meeting.pk, item.pk])


def today():
    return timezone.localdate()


# --- Meeting dates -----------------------------------------------------------------------------


def range_message() -> str:
    first, last = meeting_date_range(today())
    return (
        f"Enter a meeting date from 1 January 1990 to {last.day} {last:%B %Y}, "
        "for example 29/11/2022"
    )


def test_the_range_runs_from_1990_to_ten_years_ahead():
    assert meeting_date_range(datetime.date(2025, 3, 18)) == (
        datetime.date(1990, 1, 1),
        datetime.date(2035, 3, 18),
    )
    # 29 February ten years on is in a year without one.
    assert meeting_date_range(datetime.date(2024, 2, 29))[1] == datetime.date(2034, 2, 28)


@pytest.mark.parametrize(
    "date",
    [
        "0001-01-01",
        "9999-12-31",
        "9998-06-01",
        "1989-12-31",
        lambda: (meeting_date_range(today())[1] + datetime.timedelta(days=1)).isoformat(),
    ],
)
def test_a_meeting_dated_outside_the_range_is_refused_with_the_range(officer_client, date):
    date = date() if callable(date) else date
    response = officer_client.post(CREATE_MEETING, meeting_form_data(date=date))
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    # In the error summary and beside the field.
    assert page_text(response).count(range_message()) == 2


@pytest.mark.parametrize("end", ["first", "last"])
def test_a_meeting_dated_at_either_end_of_the_range_is_saved(officer_client, end):
    first, last = meeting_date_range(today())
    date = first if end == "first" else last
    response = officer_client.post(CREATE_MEETING, meeting_form_data(date=date.isoformat()))
    assert response.status_code == 302
    assert Meeting.objects.get().date == date


def test_the_date_box_offers_only_the_range(officer_client):
    first, last = meeting_date_range(today())
    body = officer_client.get(CREATE_MEETING).content.decode()
    assert f'min="{first.isoformat()}"' in body
    assert f'max="{last.isoformat()}"' in body


def test_a_meeting_stored_with_a_date_outside_the_range_keeps_it_when_edited(officer_client):
    meeting = MeetingFactory(date=datetime.date(1985, 6, 4))
    response = officer_client.post(
        reverse("meetings:edit", args=[meeting.pk]), meeting_edit_data(meeting, venue="Room 2")
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.venue) == (datetime.date(1985, 6, 4), "Room 2")


def test_moving_a_meeting_outside_the_range_is_refused(officer_client):
    meeting = MeetingFactory(date=datetime.date(2022, 11, 29))
    response = officer_client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        meeting_edit_data(meeting, date="9999-12-31"),
    )
    assert response.status_code == 200
    assert range_message() in page_text(response)
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2022, 11, 29)


# --- Calendars never fail on what is stored -------------------------------------------------


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


@pytest.fixture
def odd_meetings():
    """Meetings no form accepts now, stored directly (as before the rules, or in the admin)."""
    return [
        MeetingFactory(date=datetime.date(9999, 12, 31), start_time=datetime.time(23, 0)),
        MeetingFactory(date=datetime.date(9999, 12, 31), start_time=None),
        MeetingFactory(date=datetime.date(9998, 6, 1)),
        MeetingFactory(date=datetime.date(1, 1, 1)),
        MeetingFactory(date=datetime.date(1, 1, 1), start_time=None),
    ]


def test_the_feed_answers_with_meetings_dated_9998_to_9999_stored(officer_client, odd_meetings):
    upcoming = MeetingFactory(date=today() + datetime.timedelta(days=7), title="Next meeting")
    calendar = parse(officer_client.get(FEED))
    # The meetings no calendar can show are left out; the real one is there.
    assert [str(event["UID"]) for event in calendar.events] == [f"meeting-{upcoming.pk}@assurance"]


def test_each_stored_meeting_downloads_whatever_its_date(officer_client, odd_meetings):
    for meeting in odd_meetings:
        calendar = parse(officer_client.get(ics_url(meeting)))
        assert calendar.events == []  # a date outside the range is left out, not guessed at


def test_a_title_and_venue_with_line_breaks_are_one_line_in_the_calendars(officer_client):
    meeting = MeetingFactory(
        date=today() + datetime.timedelta(days=7),
        title="Budget\nscrutiny\r\n",
        venue="Room 1\r\nHindlip HQ\u2028Worcester",
        focus="First line\nsecond line",
    )
    for url in (ics_url(meeting), FEED):
        (event,) = parse(officer_client.get(url)).events
        assert str(event["SUMMARY"]) == "Budget scrutiny"
        assert str(event["LOCATION"]) == "Room 1 Hindlip HQ Worcester"
        # The description is text of several lines, which iCalendar carries.
        assert str(event["DESCRIPTION"]).endswith("First line\nsecond line")
    response = officer_client.get(ics_url(meeting))
    assert "Budget scrutiny" in response.content.decode()  # the calendar's own name too


def test_a_series_feed_answers_when_the_series_name_has_a_line_break(officer_client):
    series = SeriesFactory(name="Governance\nBoard")
    MeetingFactory(series=series, date=today() + datetime.timedelta(days=7))
    calendar = parse(officer_client.get(FEED, {"series": series.pk}))
    assert len(calendar.events) == 1


def test_a_meeting_stored_with_version_0_downloads(officer_client):
    meeting = MeetingFactory(date=today() + datetime.timedelta(days=7))
    Meeting.objects.filter(pk=meeting.pk).update(version=0)
    (event,) = parse(officer_client.get(ics_url(meeting))).events
    assert event["SEQUENCE"] == 0


# --- One-line fields refuse line breaks -----------------------------------------------------


def every_form_with_text_boxes():
    """Each form of the product with one-line text boxes, built as its page builds it."""
    directory = PersonDirectory()
    meeting = MeetingFactory()
    return {
        "meeting": lambda data: MeetingForm(data, directory=directory),
        "attendance row": lambda data: AttendanceForm(data, directory=directory),
        "series": lambda data: SeriesForm(data),
        "item": lambda data: AgendaItemForm(data, instance=AgendaItem(meeting=meeting)),
        "action row": lambda data: ActionArisingForm(
            data,
            meeting=meeting,
            owner_directory=OwnerDirectory(),
            later_meetings=[],
            actions={},
        ),
        "person": lambda data: PersonForm(data),
        "office": lambda data: OfficeForm(data),
    }


def test_every_text_box_of_every_form_refuses_a_line_break():
    for name, build in every_form_with_text_boxes().items():
        boxes = [field for field, kind in build(None).fields.items() if is_text_box(kind)]
        assert boxes, name
        form = build(dict.fromkeys(boxes, "first\nsecond"))
        assert not form.is_valid()
        for field in boxes:
            assert ONE_LINE_MESSAGE in form.errors.get(field, []), (name, field)


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\u2028", "\x0b"])
def test_a_meeting_title_with_a_line_break_is_refused(officer_client, line_break):
    response = officer_client.post(
        CREATE_MEETING, meeting_form_data(title=f"Budget{line_break}scrutiny")
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert page_text(response).count(ONE_LINE_MESSAGE) == 2


def test_an_attendance_capacity_with_a_line_break_is_refused(officer_client):
    person = PersonFactory()
    response = officer_client.post(
        CREATE_MEETING,
        meeting_form_data([{"person": person.pk, "capacity": "Chief\nConstable"}]),
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert ONE_LINE_MESSAGE in page_text(response)


def test_several_lines_are_still_taken_where_the_form_has_a_text_area(officer_client):
    response = officer_client.post(
        CREATE_MEETING, meeting_form_data(focus="Rural crime\nBusiness crime")
    )
    assert response.status_code == 302
    assert Meeting.objects.get().focus == "Rural crime\nBusiness crime"


def test_an_item_title_and_an_actions_owners_with_line_breaks_are_refused(officer_client):
    OfficeFactory(abbreviation="CC", title="Chief Constable")
    meeting = MeetingFactory()
    data = item_form_data(
        title="Response\ntimes",
        actions=[{"description": "Share the data.", "owners": "CC\nCC"}],
    )
    response = officer_client.post(item_url(meeting), data)
    assert response.status_code == 200
    assert not AgendaItem.objects.exists() and not Action.objects.exists()
    assert page_text(response).count(ONE_LINE_MESSAGE) >= 2


def test_a_series_name_with_a_line_break_is_refused(officer_client):
    data = {
        "name": "Governance\nBoard",
        "reference_code": "GB",
        "minutes_label": "",
        "description": "",
        "active": "on",
        "position": "2",
    }
    response = officer_client.post(reverse("meetings:series_create"), data)
    assert response.status_code == 200
    assert not Series.objects.filter(reference_code="GB").exists()
    assert ONE_LINE_MESSAGE in page_text(response)


def test_a_person_and_an_office_with_line_breaks_are_refused(officer_client):
    person = {
        "name": "Richard\nJones",
        "initials": "RJ",
        "rank": "ACC",
        "organisation": Organisation.FORCE,
        "email": "",
        "active": "on",
        "office": "",
        "since": "",
    }
    response = officer_client.post(reverse("meetings:directory_person_create"), person)
    assert response.status_code == 200
    assert not Person.objects.filter(initials="RJ").exists()
    assert ONE_LINE_MESSAGE in page_text(response)
    office = {"title": "Chief Constable", "abbreviation": "C\nC", "organisation": "force"}
    response = officer_client.post(reverse("meetings:directory_office_create"), office)
    assert response.status_code == 200
    assert not Office.objects.filter(title="Chief Constable").exists()
    assert ONE_LINE_MESSAGE in page_text(response)


# --- Formsets take a bounded number of rows --------------------------------------------------


def test_the_attendance_takes_at_most_60_rows(officer_client):
    assert MAX_ATTENDANCE_ROWS == 60
    person = PersonFactory()
    # One row filled in, the rest left blank as the page sends them.
    data = meeting_form_data([{"person": person.pk}] + [{}] * 59)
    assert officer_client.post(CREATE_MEETING, data).status_code == 302
    assert Meeting.objects.get().attendances.count() == 1
    data = meeting_form_data([{"person": person.pk}] + [{}] * 60)
    response = officer_client.post(CREATE_MEETING, data)
    refused_for_too_many_rows(response, TOO_MANY_ATTENDANCE_ROWS_MESSAGE)
    assert Meeting.objects.count() == 1


def refused_for_too_many_rows(response, message):
    """The short page a request for too many rows gets: no rows drawn again, nothing saved."""
    assert response.status_code == 400
    assert len(response.content) < SMALL_PAGE
    assert message in page_text(response)
    assert "Nothing was saved" in page_text(response)


def test_2000_attendance_rows_are_refused_quickly(officer_client, django_assert_max_num_queries):
    PersonFactory.create_batch(30)
    data = meeting_form_data(
        [{"new_name": "Ann Example", "new_organisation": "opcc", "capacity": "Treasurer"}],
        title="Budget scrutiny",
    )
    data["attendance-TOTAL_FORMS"] = TOO_MANY
    with django_assert_max_num_queries(25):
        response = officer_client.post(CREATE_MEETING, data)
    refused_for_too_many_rows(response, TOO_MANY_ATTENDANCE_ROWS_MESSAGE)
    assert not Meeting.objects.exists() and not Person.objects.filter(name="Ann Example").exists()
    # The same form with its real row count is saved.
    data["attendance-TOTAL_FORMS"] = "1"
    assert officer_client.post(CREATE_MEETING, data).status_code == 302


def test_2000_attendance_rows_on_the_edit_form_are_refused_quickly(
    officer_client, django_assert_max_num_queries
):
    meeting = MeetingFactory()
    data = meeting_edit_data(meeting, venue="Room 2")
    data["attendance-TOTAL_FORMS"] = TOO_MANY
    with django_assert_max_num_queries(25):
        response = officer_client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    refused_for_too_many_rows(response, TOO_MANY_ATTENDANCE_ROWS_MESSAGE)
    meeting.refresh_from_db()
    assert meeting.venue == "Hindlip HQ"


def test_sixty_posted_rows_under_a_huge_count_are_not_drawn_again(officer_client):
    """The costly case: as many real rows as the field limit lets through, under a count past
    the limit. Drawing them again took most of a second each; the short page draws none."""
    rows = [{"new_name": f"Person {n}", "new_organisation": "opcc"} for n in range(60)]
    data = meeting_form_data(rows, title="Budget scrutiny")
    data["attendance-TOTAL_FORMS"] = TOO_MANY
    response = officer_client.post(CREATE_MEETING, data)
    refused_for_too_many_rows(response, TOO_MANY_ATTENDANCE_ROWS_MESSAGE)
    assert "Person 59" not in response.content.decode()


@pytest.mark.parametrize("existing_item", [False, True])
def test_2000_action_rows_are_refused_quickly(
    officer_client, django_assert_max_num_queries, existing_item
):
    OfficeFactory(abbreviation="CC", title="Chief Constable")
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting) if existing_item else None
    data = item_form_data(
        title="Response times",
        version=item.version if item else None,
        actions=[{"description": "Share the call data.", "owners": "CC"}],
    )
    data["actions-TOTAL_FORMS"] = TOO_MANY
    with django_assert_max_num_queries(40):
        response = officer_client.post(item_url(meeting, item), data)
    refused_for_too_many_rows(response, f"Add at most {MAX_NEW_ACTION_ROWS} new actions at a time")
    assert not Action.objects.exists()
    assert AgendaItem.objects.count() == (1 if existing_item else 0)


def test_a_post_with_more_fields_than_the_limit_is_refused_not_failed(officer_client):
    data = meeting_form_data()
    data |= {f"junk-{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}
    response = officer_client.post(CREATE_MEETING, data)
    assert response.status_code == 400
    assert not Meeting.objects.exists()


# --- The remaining one-line boxes, and the outstanding matters' rows --------------------------


@pytest.mark.parametrize(
    "form_class", [LoginForm, AddReviewedActionForm, MeetingFilterForm, ActionFilterForm]
)
def test_the_sign_in_search_filter_and_add_by_reference_boxes_are_one_line(form_class):
    assert issubclass(form_class, OneLineFieldsMixin)


def test_a_search_with_a_line_break_is_refused_with_the_one_line_message(officer_client):
    response = officer_client.get(reverse("actions:log"), {"q": "101\ncalls"})
    assert response.status_code == 200
    assert ONE_LINE_MESSAGE in page_text(response)


def test_the_outstanding_matters_refuse_a_request_listing_hundreds_of_actions(officer_client):
    earlier = MeetingFactory(date=datetime.date(2022, 10, 25), status=Meeting.Status.APPROVED)
    meeting = MeetingFactory(
        series=earlier.series, date=datetime.date(2022, 11, 29), status=Meeting.Status.DRAFT
    )
    carried = ActionFactory(origin_meeting=earlier, origin_item=None)
    rows = [str(carried.pk)] + [str(10_000 + n) for n in range(MAX_REVIEW_ROWS)]

    response = officer_client.post(
        reverse("actions:outstanding", args=[meeting.pk]),
        {"rows": rows, f"action-{carried.pk}-note": "Done.", f"action-{carried.pk}-kept": "on"},
    )

    assert response.status_code == 200
    assert TOO_MANY_REVIEW_ROWS_MESSAGE in page_text(response)
    assert len(response.content) < 200_000
    assert not carried.updates.exists()


def test_ids_of_thousands_of_digits_are_refused_not_failed(officer_client):
    """int() refuses more than 4,300 digits: such an id posted to the item form, the
    outstanding matters or a directory search must be refused, not answer 500."""
    meeting = MeetingFactory()
    huge = "9" * 5000
    data = item_form_data(title="Response times", topics=[], areas=[])
    data["topics"] = [huge]
    assert officer_client.post(item_url(meeting), data).status_code == 200
    response = officer_client.post(
        reverse("actions:outstanding", args=[meeting.pk]), {"rows": [huge]}
    )
    assert response.status_code == 302  # the junk id ignored, the rest saved
    for name in ("meetings:directory_people", "meetings:directory_offices"):
        assert officer_client.get(reverse(name), {"q": "Jones\0"}).status_code == 200
