"""What the minutes of one meeting show: built from the records while they are a draft, stored
when they are approved, and read back as they were stored from then on.

The query proposes, the minutes record. ``build_record`` reads the database and returns the
minutes as plain data (text already formatted, so nothing in it depends on the records any
more): header, attendance, numbered items with their actions arising and each action's status
at the meeting, the outstanding matters reviewed at it with the updates given, and the next
meeting of the series. ``freeze`` stores that data when the minutes are approved; nothing done
afterwards changes it until the minutes are reopened.

Reading rules win over freezing: ``minutes_for`` takes the stored (or, for a draft, the live)
record and removes what this reader may not read *today* — restricted items for the public,
and reviewed actions whose origin meeting (or, for the public, origin item) the reader may not
read. Everything here costs the same number of queries whatever the size of the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from actions.models import Action, ActionUpdate, ReviewedAction, Status
from actions.reviewing import reviewed_actions
from meetings.agenda import agenda_numbers
from meetings.models import (
    AgendaItem,
    ApprovedMinutes,
    Attendance,
    Meeting,
    MeetingStatus,
)
from meetings.numbering import board_reference_beside, number_items, ordered_tree

# What the minutes' header shows about the meeting, joined onto the meeting's own query.
HEADER_RELATED = ("series", "chair", "minute_taker", "minute_taker__office")
RECORD_FORMAT = 1


def with_minutes_header(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings with their series, chair and minute taker (and their office) joined in."""
    return queryset.select_related(*HEADER_RELATED)


# --- Building the record from the database ---------------------------------------------------


def _long_date(date) -> str:
    return date_format(date, "l j F Y")


def _day(date) -> str:
    return date_format(date, "j F Y")


def _meeting_facts(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "series": meeting.series.name,
        "date_iso": meeting.date.isoformat(),
        "date": _long_date(meeting.date),
        "month": date_format(meeting.date, "F Y"),
        "time": meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
        # Added after records were first stored: a record without it had no end time.
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else "",
        "venue": meeting.venue,
    }


def _minute_taker(meeting: Meeting) -> str:
    person = meeting.minute_taker
    if person is None:
        return ""
    if meeting.minute_taker_capacity:
        return f"{person.name}, {meeting.minute_taker_capacity}"
    office = f", {person.office.title}" if person.office else ""
    return f"{person.name}{office}, {person.get_organisation_display()}"


def _action_data(action: Action, owner_style: str) -> dict:
    """An action as the minutes print it, with its status at the meeting (``status_on``) and
    its owners written as the series writes them."""
    due_meeting = action.due_meeting
    return {
        "id": action.pk,
        "reference": action.reference,
        "description": action.description,
        "owners": [
            {"abbreviation": owner.written(owner_style), "title": owner.described}
            for owner in action.owners
        ],
        "due_date_iso": action.due_date.isoformat() if action.due_date else "",
        "due_date": _day(action.due_date) if action.due_date else "",
        "due_meeting": (
            {
                "id": due_meeting.pk,
                "title": due_meeting.title,
                "date_iso": due_meeting.date.isoformat(),
                "date": _day(due_meeting.date),
            }
            if due_meeting
            else None
        ),
        "status": action.status_on,
        "status_label": Status(action.status_on).label,
    }


def _actions(meeting: Meeting) -> QuerySet[Action]:
    return Action.objects.with_status_on(meeting.date).select_related("due_meeting").with_owners()


def _items(meeting: Meeting) -> list[dict]:
    items = list(
        meeting.items.select_related("lead_office").prefetch_related(
            "topics", "areas", Prefetch("actions", queryset=_actions(meeting))
        )
    )
    style = meeting.series.reference_style
    numbers = number_items(items, style)
    records = []
    for item, depth in ordered_tree(items):
        written = [item.background, item.questions, item.minutes]
        lead = item.lead_office
        records.append(
            {
                "id": item.pk,
                "parent_id": item.parent_id,
                # "number" is what the item is shown by. Records stored before the board's own
                # references lack reference_beside and board_reference: a missing key reads
                # as empty.
                "number": numbers[item.pk],
                "reference_beside": board_reference_beside(item, style),
                "board_reference": item.printed_number,
                "depth": depth,
                "kind": item.kind,
                "title": item.title,
                "restricted": item.restricted,
                "restricted_reason": item.restricted_reason,
                "assurance_level": item.assurance_level,
                "assurance_label": item.get_assurance_level_display(),
                "lead": f"{lead.title} ({lead.abbreviation})" if lead else "",
                "topics": [topic.name for topic in item.topics.all()],
                "areas": [area.name for area in item.areas.all()],
                "background": item.background,
                "questions": item.questions,
                "minutes": item.minutes,
                "assurance_statement": item.assurance_statement,
                "decision": item.decision,
                "labelled": sum(1 for text in written if text.strip()) > 1,
                "actions": [
                    _action_data(action, meeting.series.owner_style)
                    for action in item.actions.all()
                ],
            }
        )
    return records


def _own_title(meeting: Meeting) -> str:
    """A meeting's title when it says more than its series and date, as a thematic or
    extraordinary meeting's does; else nothing."""
    return "" if meeting.title.startswith(meeting.series.name) else meeting.title


def _outstanding(meeting: Meeting) -> list[dict]:
    updates_here = ActionUpdate.objects.filter(meeting=meeting).order_by("created_at", "pk")
    actions = list(
        reviewed_actions(meeting)
        .with_status_on(meeting.date)
        .select_related("origin_meeting__series", "origin_item", "due_meeting")
        .with_owners()
        .prefetch_related(Prefetch("updates", queryset=updates_here, to_attr="updates_at_meeting"))
        .order_by("origin_meeting__date", "origin_meeting__pk", "reference")
    )
    # Origin items are numbered within their own meeting's agenda, all in one query.
    numbers, _places = agenda_numbers({action.origin_meeting_id for action in actions})

    groups: dict[int, dict] = {}
    for action in actions:
        origin = action.origin_meeting
        group = groups.setdefault(
            origin.pk,
            {
                # A thematic or extraordinary meeting is named: its title is not the series'.
                "meeting": _meeting_facts(origin) | {"own_title": _own_title(origin)},
                "actions": [],
            },
        )
        group["actions"].append(
            _action_data(action, meeting.series.owner_style)
            | {
                "origin_item_id": action.origin_item_id,
                "origin_number": numbers.get(action.origin_item_id, ""),
                "origin_title": action.origin_item.title if action.origin_item else "",
                "updates": [
                    {
                        "note": update.note,
                        "change": (
                            f"status changed from {update.get_status_before_display().lower()} "
                            f"to {update.get_status_after_display().lower()}"
                            if update.changes_status
                            else ""
                        ),
                    }
                    for update in action.updates_at_meeting
                ],
            }
        )
    return list(groups.values())


def build_record(meeting: Meeting) -> dict:
    """The minutes of ``meeting`` (fetched through ``with_minutes_header``) as plain data, from
    the database as it is now."""
    attendance = list(meeting.attendances.select_related("person"))
    next_meeting = meeting.next_meeting(Meeting.objects.select_related("series"))

    def attendee(row: Attendance) -> dict:
        return {
            "name": row.person.name,
            "capacity": row.capacity,
            "part": row.status == Attendance.Status.PART,
            # Added with the status: a record stored before it has no such rows.
            "not_recorded": row.status == Attendance.Status.NOT_RECORDED,
            "status_label": row.get_status_display(),
        }

    return {
        "format": RECORD_FORMAT,
        "meeting": _meeting_facts(meeting)
        | {
            "label": meeting.series.label,
            "chair": meeting.chair.name if meeting.chair else "",
            "minute_taker": _minute_taker(meeting),
            "focus": meeting.focus,
        },
        "attendees": [
            attendee(row) for row in attendance if row.status != Attendance.Status.APOLOGIES
        ],
        "apologies": [
            attendee(row) for row in attendance if row.status == Attendance.Status.APOLOGIES
        ],
        "items": _items(meeting),
        "outstanding": _outstanding(meeting),
        "next_meeting": _meeting_facts(next_meeting) if next_meeting else None,
    }


def freeze(meeting: Meeting) -> ApprovedMinutes:
    """Store what the minutes show now, and the outstanding matters as rows of the meeting.
    Called when they are approved, inside that transaction."""
    record = build_record(meeting)
    ReviewedAction.objects.set_for(
        meeting, (entry["id"] for group in record["outstanding"] for entry in group["actions"])
    )
    if not meeting.outstanding_reviewed:
        Meeting.objects.filter(pk=meeting.pk).update(outstanding_reviewed=True)
        meeting.outstanding_reviewed = True
    approved, _created = ApprovedMinutes.objects.update_or_create(
        meeting=meeting, defaults={"content": record, "recorded_at": timezone.now()}
    )
    return approved


def thaw(meeting: Meeting) -> None:
    """Reopened minutes are a draft again: built from the records until approved again."""
    ApprovedMinutes.objects.filter(meeting=meeting).delete()


def record_of(meeting: Meeting) -> dict:
    """What the minutes show: stored for approved and published minutes, live for a draft.

    Minutes approved before records were stored are recorded the first time they are read."""
    if meeting.status == MeetingStatus.DRAFT:
        return build_record(meeting)
    try:
        return meeting.record.content
    except ApprovedMinutes.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return freeze(meeting).content
    except IntegrityError:  # another request recorded them first: read theirs
        return ApprovedMinutes.objects.get(meeting=meeting).content


# --- Reading the record, as one reader may ------------------------------------------------


@dataclass(frozen=True)
class MinutesItem:
    """An agenda item of the record in reading order, with what the templates need."""

    item: dict
    withheld: bool = False

    @property
    def number(self) -> str:
        return self.item["number"]

    @property
    def depth(self) -> int:
        return self.item["depth"]

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
        return self.item["kind"] == AgendaItem.Kind.OUTSTANDING_MATTERS

    @property
    def is_next_meeting(self) -> bool:
        return self.item["kind"] == AgendaItem.Kind.NEXT_MEETING


@dataclass(frozen=True)
class Minutes:
    meeting: dict
    attendees: list[dict]
    apologies: list[dict]
    items: list[MinutesItem]
    outstanding: list[dict]
    next_meeting: dict | None
    referenced_meeting_ids: set[int] = field(default_factory=set)

    @property
    def outstanding_item(self) -> MinutesItem | None:
        """The standing item the outstanding matters are shown under, if the agenda has one."""
        return next((entry for entry in self.items if entry.is_outstanding_matters), None)

    @property
    def next_meeting_item(self) -> MinutesItem | None:
        return next((entry for entry in self.items if entry.is_next_meeting), None)

    @property
    def abbreviations(self) -> list[tuple[str, str]]:
        """The owners these minutes name by abbreviation, with what each stands for, in
        alphabetical order: the PDF, which has no hover, lists them after the minutes."""
        shown = [a for entry in self.items if not entry.withheld for a in entry.item["actions"]]
        shown += [a for group in self.outstanding for a in group["actions"]]
        found = {owner["abbreviation"]: owner["title"] for a in shown for owner in a["owners"]}
        return sorted(found.items(), key=lambda pair: pair[0].casefold())

    @property
    def outstanding_group_level(self) -> int:
        """Heading level of "Action arising from the … meeting"."""
        entry = self.outstanding_item
        return min(entry.heading_level + 1, 6) if entry else 3

    @property
    def outstanding_action_level(self) -> int:
        return min(self.outstanding_group_level + 1, 6)


def _withheld_ids(items) -> set[int]:
    """The ids of restricted items and everything nested inside them, from ``(id, parent_id,
    restricted)`` in reading order (parents come first)."""
    withheld: set[int] = set()
    for pk, parent_id, restricted in items:
        if restricted or parent_id in withheld:
            withheld.add(pk)
    return withheld


def _restricted_origin_items(origin_meeting_ids: set[int]) -> set[int]:
    """Of the origin meetings' items, those withheld from the public today."""
    items = AgendaItem.objects.filter(meeting_id__in=origin_meeting_ids).only(
        "pk", "meeting_id", "parent_id", "position", "printed_number", "restricted"
    )
    return _withheld_ids(
        (item.pk, item.parent_id, item.restricted) for item, _depth in ordered_tree(items)
    )


def minutes_for(
    meeting: Meeting, record: dict, *, readable_meetings: QuerySet[Meeting], public: bool
) -> Minutes:
    """The record as this reader may read it today: reviewed actions whose origin meeting is not
    in ``readable_meetings`` are left out; for the public, so are restricted items (each becomes
    one "taken in private" line, the items inside it left out) and actions of restricted
    items."""
    items = record["items"]
    withheld = (
        _withheld_ids((item["id"], item["parent_id"], item["restricted"]) for item in items)
        if public
        else set()
    )
    shown_items = [
        MinutesItem(item=item, withheld=item["id"] in withheld)
        for item in items
        if not (item["id"] in withheld and item["parent_id"] in withheld)
    ]

    origin_ids = {group["meeting"]["id"] for group in record["outstanding"]}
    readable = readable_meetings.ids_among(origin_ids | {meeting.pk})
    private_items = _restricted_origin_items(origin_ids) if public and origin_ids else set()
    outstanding = []
    for group in record["outstanding"]:
        if group["meeting"]["id"] not in readable:
            continue
        actions = [a for a in group["actions"] if a["origin_item_id"] not in private_items]
        if actions:
            outstanding.append(group | {"actions": actions})

    referenced = {group["meeting"]["id"] for group in outstanding}
    for action in [a for entry in shown_items for a in entry.item["actions"]] + [
        a for group in outstanding for a in group["actions"]
    ]:
        if action["due_meeting"]:
            referenced.add(action["due_meeting"]["id"])
    if record["next_meeting"]:
        referenced.add(record["next_meeting"]["id"])

    return Minutes(
        meeting=record["meeting"],
        attendees=record["attendees"],
        apologies=record["apologies"],
        items=shown_items,
        outstanding=outstanding,
        next_meeting=record["next_meeting"],
        referenced_meeting_ids=referenced,
    )


def build_minutes(meeting: Meeting, *, user=None) -> Minutes:
    """The minutes of ``meeting`` as ``user`` may read them (in full, for commands, without
    one). The public's are ``minutes.public.public_minutes``."""
    readable = Meeting.objects.all() if user is None else Meeting.objects.visible_to(user)
    return minutes_for(meeting, record_of(meeting), readable_meetings=readable, public=False)
