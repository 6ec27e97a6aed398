"""The dashboard's next meetings and "due at the next meeting" work within each series: one
board's next meeting is not another's, and an action is due at the next meeting of its own."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from actions.tracking import due_at_next_meeting, horizon_for
from meetings.models import Meeting
from tests.factories import ActionFactory, AgendaItemFactory, MeetingFactory, SeriesFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def two_boards():
    board = SeriesFactory(name="Governance Board")
    earlier_board = MeetingFactory(series=board, date=days_from_today(-30), status="published")
    earlier_hta = MeetingFactory(date=days_from_today(-30), status="published")
    return {
        "board": board,
        # The holding-to-account meeting comes first; the board meets a fortnight later.
        "next_hta": MeetingFactory(
            date=days_from_today(7), status="approved", title="Holding to Account next week"
        ),
        "next_board": MeetingFactory(
            series=board,
            date=days_from_today(21),
            status="approved",
            title="Governance Board in three weeks",
        ),
        # Both due in a fortnight: before the board's next meeting, after the HTA's.
        "hta_action": ActionFactory(
            origin_item=AgendaItemFactory(meeting=earlier_hta), due_date=days_from_today(14)
        ),
        "board_action": ActionFactory(
            origin_item=AgendaItemFactory(meeting=earlier_board), due_date=days_from_today(14)
        ),
    }


def test_each_series_has_its_own_next_meeting_on_the_dashboard(client, officer, two_boards):
    client.force_login(officer)
    response = client.get(reverse("home"))
    horizon = response.context["horizon"]
    assert [m.title for m in horizon.next_meetings] == [
        "Holding to Account next week",
        "Governance Board in three weeks",
    ]
    text = page_text(response)
    assert "Holding to Account next week" in text and "Governance Board in three weeks" in text


def test_an_action_is_due_at_the_next_meeting_of_its_own_series(officer, two_boards):
    horizon = horizon_for(officer)
    due = set(due_at_next_meeting(Action.objects.all(), horizon.next_meetings))
    # The board's action is due before the board next meets; the HTA action is due after the
    # HTA's next meeting, although before the board's.
    assert due == {two_boards["board_action"]}


def test_an_action_due_back_at_its_series_next_meeting_counts(officer, two_boards):
    two_boards["hta_action"].due_date = None
    two_boards["hta_action"].due_meeting = two_boards["next_hta"]
    two_boards["hta_action"].save()
    horizon = horizon_for(officer)
    due = set(due_at_next_meeting(Action.objects.all(), horizon.next_meetings))
    assert due == {two_boards["board_action"], two_boards["hta_action"]}


def test_a_force_user_sees_no_draft_next_meeting(client, force_user, two_boards):
    Meeting.objects.filter(pk=two_boards["next_board"].pk).update(status="draft")
    client.force_login(force_user)
    horizon = client.get(reverse("home")).context["horizon"]
    assert [m.title for m in horizon.next_meetings] == ["Holding to Account next week"]
