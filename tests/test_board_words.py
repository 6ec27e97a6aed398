"""The board's own words: a meeting's end time, attendance "not recorded", and an item's own
reference shown instead of or beside its number as the series says."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.models import ApprovedMinutes, Attendance, Meeting, ReferenceStyle
from minutes.publishing import meeting_approve
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    PersonFactory,
    SeriesFactory,
)
from tests.hostile import item_form_data, meeting_edit_data, meeting_form_data
from tests.pages import page_text

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
REFERENCE = "Ref 03/18/01/2022"


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def minutes_time(client, meeting) -> str:
    """What the minutes' header gives as the time of the meeting."""
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    return re.search(r"<dt>Time</dt>\s*<dd>(.*?)</dd>", body, flags=re.S).group(1)


def attendance_row(client, meeting, name) -> str:
    """The capacity cell of ``name``'s row in the minutes' attendance, as read."""
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    cell = re.search(rf'<th scope="row">{name}</th>\s*<td>(.*?)</td>', body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell.group(1))).strip()


def headings(client, meeting) -> list[str]:
    """The agenda items' headings of the minutes, as read: number, reference, title."""
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    found = re.findall(r'<h\d class="agenda-item-title"[^>]*>(.*?)</h\d>', body, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip() for text in found]


# --- The meeting's end time ---------------------------------------------------------------


def test_the_meeting_form_saves_the_end_time_and_the_minutes_show_it(officer_client):
    response = officer_client.post(
        reverse("meetings:create"),
        meeting_form_data(title="HTA", start_time="14:00", end_time="16:00"),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="HTA")
    assert meeting.end_time == datetime.time(16, 0)
    assert minutes_time(officer_client, meeting) == "14:00 to 16:00"


def test_an_end_time_before_the_start_is_refused_keeping_what_was_typed(officer_client):
    meeting = MeetingFactory(start_time=datetime.time(14, 0))
    response = officer_client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        meeting_edit_data(meeting, venue="Worcester", end_time="13:30"),
    )
    assert response.status_code == 200
    text = page_text(response)
    message = "The end time must be after the start time (14:00)"
    assert text.startswith("Error: ")
    assert "There is a problem" in text
    assert text.count(message) == 2  # in the summary and beside the field
    body = response.content.decode()
    assert 'value="13:30"' in body and 'value="Worcester"' in body
    meeting.refresh_from_db()
    assert meeting.end_time is None and meeting.venue == "Hindlip HQ"


def test_an_end_time_equal_to_the_start_is_refused(officer_client):
    response = officer_client.post(
        reverse("meetings:create"), meeting_form_data(start_time="14:00", end_time="14:00")
    )
    assert "The end time must be after the start time" in page_text(response)
    assert not Meeting.objects.exists()


def test_an_end_time_needs_a_start_time(officer_client):
    response = officer_client.post(
        reverse("meetings:create"), meeting_form_data(start_time="", end_time="16:00")
    )
    assert "Enter the start time as well as the end time" in page_text(response)
    assert not Meeting.objects.exists()


def test_without_an_end_time_the_minutes_show_the_start_only(officer_client):
    meeting = MeetingFactory(start_time=datetime.time(14, 0))
    assert minutes_time(officer_client, meeting) == "14:00"


def test_the_calendar_event_ends_at_the_end_time(officer_client):
    meeting = MeetingFactory(
        date=datetime.date(2023, 7, 18),
        start_time=datetime.time(10, 30),
        end_time=datetime.time(12, 15),
    )
    response = officer_client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    (event,) = Calendar.from_ical(response.content).events
    assert event.start == datetime.datetime(2023, 7, 18, 10, 30, tzinfo=LONDON)
    assert event.end == datetime.datetime(2023, 7, 18, 12, 15, tzinfo=LONDON)


# --- Attendance not recorded ----------------------------------------------------------------


def test_attendance_not_recorded_is_saved_and_the_minutes_say_so(officer_client):
    person = PersonFactory(name="Ann Example")
    response = officer_client.post(
        reverse("meetings:create"),
        meeting_form_data(
            [{"person": person.pk, "status": "not_recorded"}], title="HTA", start_time="14:00"
        ),
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="HTA")
    (row,) = meeting.attendances.all()
    assert row.status == Attendance.Status.NOT_RECORDED
    assert attendance_row(officer_client, meeting, "Ann Example") == (
        f"{row.capacity} Attendance not recorded"
    )


def test_the_meeting_form_offers_not_recorded(officer_client):
    response = officer_client.get(reverse("meetings:create"))
    assert '<option value="not_recorded">Attendance not recorded</option>' in (
        response.content.decode()
    )


def test_minutes_whose_attendance_is_all_not_recorded_can_be_approved(officer):
    meeting = MeetingFactory(date=datetime.date(2022, 11, 29))
    AttendanceFactory(meeting=meeting, status=Attendance.Status.NOT_RECORDED)
    AttendanceFactory(meeting=meeting, status=Attendance.Status.NOT_RECORDED)
    AgendaItemFactory(meeting=meeting)
    meeting_approve(meeting=meeting, user=officer)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
    rows = meeting.record.content["attendees"]
    assert [row["status_label"] for row in rows] == ["Attendance not recorded"] * 2


# --- The board's own reference --------------------------------------------------------------


def test_the_item_form_saves_the_boards_own_reference(officer_client):
    meeting = MeetingFactory()
    response = officer_client.get(reverse("meetings:item_create", args=[meeting.pk]))
    text = page_text(response)
    assert "Board's own reference (optional)" in text
    response = officer_client.post(
        reverse("meetings:item_create", args=[meeting.pk]),
        item_form_data(title="Response times", printed_number=REFERENCE),
    )
    assert response.status_code == 302
    assert meeting.items.get().printed_number == REFERENCE


def test_a_reference_too_long_is_refused_keeping_what_was_typed(officer_client):
    meeting = MeetingFactory()
    typed = "Ref 03/18/01/2022/extra"
    response = officer_client.post(
        reverse("meetings:item_create", args=[meeting.pk]),
        item_form_data(title="Response times", printed_number=typed),
    )
    assert response.status_code == 200
    text = page_text(response)
    assert text.count("The board's own reference must be 20 characters or fewer") == 2
    assert f'value="{typed}"' in response.content.decode()
    assert not meeting.items.exists()


@pytest.fixture
def agenda():
    """Two items of one meeting, the second nested with the board's own reference."""

    def build(style):
        meeting = MeetingFactory(series=SeriesFactory(reference_style=style))
        parent = AgendaItemFactory(meeting=meeting, title="Performance", position=1)
        AgendaItemFactory(
            meeting=meeting,
            parent=parent,
            title="Response times",
            position=1,
            printed_number=REFERENCE,
        )
        return meeting

    return build


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (ReferenceStyle.DERIVED, ["1 Performance", "1.1 Response times"]),
        (ReferenceStyle.OWN, ["1 Performance", f"{REFERENCE} Response times"]),
        (ReferenceStyle.BOTH, ["1 Performance", f"1.1 {REFERENCE} Response times"]),
    ],
)
def test_the_minutes_number_items_as_the_series_says(officer_client, agenda, style, expected):
    assert headings(officer_client, agenda(style)) == expected


def test_the_series_form_sets_the_reference_style(officer_client):
    series = SeriesFactory(name="Police Accountability Board", reference_code="PAB")
    form = officer_client.get(reverse("meetings:series_edit", args=[series.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["active"] = "on"
    data["reference_style"] = ReferenceStyle.BOTH
    response = officer_client.post(reverse("meetings:series_edit", args=[series.pk]), data)
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.reference_style == ReferenceStyle.BOTH


def test_minutes_stored_before_these_fields_still_render(officer_client, officer):
    meeting = MeetingFactory(
        date=datetime.date(2022, 11, 29),
        series=SeriesFactory(reference_style=ReferenceStyle.BOTH),
        end_time=datetime.time(16, 0),
    )
    AttendanceFactory(meeting=meeting, person__name="Ann Example", capacity="Chief Constable")
    AgendaItemFactory(meeting=meeting, title="Response times", printed_number=REFERENCE)
    meeting_approve(meeting=meeting, user=officer)
    # As records were stored before: no end time, board reference or "not recorded" keys.
    record = ApprovedMinutes.objects.get(meeting=meeting)
    content = record.content
    del content["meeting"]["end_time"]
    for item in content["items"]:
        del item["board_reference"], item["reference_beside"]
    for row in content["attendees"]:
        del row["not_recorded"]
    record.content = content
    record.save()

    assert minutes_time(officer_client, meeting) == "14:00"
    assert attendance_row(officer_client, meeting, "Ann Example") == "Chief Constable"
    assert headings(officer_client, meeting) == ["1 Response times"]
