"""Action.objects.carried_forward_to(meeting) against its definition, worked out in Python from
each action's updates, on a generated archive whose actions were opened, progressed, closed,
reopened and withdrawn over two years: the query skips actions closed before the meeting
without asking their updates, and must still find exactly the outstanding ones.

To the archive the test adds what it does not have: a second series whose meetings fall
between the first's, and actions whose changes were recorded after the day they took effect
(so the order they were typed in is not the order they took effect in)."""

import datetime

import pytest

from actions.models import OUTSTANDING, Action, ActionOwner, ActionUpdate, Status, start_of_day
from meetings.models import Meeting, Office
from performance.synthetic_archive import generate_archive
from tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def in_effect_order(updates) -> list[ActionUpdate]:
    return sorted(updates, key=lambda update: (update.effective_on, update.created_at, update.pk))


def status_at_opening(meeting: Meeting, action: Action, updates) -> str:
    """The action's status when ``meeting`` opened: the "before" of its first change of status
    taking effect on or after the meeting's day (in the order they took effect), else its status
    now. Notes do not count: a back-dated one carries the status of when it was typed."""
    later = [
        update
        for update in updates
        if update.effective_on >= meeting.date and update.status_before != update.status_after
    ]
    return later[0].status_before if later else action.status


def outstanding_at(meeting: Meeting, actions, updates_by_action, *, any_series=False) -> set[int]:
    """The definition: an action raised at an earlier meeting of the same series that was
    outstanding when the meeting opened, or that had an update recorded at the meeting.
    (``any_series`` drops the series rule, to show the test's data needs it.)"""
    found = set()
    for action in actions:
        origin = action.origin_meeting
        if origin.date >= meeting.date:
            continue
        if origin.series_id != meeting.series_id and not any_series:
            continue
        updates = updates_by_action.get(action.pk, [])
        if status_at_opening(meeting, action, updates) in OUTSTANDING or any(
            update.meeting_id == meeting.pk for update in updates
        ):
            found.add(action.pk)
    return found


def outstanding_by_typing_order(meeting: Meeting, actions, updates_by_action) -> set[int]:
    """The definition as it was before updates had a date of effect: the "before" of the first
    update typed from the meeting's day on. Only to show the test's data tells them apart."""
    opened = start_of_day(meeting.date)
    found = set()
    for action in actions:
        origin = action.origin_meeting
        if origin.date >= meeting.date or origin.series_id != meeting.series_id:
            continue
        updates = sorted(updates_by_action.get(action.pk, []), key=lambda u: (u.created_at, u.pk))
        later = [update for update in updates if update.created_at >= opened]
        status = later[0].status_before if later else action.status
        if status in OUTSTANDING or any(update.meeting_id == meeting.pk for update in updates):
            found.add(action.pk)
    return found


def dated_action(reference, item, steps, owner) -> Action:
    """An action of ``item`` whose history is ``steps``: (status after, the day it took effect,
    days after that it was typed, the meeting it was given at or None), in the order they took
    effect; its status, closing date and updates follow them, as the workflow would leave them."""
    origin = item.meeting
    action = Action.objects.create(
        reference=reference,
        origin_meeting=origin,
        origin_item=item,
        description=f"Action {reference}.",
        due_date=origin.date + 90 * DAY,
        status=Status.OPEN,
        created_at=start_of_day(origin.date),
    )
    ActionOwner.objects.create(action=action, office=owner)
    status = Status.OPEN
    for index, (after, effective_on, typed_after, meeting) in enumerate(steps):
        ActionUpdate.objects.create(
            action=action,
            created_at=start_of_day(effective_on + typed_after * DAY)
            + datetime.timedelta(hours=10, minutes=index),
            effective_on=effective_on,
            meeting=meeting,
            note=f"Update {index + 1}.",
            status_before=status,
            status_after=after,
        )
        if after == Status.CLOSED:
            action.closed_at = start_of_day(effective_on)
        elif status == Status.CLOSED:
            action.closed_at = None
        status = after
    action.status = status
    action.save(update_fields=["status", "closed_at"])
    return action


def add_what_the_archive_lacks() -> None:
    """A second series interleaved with the archive's, and actions recorded late."""
    series_meetings = list(Meeting.objects.order_by("date"))
    owner = Office.objects.get(abbreviation="CC")
    other = SeriesFactory(name="Governance Board")
    board = [
        MeetingFactory(series=other, date=meeting.date + 3 * DAY, title=f"Board {index}")
        for index, meeting in enumerate(series_meetings[2:14:2])
    ]
    # Board actions, still open or closed late: the first series' meetings must not list them.
    for index, meeting in enumerate(board[:-2]):
        item = AgendaItemFactory(meeting=meeting, title=f"Board item {index}")
        dated_action(f"GB-{index}-open", item, [], owner)
        dated_action(
            f"GB-{index}-closed",
            item,
            [(Status.CLOSED, board[index + 2].date, 0, board[index + 2])],
            owner,
        )

    # In the first series: changes that took effect on one day and were typed weeks later.
    for index in range(2, 12, 3):
        origin, first, second, third = series_meetings[index : index + 4]
        item = AgendaItemFactory(meeting=origin, title=f"Late item {index}")
        # Closed between two meetings, recorded only after the next one.
        dated_action(
            f"LATE-{index}-a",
            item,
            [
                (Status.IN_PROGRESS, origin.date + 5 * DAY, 0, None),
                (Status.CLOSED, first.date + 2 * DAY, (third.date - first.date).days, None),
            ],
            owner,
        )
        # Closed and reopened, the reopening back-dated before a meeting that was held when
        # it was typed; then withdrawn at a later meeting.
        dated_action(
            f"LATE-{index}-b",
            item,
            [
                (Status.CLOSED, origin.date + 3 * DAY, 0, None),
                (Status.IN_PROGRESS, second.date - 2 * DAY, 10, None),
                (Status.WITHDRAWN, third.date, 0, third),
            ],
            owner,
        )
        # Two updates the same day, the later typed first: a note, then sign-off.
        dated_action(
            f"LATE-{index}-c",
            item,
            [
                (Status.AWAITING_SIGN_OFF, first.date - DAY, 30, None),
                (Status.CLOSED, first.date - DAY, 0, None),
            ],
            owner,
        )


def test_the_outstanding_matters_of_every_meeting_match_their_definition():
    generate_archive(scale=1, seed=5)
    add_what_the_archive_lacks()
    actions = list(Action.objects.select_related("origin_meeting"))
    updates_by_action = {}
    for update in ActionUpdate.objects.all():
        updates_by_action.setdefault(update.action_id, []).append(update)
    updates_by_action = {pk: in_effect_order(ups) for pk, ups in updates_by_action.items()}
    assert {action.status for action in actions} >= {"open", "closed", "withdrawn"}
    meetings = list(Meeting.objects.select_related("series"))
    assert len({meeting.series_id for meeting in meetings}) == 2

    for meeting in meetings:
        expected = outstanding_at(meeting, actions, updates_by_action)
        found = set(Action.objects.carried_forward_to(meeting).values_list("pk", flat=True))
        assert found == expected, meeting
    assert any(outstanding_at(m, actions, updates_by_action) for m in meetings)
    # The data tells the series apart, and the date of effect from the time of typing.
    assert any(
        outstanding_at(m, actions, updates_by_action)
        != outstanding_at(m, actions, updates_by_action, any_series=True)
        for m in meetings
    )
    assert any(
        outstanding_at(m, actions, updates_by_action)
        != outstanding_by_typing_order(m, actions, updates_by_action)
        for m in meetings
    )
