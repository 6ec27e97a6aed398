"""Cross-field rules and derived properties of the models."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from actions.models import Action, Status
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db


def test_agenda_items_nest_at_most_three_deep():
    top = AgendaItemFactory()
    second = AgendaItemFactory(meeting=top.meeting, parent=top)
    third = AgendaItemFactory(meeting=top.meeting, parent=second)
    fourth = AgendaItemFactory.build(meeting=top.meeting, parent=third)
    with pytest.raises(ValidationError, match="at most 3 levels deep"):
        fourth.full_clean()


def test_an_item_cannot_be_moved_inside_itself():
    top = AgendaItemFactory()
    child = AgendaItemFactory(meeting=top.meeting, parent=top)
    top.parent = child
    with pytest.raises(ValidationError, match="inside itself"):
        top.full_clean()


def test_an_item_cannot_hang_under_another_meetings_item():
    item = AgendaItemFactory.build(meeting=MeetingFactory(), parent=AgendaItemFactory())
    with pytest.raises(ValidationError, match="same meeting"):
        item.full_clean()


def test_an_action_cannot_be_due_before_its_meeting():
    action = ActionFactory()
    action.due_date = action.origin_meeting.date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be before"):
        action.full_clean()


def test_an_action_is_due_back_at_a_later_meeting_only():
    action = ActionFactory()
    action.due_meeting = MeetingFactory(date=action.origin_meeting.date - datetime.timedelta(1))
    with pytest.raises(ValidationError, match="later than"):
        action.full_clean()


def test_overdue_means_outstanding_and_past_its_due_date():
    today = datetime.date(2023, 3, 1)
    late = ActionFactory(due_date=datetime.date(2023, 2, 28))
    due_today = ActionFactory(due_date=today)
    closed_late = ActionFactory(due_date=datetime.date(2023, 2, 28), status=Status.CLOSED)
    assert late.is_overdue(today)
    assert not due_today.is_overdue(today)
    assert not closed_late.is_overdue(today)
    assert list(Action.objects.overdue(today)) == [late]


def test_outstanding_matters_are_the_actions_outstanding_when_the_meeting_was_held():
    earlier = MeetingFactory(date=datetime.date(2018, 3, 6))
    meeting = MeetingFactory(date=datetime.date(2018, 5, 29))
    later = MeetingFactory(date=datetime.date(2018, 6, 26))
    still_open = ActionFactory(origin_item__meeting=earlier)
    closed_at_meeting = ActionFactory(origin_item__meeting=earlier, status=Status.CLOSED)
    ActionUpdateFactory(
        action=closed_at_meeting,
        meeting=meeting,
        status_before=Status.OPEN,
        status_after=Status.CLOSED,
        created_at=datetime.datetime(2018, 5, 29, 11, tzinfo=datetime.UTC),
    )
    closed_before = ActionFactory(origin_item__meeting=earlier, status=Status.CLOSED)
    ActionUpdateFactory(
        action=closed_before,
        status_before=Status.OPEN,
        status_after=Status.CLOSED,
        created_at=datetime.datetime(2018, 4, 2, 9, tzinfo=datetime.UTC),
    )
    closed_after = ActionFactory(origin_item__meeting=earlier, status=Status.CLOSED)
    ActionUpdateFactory(
        action=closed_after,
        status_before=Status.IN_PROGRESS,
        status_after=Status.CLOSED,
        created_at=datetime.datetime(2018, 6, 1, 9, tzinfo=datetime.UTC),
    )
    raised_at_meeting = ActionFactory(origin_item__meeting=meeting)

    assert set(Action.objects.carried_forward_to(meeting)) == {
        still_open,
        closed_at_meeting,
        closed_after,
    }
    # A meeting yet to be held carries forward what is outstanding now.
    assert set(Action.objects.carried_forward_to(later)) == {still_open, raised_at_meeting}
