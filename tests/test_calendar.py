"""The iCalendar downloads: one meeting's .ics and the feed of upcoming meetings. Each file is
parsed back with icalendar, as Outlook would read it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import Meeting
from tests.factories import MeetingFactory, SeriesFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC
FEED = reverse("meetings:calendar")


def ics_url(meeting):
    return reverse("meetings:meeting_ics", args=[meeting.pk])


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def days_from_today(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_the_19_december_2022_meeting_starts_at_14_00_london_time(client, officer):
    call_command("loaddata", "fixtures/reference.yaml", "fixtures/meetings_2022.yaml", verbosity=0)
    meeting = Meeting.objects.get(date=datetime.date(2022, 12, 19))
    client.force_login(officer)
    calendar = parse(client.get(ics_url(meeting)))
    (event,) = calendar.events
    assert event.start == datetime.datetime(2022, 12, 19, 14, 0, tzinfo=LONDON)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.start.astimezone(UTC).hour == 14  # GMT in December
    assert event.end == datetime.datetime(2022, 12, 19, 16, 0, tzinfo=LONDON)
    assert str(event["SUMMARY"]) == "Thematic Assurance Meeting December 2022 – VAWG"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/London"]


def test_a_summer_meeting_at_10_30_is_09_30_utc(client, officer):
    meeting = MeetingFactory(date=datetime.date(2023, 7, 18), start_time=datetime.time(10, 30))
    client.force_login(officer)
    (event,) = parse(client.get(ics_url(meeting))).events
    assert event.start.astimezone(UTC) == datetime.datetime(2023, 7, 18, 9, 30, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    (timezone_component,) = Calendar.from_ical(client.get(ics_url(meeting)).content).timezones
    assert timezone_component.to_tz().utcoffset(datetime.datetime(2023, 7, 18, 10, 30)) == (
        datetime.timedelta(hours=1)
    )


def test_the_event_carries_the_meetings_details_and_a_link_to_its_page(client, officer):
    meeting = MeetingFactory(
        series=SeriesFactory(name="Thematic meeting"),
        title="Thematic meeting on rural crime",
        venue="Hindlip HQ, Worcester",
        focus="Rural and business crime",
        status=Meeting.Status.APPROVED,
    )
    client.force_login(officer)
    response = client.get(ics_url(meeting))
    (event,) = parse(response).events
    assert str(event["UID"]) == f"meeting-{meeting.pk}@assurance"
    assert str(event["SUMMARY"]) == "Thematic meeting on rural crime"
    assert str(event["LOCATION"]) == "Hindlip HQ, Worcester"
    assert str(event["DESCRIPTION"]) == "Thematic meeting\n\nRural and business crime"
    assert str(event["URL"]) == f"http://testserver{meeting.get_absolute_url()}"
    assert event["DTSTAMP"].dt == meeting.updated_at.replace(microsecond=0)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{meeting.date:%Y-%m-%d}-thematic-meeting-on-rural-crime.ics"'
    )


def test_the_uid_is_the_same_in_the_download_and_the_feed(client, officer):
    meeting = MeetingFactory(date=days_from_today(10))
    client.force_login(officer)
    (download,) = parse(client.get(ics_url(meeting))).events
    (in_feed,) = parse(client.get(FEED)).events
    assert str(download["UID"]) == str(in_feed["UID"]) == f"meeting-{meeting.pk}@assurance"


def test_a_meeting_without_a_start_time_is_an_all_day_event(client, officer):
    meeting = MeetingFactory(date=datetime.date(2024, 2, 6), start_time=None)
    client.force_login(officer)
    (event,) = parse(client.get(ics_url(meeting))).events
    assert event.start == datetime.date(2024, 2, 6)
    assert event.end == datetime.date(2024, 2, 7)


def test_the_feed_lists_only_upcoming_meetings_the_user_may_read(client, officer, force_user):
    MeetingFactory(title="Last month", date=days_from_today(-30), status="approved")
    MeetingFactory(title="Today", date=days_from_today(0), status="approved")
    MeetingFactory(title="Next month (approved)", date=days_from_today(30), status="approved")
    MeetingFactory(title="Next month (draft)", date=days_from_today(31), status="draft")

    def summaries(user):
        client.force_login(user)
        response = client.get(FEED)
        assert response["Content-Disposition"] == 'inline; filename="assurance-meetings.ics"'
        return [str(event["SUMMARY"]) for event in parse(response).events]

    assert summaries(officer) == ["Today", "Next month (approved)", "Next month (draft)"]
    assert summaries(force_user) == ["Today", "Next month (approved)"]


def test_the_feed_with_no_upcoming_meetings_is_an_empty_calendar(client, officer):
    MeetingFactory(date=days_from_today(-1))
    client.force_login(officer)
    calendar = parse(client.get(FEED))
    assert calendar.events == []
    assert str(calendar["VERSION"]) == "2.0"


def test_a_force_user_cannot_download_a_draft_meeting(client, force_user):
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    client.force_login(force_user)
    assert client.get(ics_url(draft)).status_code == 404


@pytest.mark.parametrize("user_fixture", ["officer", "commissioner", "force_user"])
def test_every_role_downloads_an_approved_meeting_and_the_feed(client, request, user_fixture):
    meeting = MeetingFactory(status=Meeting.Status.APPROVED, date=days_from_today(7))
    client.force_login(request.getfixturevalue(user_fixture))
    assert len(parse(client.get(ics_url(meeting))).events) == 1
    assert len(parse(client.get(FEED)).events) == 1


def test_a_user_without_a_role_gets_an_empty_feed_and_no_meeting(client, no_role_user):
    meeting = MeetingFactory(status=Meeting.Status.PUBLISHED, date=days_from_today(7))
    client.force_login(no_role_user)
    assert parse(client.get(FEED)).events == []
    assert client.get(ics_url(meeting)).status_code == 404


@pytest.mark.parametrize("url_name", ["feed", "meeting"])
def test_an_anonymous_visitor_is_sent_to_sign_in(client, url_name):
    meeting = MeetingFactory(status=Meeting.Status.PUBLISHED)
    url = FEED if url_name == "feed" else ics_url(meeting)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_feed_costs_the_same_queries_for_2_meetings_as_for_20(
    client, officer, django_assert_max_num_queries
):
    client.force_login(officer)
    for days in range(1, 3):
        MeetingFactory(date=days_from_today(days))
    client.get(FEED)
    with django_assert_max_num_queries(8) as queries:
        assert len(parse(client.get(FEED)).events) == 2
    few = len(queries)
    for days in range(3, 21):
        MeetingFactory(date=days_from_today(days))
    with django_assert_max_num_queries(few):
        assert len(parse(client.get(FEED)).events) == 20
