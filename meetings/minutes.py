"""Everything the minutes of one meeting show, loaded in a fixed number of queries.

The signed-in meeting page uses it now; the public minutes and the PDF reuse it, passing
``include_restricted=False`` so restricted items are withheld.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from actions.models import Action, ActionUpdate
from meetings.models import AgendaItem, Attendance, Meeting
from meetings.numbering import number_items, ordered_tree

# What the minutes' header shows about the meeting, joined onto the meeting's own query.
HEADER_RELATED = ("chair", "minute_taker", "minute_taker__office")


def with_minutes_header(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings with the chair and the minute taker (and their office) joined in."""
    return queryset.select_related(*HEADER_RELATED)


@dataclass(frozen=True)
class MinutesItem:
    """An agenda item in reading order, with its derived number and depth (1 = top level)."""

    item: AgendaItem
    number: str
    depth: int
    withheld: bool = False

    @property
    def heading_level(self) -> int:
        """Top-level items are h2, the page's h1 being the meeting."""
        return min(self.depth + 1, 6)

    @property
    def label_level(self) -> int:
        """The level of the headings inside the item (Background, Questions …)."""
        return min(self.depth + 2, 6)

    @property
    def is_outstanding_matters(self) -> bool:
        return self.item.kind == AgendaItem.Kind.OUTSTANDING_MATTERS

    @property
    def is_next_meeting(self) -> bool:
        return self.item.kind == AgendaItem.Kind.NEXT_MEETING

    @property
    def labelled(self) -> bool:
        """Label background, questions and findings only when more than one is written."""
        written = [self.item.background, self.item.questions, self.item.minutes]
        return sum(1 for text in written if text.strip()) > 1


@dataclass(frozen=True)
class OutstandingAction:
    """A carried-forward action with the item it arose at and the updates given at this meeting."""

    action: Action
    origin_number: str | None
    origin_title: str | None
    updates: list[ActionUpdate]


@dataclass(frozen=True)
class OutstandingGroup:
    """The outstanding actions that arose at one earlier meeting."""

    meeting: Meeting
    actions: list[OutstandingAction]


@dataclass(frozen=True)
class Minutes:
    meeting: Meeting
    attendees: list[Attendance]  # present and in attendance for part, in the recorded order
    apologies: list[Attendance]
    items: list[MinutesItem]
    outstanding: list[OutstandingGroup]
    next_meeting: Meeting | None
    include_restricted: bool = True
    referenced_meeting_ids: set[int] = field(default_factory=set)

    @property
    def outstanding_item(self) -> MinutesItem | None:
        """The standing item the outstanding matters are shown under, if the agenda has one."""
        return next((entry for entry in self.items if entry.is_outstanding_matters), None)

    @property
    def next_meeting_item(self) -> MinutesItem | None:
        return next((entry for entry in self.items if entry.is_next_meeting), None)

    @property
    def outstanding_count(self) -> int:
        return sum(len(group.actions) for group in self.outstanding)

    @property
    def outstanding_group_level(self) -> int:
        """Heading level of "Action arising from the … meeting"."""
        entry = self.outstanding_item
        return min(entry.heading_level + 1, 6) if entry else 3

    @property
    def outstanding_action_level(self) -> int:
        return min(self.outstanding_group_level + 1, 6)


def _withheld_ids(items: list[AgendaItem]) -> set[int]:
    """The pks of restricted items and everything nested inside them."""
    withheld: set[int] = set()
    for item, _depth in ordered_tree(items):  # parents come before their children
        if item.restricted or item.parent_id in withheld:
            withheld.add(item.pk)
    return withheld


def _agenda(meeting: Meeting, include_restricted: bool) -> list[MinutesItem]:
    actions = Action.objects.select_related("due_meeting").prefetch_related("owners")
    items = list(
        meeting.items.select_related("lead_office").prefetch_related(
            "topics", "areas", Prefetch("actions", queryset=actions)
        )
    )
    numbers = number_items(items)
    withheld = set() if include_restricted else _withheld_ids(items)
    return [
        MinutesItem(item=item, number=numbers[item.pk], depth=depth, withheld=item.pk in withheld)
        for item, depth in ordered_tree(items)
    ]


def _outstanding(meeting: Meeting, include_restricted: bool) -> list[OutstandingGroup]:
    updates_here = ActionUpdate.objects.filter(meeting=meeting).order_by("created_at", "pk")
    actions = list(
        Action.objects.carried_forward_to(meeting)
        .select_related("origin_meeting", "due_meeting")
        .prefetch_related(
            "owners", Prefetch("updates", queryset=updates_here, to_attr="updates_at_meeting")
        )
    )
    if not actions:
        return []

    # Origin items are numbered within their own meeting's agenda: fetch every item of every
    # origin meeting at once, then number each meeting's items.
    origin_meeting_ids = {action.origin_meeting_id for action in actions}
    items_by_meeting: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in AgendaItem.objects.filter(meeting_id__in=origin_meeting_ids).only(
        "pk", "meeting_id", "parent_id", "position", "printed_number", "title", "restricted"
    ):
        items_by_meeting[item.meeting_id].append(item)
    numbers: dict[int, str] = {}
    titles: dict[int, str] = {}
    withheld: set[int] = set()
    for meeting_items in items_by_meeting.values():
        numbers |= number_items(meeting_items)
        titles |= {item.pk: item.title for item in meeting_items}
        if not include_restricted:
            withheld |= _withheld_ids(meeting_items)

    groups: dict[int, OutstandingGroup] = {}
    for action in actions:
        if action.origin_item_id in withheld:
            continue
        group = groups.setdefault(
            action.origin_meeting_id, OutstandingGroup(meeting=action.origin_meeting, actions=[])
        )
        group.actions.append(
            OutstandingAction(
                action=action,
                origin_number=numbers.get(action.origin_item_id),
                origin_title=titles.get(action.origin_item_id),
                updates=action.updates_at_meeting,
            )
        )
    return list(groups.values())  # in order of the origin meeting's date, as queried


def build_minutes(meeting: Meeting, *, include_restricted: bool = True) -> Minutes:
    """Load the minutes of ``meeting`` (fetched through ``with_minutes_header``).

    Issues the same number of queries however many items, actions and updates it has.
    With ``include_restricted=False`` restricted items (and their children and the actions
    that arose at them) are marked withheld, for the published minutes.
    """
    attendance = list(meeting.attendances.select_related("person"))
    items = _agenda(meeting, include_restricted)
    outstanding = _outstanding(meeting, include_restricted)
    next_meeting = meeting.next_meeting()

    referenced = {group.meeting.pk for group in outstanding}
    referenced |= {
        action.due_meeting_id
        for entry in items
        for action in entry.item.actions.all()
        if action.due_meeting_id
    }
    referenced |= {
        entry.action.due_meeting_id
        for group in outstanding
        for entry in group.actions
        if entry.action.due_meeting_id
    }
    if next_meeting is not None:
        referenced.add(next_meeting.pk)

    return Minutes(
        meeting=meeting,
        attendees=[row for row in attendance if row.status != Attendance.Status.APOLOGIES],
        apologies=[row for row in attendance if row.status == Attendance.Status.APOLOGIES],
        items=items,
        outstanding=outstanding,
        next_meeting=next_meeting,
        include_restricted=include_restricted,
        referenced_meeting_ids=referenced,
    )
