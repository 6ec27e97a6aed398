"""Read-side queries for following actions up: the dashboard and the action log.

What is outstanding and overdue is defined once, on ``ActionQuerySet``; this module adds what
the tracking pages need on top of it (due at the next meeting, closed recently, the order a
user reads them in, their agenda numbers), each loaded in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from actions.models import Action, ActionUpdate, Status, acted_for
from meetings.agenda import agenda_numbers
from meetings.models import AgendaItem, AssuranceLevel, Meeting, Series
from meetings.numbering import number_items, ordered_tree

RECENTLY_CLOSED_DAYS = 90


@dataclass(frozen=True)
class Horizon:
    """The moments a user's actions are measured against: today, now and the next meeting of
    each series."""

    today: datetime.date
    now: datetime.datetime
    next_meetings: tuple[Meeting, ...]  # one a series, soonest first

    @property
    def next_meeting(self) -> Meeting | None:
        """The soonest of them."""
        return self.next_meetings[0] if self.next_meetings else None

    @property
    def closed_since(self) -> datetime.datetime:
        return self.now - datetime.timedelta(days=RECENTLY_CLOSED_DAYS)


def next_meetings_for(user, today: datetime.date) -> tuple[Meeting, ...]:
    """For each series, the first meeting dated today or later among those the user may read,
    soonest first; two queries however many series and meetings."""
    upcoming = Meeting.objects.visible_to(user).upcoming(today)
    firsts = Series.objects.annotate(
        first=Subquery(upcoming.filter(series=OuterRef("pk")).values("pk")[:1])
    ).values("first")
    return tuple(
        Meeting.objects.filter(pk__in=firsts)
        .select_related("series")
        .order_by("date", "start_time", "pk")
    )


def horizon_for(user, now: datetime.datetime | None = None) -> Horizon:
    """Today, now and the user's next meetings, fixed once per request."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return Horizon(today=today, now=now, next_meetings=next_meetings_for(user, today))


def due_at_next_meeting(
    queryset: QuerySet[Action], next_meetings: Iterable[Meeting]
) -> QuerySet[Action]:
    """Outstanding actions due on or before the next meeting of their series, or due back at
    it."""
    due = Q(pk__in=[])
    for meeting in next_meetings:
        due |= Q(origin_meeting__series_id=meeting.series_id) & (
            Q(due_date__lte=meeting.date) | Q(due_meeting=meeting)
        )
    return queryset.outstanding().filter(due)


def closed_since(queryset: QuerySet[Action], since: datetime.datetime) -> QuerySet[Action]:
    """Actions signed off (and still closed) at or after ``since``."""
    return queryset.filter(status=Status.CLOSED, closed_at__gte=since)


def for_listing(queryset: QuerySet[Action], user) -> QuerySet[Action]:
    """The actions with what a listing shows joined in, in reading order: the offices the user
    acts for first (so force staff find their own), then by due date, undated last."""
    last_update = (
        ActionUpdate.objects.given_where_readable(user)
        .filter(action=OuterRef("pk"))
        .order_by()
        .values("action")
        .annotate(latest=Max("effective_on"))
        .values("latest")
    )
    return (
        queryset.select_related("origin_meeting", "origin_item", "due_meeting")
        .with_owners()
        .annotate(acted_for=acted_for(user), last_update_at=Subquery(last_update))
        .order_by(
            "-acted_for",
            F("due_date").asc(nulls_last=True),
            F("due_meeting__date").asc(nulls_last=True),
            "reference",
        )
    )


@dataclass(frozen=True)
class ActionRow:
    """An action in a listing with the agenda number of the item it arose at."""

    action: Action
    origin_number: str | None


def action_rows(actions: Iterable[Action]) -> list[ActionRow]:
    """Number each action's origin item within its meeting's agenda: every item of the origin
    meetings is fetched in one query, whatever the number of actions."""
    actions = list(actions)
    numbers, _places = agenda_numbers(
        action.origin_meeting_id for action in actions if action.origin_item_id
    )
    return [ActionRow(action, numbers.get(action.origin_item_id)) for action in actions]


def recent_updates(visible: QuerySet[Action], user, limit: int = 10) -> list[ActionUpdate]:
    """The latest updates the user may read to the actions in ``visible``, the last to take
    effect first (an older record entered today is not news)."""
    return list(
        ActionUpdate.objects.given_where_readable(user)
        .filter(action__in=visible.order_by().values("pk"))
        .select_related("action", "author")
        .order_by("-effective_on", "-created_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class AssessedItem:
    item: AgendaItem
    number: str


@dataclass(frozen=True)
class AssuranceGroup:
    """The items of a meeting given one assurance level."""

    level: str
    label: str
    items: list[AssessedItem]


@dataclass(frozen=True)
class AssuranceSummary:
    meeting: Meeting
    groups: list[AssuranceGroup]


SUMMARISED_LEVELS = (
    AssuranceLevel.ASSURED,
    AssuranceLevel.PARTLY_ASSURED,
    AssuranceLevel.NOT_ASSURED,
)


def last_assurance(user, today: datetime.date) -> AssuranceSummary | None:
    """The assurance levels recorded at the latest meeting before today that the user may read
    and at which at least one item was assessed; two queries."""
    assessed = AgendaItem.objects.filter(meeting=OuterRef("pk")).exclude(
        assurance_level=AssuranceLevel.NOT_ASSESSED
    )
    meeting = Meeting.objects.visible_to(user).past(today).filter(Exists(assessed)).first()
    if meeting is None:
        return None
    fields = ("pk", "meeting_id", "parent_id", "position", "printed_number", "title")
    items = list(meeting.items.only(*fields, "assurance_level"))
    numbers = number_items(items)
    in_order = [item for item, _depth in ordered_tree(items)]
    groups = [
        AssuranceGroup(
            level=level.value,
            label=level.label,
            items=[
                AssessedItem(item, numbers[item.pk])
                for item in in_order
                if item.assurance_level == level
            ],
        )
        for level in SUMMARISED_LEVELS
    ]
    return AssuranceSummary(meeting=meeting, groups=groups)
