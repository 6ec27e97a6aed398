"""Action.objects.carried_forward_to(meeting) against its definition, worked out in Python from
each action's updates, on a generated archive whose actions were opened, progressed, closed,
reopened and withdrawn over two years: the query skips actions closed before the meeting
without asking their updates, and must still find exactly the outstanding ones."""

import pytest

from actions.models import OUTSTANDING, Action, ActionUpdate, start_of_day
from assurance.archive import generate_archive
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def outstanding_at(meeting: Meeting, actions, updates_by_action) -> set[int]:
    """The definition: an action raised at an earlier meeting whose status when the meeting
    opened (the "before" of its first update from that day on, else its status now) was
    outstanding, or that had an update recorded at the meeting."""
    opened = start_of_day(meeting.date)
    found = set()
    for action in actions:
        if action.origin_meeting.date >= meeting.date:
            continue
        updates = updates_by_action.get(action.pk, [])
        later = [update for update in updates if update.created_at >= opened]
        status = later[0].status_before if later else action.status
        if status in OUTSTANDING or any(update.meeting_id == meeting.pk for update in updates):
            found.add(action.pk)
    return found


def test_the_outstanding_matters_of_every_meeting_match_their_definition():
    generate_archive(scale=1, seed=5)
    actions = list(Action.objects.select_related("origin_meeting"))
    updates_by_action = {}
    for update in ActionUpdate.objects.order_by("created_at", "pk"):
        updates_by_action.setdefault(update.action_id, []).append(update)
    assert {action.status for action in actions} >= {"open", "closed", "withdrawn"}

    for meeting in Meeting.objects.all():
        expected = outstanding_at(meeting, actions, updates_by_action)
        found = set(Action.objects.carried_forward_to(meeting).values_list("pk", flat=True))
        assert found == expected, meeting
    assert any(outstanding_at(m, actions, updates_by_action) for m in Meeting.objects.all())
