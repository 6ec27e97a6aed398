"""An action's status at a date comes from its changes of status in the order they took
effect; a note entered out of order (which carries the status of when it was typed) changes
nothing, and the proposal of outstanding matters agrees with the status at the meeting."""

import datetime

import pytest

from actions import workflow
from actions.models import Action, Status
from tests.factories import ActionFactory, AgendaItemFactory, MeetingFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action():
    origin = MeetingFactory(date=datetime.date(2022, 1, 4), status="published")
    return ActionFactory(origin_item=AgendaItemFactory(meeting=origin))


def status_on(action, day) -> str:
    return Action.objects.with_status_on(day).get(pk=action.pk).status_on


def test_a_note_given_at_an_earlier_meeting_after_a_later_sign_off_changes_no_status(
    officer, action
):
    workflow.action_transition(
        action_id=action.pk,
        transition="sign_off",
        user=officer,
        note="Done.",
        effective_on=datetime.date(2022, 2, 10),
    )
    earlier = MeetingFactory(date=datetime.date(2022, 2, 1))  # a draft, entered afterwards
    workflow.action_add_note(
        action_id=action.pk, user=officer, note="Under way at the time.", meeting=earlier
    )
    assert status_on(action, datetime.date(2022, 1, 31)) == Status.OPEN
    assert status_on(action, datetime.date(2022, 2, 1)) == Status.OPEN
    assert status_on(action, datetime.date(2022, 2, 10)) == Status.CLOSED
    assert action.pk in {a.pk for a in Action.objects.carried_forward_to(earlier)}


def test_a_sign_off_back_dated_before_a_note_agrees_with_the_proposal(officer, action):
    workflow.action_add_note(
        action_id=action.pk,
        user=officer,
        note="Progress.",
        effective_on=datetime.date(2022, 2, 5),
    )
    workflow.action_transition(
        action_id=action.pk,
        transition="sign_off",
        user=officer,
        note="Closed at the time.",
        effective_on=datetime.date(2022, 1, 20),
    )
    meeting = MeetingFactory(date=datetime.date(2022, 2, 1))
    assert status_on(action, meeting.date) == Status.CLOSED
    assert action.pk not in {a.pk for a in Action.objects.carried_forward_to(meeting)}


@pytest.mark.parametrize("who", ["commissioner", "force_user"])
def test_only_opcc_staff_can_back_date_even_calling_the_workflow_directly(request, who, action):
    user = request.getfixturevalue(who)
    OfficeFactory(abbreviation="CC").delegates.add(user)
    with pytest.raises(workflow.WorkflowError) as refusal:
        workflow.action_add_note(
            action_id=action.pk,
            user=user,
            note="Back then.",
            effective_on=datetime.date(2022, 2, 1),
        )
    assert refusal.value.code == "forbidden"
    assert not action.updates.exists()
