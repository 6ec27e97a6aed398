"""The meetings list and a meeting's minutes: who sees what, and what it costs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Meeting
from tests import factories
from tests.pages import page_text, render

pytestmark = pytest.mark.django_db


def meeting_with_agenda(date, top_level_items):
    """A meeting whose items each have a child, topics, areas and two actions, plus an
    earlier meeting's action carried forward with an update given at it."""
    meeting = factories.MeetingFactory(date=date, status=Meeting.Status.PUBLISHED)
    factories.AttendanceFactory.create_batch(3, meeting=meeting)
    factories.AgendaItemFactory(
        meeting=meeting, position=0, kind=AgendaItem.Kind.OUTSTANDING_MATTERS
    )
    owners = [
        factories.OfficeFactory(abbreviation="CC"),
        factories.OfficeFactory(abbreviation="DCC"),
    ]
    for position in range(1, top_level_items + 1):
        item = factories.AgendaItemFactory(meeting=meeting, position=position)
        item.topics.add(factories.TopicFactory(slug="call-handling", name="Call handling"))
        item.areas.add(factories.LocalPolicingAreaFactory(slug="shropshire", name="Shropshire"))
        child = factories.AgendaItemFactory(meeting=meeting, parent=item, position=1)
        for origin in (item, child):
            factories.ActionFactory(origin_item=origin, owners=owners)
    earlier = factories.AgendaItemFactory(meeting__date=date - datetime.timedelta(days=60))
    carried = factories.ActionFactory(origin_item=earlier, owners=owners)
    factories.ActionUpdateFactory(action=carried, meeting=meeting)
    factories.AgendaItemFactory(meeting=meeting, position=99, kind=AgendaItem.Kind.NEXT_MEETING)
    factories.MeetingFactory(date=date + datetime.timedelta(days=30))
    return meeting


def test_the_minutes_page_costs_the_same_queries_for_30_items_as_for_60(
    client, officer, django_assert_num_queries, django_assert_max_num_queries
):
    small = meeting_with_agenda(datetime.date(2022, 3, 1), top_level_items=3)
    large = meeting_with_agenda(datetime.date(2023, 3, 1), top_level_items=30)
    larger = meeting_with_agenda(datetime.date(2024, 3, 1), top_level_items=60)
    client.force_login(officer)
    # Warm the session, and store each meeting's approved minutes, which the factory made
    # published without: the first reading stores them.
    for meeting in (small, large, larger):
        client.get(meeting.get_absolute_url())
    with django_assert_max_num_queries(23):  # incl. the OPCC change history
        render(client, small.get_absolute_url())
    # With 30 items the change history fills its limit and looks further back (a count and the
    # records before the oldest shown, for the meeting, its attendance and its items); from then
    # on the cost stays the same.
    with django_assert_max_num_queries(23 + 2 * 3) as queries:
        render(client, large.get_absolute_url())
    with django_assert_num_queries(len(queries)):
        render(client, larger.get_absolute_url())


def test_the_meetings_list_costs_the_same_queries_for_2_meetings_as_for_40(
    client, officer, captured_queries, django_assert_num_queries
):
    client.force_login(officer)
    factories.MeetingFactory.create_batch(2)
    client.get(reverse("meetings:list"))
    with captured_queries() as queries:
        render(client, reverse("meetings:list"))
    few = len(queries)
    factories.MeetingFactory.create_batch(38)
    with django_assert_num_queries(few):
        render(client, reverse("meetings:list"))


def test_the_list_separates_upcoming_from_past_meetings(client, officer):
    today = timezone.localdate()
    factories.MeetingFactory(title="Last month's meeting", date=today - datetime.timedelta(days=30))
    factories.MeetingFactory(title="Next month's meeting", date=today + datetime.timedelta(days=30))
    client.force_login(officer)
    text = page_text(client.get(reverse("meetings:list")))
    assert text.index("Upcoming") < text.index("Next month's meeting")
    assert text.index("Next month's meeting") < text.index("Past") < text.index("Last month's")


def test_the_list_filters_by_series_and_year(client, officer):
    thematic = factories.SeriesFactory(name="Thematic Assurance Meeting")
    factories.MeetingFactory(title="Thematic on VAWG", series=thematic, date="2022-12-19")
    factories.MeetingFactory(title="Monthly in 2022", date="2022-11-29")
    factories.MeetingFactory(title="Thematic in 2018", series=thematic, date="2018-06-26")
    client.force_login(officer)
    filters = {"series": thematic.pk, "year": "2022"}
    text = page_text(client.get(reverse("meetings:list"), filters))
    assert "Thematic on VAWG" in text
    assert "Monthly in 2022" not in text
    assert "Thematic in 2018" not in text


def test_force_users_do_not_see_drafts_in_the_list(client, force_user):
    factories.MeetingFactory(title="Draft minutes", status=Meeting.Status.DRAFT)
    factories.MeetingFactory(title="Approved minutes", status=Meeting.Status.APPROVED)
    client.force_login(force_user)
    text = page_text(client.get(reverse("meetings:list")))
    assert "Approved minutes" in text
    assert "Draft minutes" not in text


def test_a_user_without_a_role_cannot_open_minutes(client, no_role_user):
    meeting = factories.MeetingFactory(status=Meeting.Status.PUBLISHED)
    client.force_login(no_role_user)
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_minutes_text_is_escaped_not_run(client, officer):
    item = factories.AgendaItemFactory(
        minutes='<script>alert("x")</script>\n\n- <b>bold</b> bullet'
    )
    client.force_login(officer)
    body = client.get(item.meeting.get_absolute_url()).content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;" in body
    assert "<li>&lt;b&gt;bold&lt;/b&gt; bullet</li>" in body


def test_the_login_page_explains_what_is_missing(client):
    response = client.post(reverse("login"), {"username": "officer", "password": ""})
    text = page_text(response)
    assert text.startswith("Error: ")
    assert "There is a problem" in text
    assert "Enter your password" in text
    assert 'value="officer"' in response.content.decode()


def test_a_wrong_password_is_refused_with_a_plain_message(client, officer):
    response = client.post(reverse("login"), {"username": "officer", "password": "wrong"})
    assert "Enter a correct username and password" in page_text(response)
    assert "_auth_user_id" not in client.session


def test_a_signed_in_user_can_change_their_password(client, officer):
    client.force_login(officer)
    page = client.get(reverse("password_change"))
    assert "Change your password" in page_text(page)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-new-long-passphrase-2026",
            "new_password2": "a-new-long-passphrase-2026",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a-new-long-passphrase-2026")


def test_a_wrong_old_password_is_explained(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
    )
    text = page_text(response)
    assert text.startswith("Error: ")
    assert "There is a problem" in text
