"""The agenda builder's writes: add, reorder, nest and delete a meeting's agenda items.

Every function here works under a lock of the meeting's row (so two officers rearranging one
agenda take turns): it takes the lock, or, like ``item_add``, is given the lock its caller took
(``MeetingLock``). It refuses any change once the minutes are approved, and leaves the
``position`` of the siblings it touched dense (1..n). Item numbers (1, 2.1, 2.1a) are derived
from the tree by ``meetings.numbering`` and never stored. ``Outline`` holds the rules for where
an item may move, so the agenda page (which buttons work) and the writes (what is refused)
agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import router, transaction
from django.db.models.deletion import Collector, ProtectedError

from meetings.models import AgendaItem, Meeting
from meetings.numbering import (
    NESTING_RULE,
    NumberedNode,
    nests_too_deep,
    number_items,
    ordered_tree,
)


class AgendaChangeRefused(Exception):
    """The change cannot be made (already first, too deep, has actions …); the message says why."""


class Move(StrEnum):
    UP = "up"
    DOWN = "down"
    INDENT = "indent"
    OUTDENT = "outdent"


@dataclass(frozen=True)
class MeetingLock:
    """A draft meeting whose row the current transaction holds (``lock_editable_meeting``).

    The writes that a save of the item form puts together (``item_add``,
    ``actions.arising.action_create``) take the lock their caller holds, so the meeting is
    locked once per save, however many actions it raises.
    """

    meeting: Meeting
    # The atomic block the lock was taken in: the lock is good while that block is open.
    block: object = field(repr=False, compare=False)

    def check_held(self) -> None:
        if not any(block is self.block for block in transaction.get_connection().atomic_blocks):
            raise RuntimeError("Use a MeetingLock inside the transaction that took it.")


def lock_editable_meeting(meeting_id: int) -> MeetingLock:
    """Lock the meeting's row for this transaction; refuse if its minutes are not a draft."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    if not meeting.is_editable:
        raise AgendaChangeRefused(Meeting.READ_ONLY_MESSAGE)
    return MeetingLock(meeting, transaction.get_connection().atomic_blocks[-1])


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


class Outline:
    """One meeting's agenda as a tree in memory: where each item sits and where it may go.

    Moves change ``parent_id`` and ``position`` in memory, renumbering the siblings they leave
    and join; ``save`` writes the items that changed in one query.
    """

    def __init__(self, items: Iterable[AgendaItem]):
        self.items: dict[int, AgendaItem] = {item.pk: item for item in items}
        self.children: dict[int | None, list[AgendaItem]] = defaultdict(list)
        for item in self.items.values():
            self.children[item.parent_id].append(item)
        for siblings in self.children.values():
            siblings.sort(key=lambda item: (item.position, item.pk))
        self._saved = {pk: (item.parent_id, item.position) for pk, item in self.items.items()}

    def siblings(self, item: AgendaItem) -> list[AgendaItem]:
        return self.children[item.parent_id]

    def index(self, item: AgendaItem) -> int:
        return self.siblings(item).index(item)

    def depth(self, item: AgendaItem) -> int:
        """1 for a top-level item, 2 for its sub-items, and so on."""
        depth = 1
        while item.parent_id is not None:
            item = self.items[item.parent_id]
            depth += 1
        return depth

    def height(self, item: AgendaItem) -> int:
        """How many levels the item and everything nested in it take up (1 with no sub-items)."""
        return 1 + max((self.height(child) for child in self.children[item.pk]), default=0)

    def descendants(self, item: AgendaItem) -> list[AgendaItem]:
        """Everything nested inside the item, in reading order."""
        found = []
        for child in self.children[item.pk]:
            found.append(child)
            found.extend(self.descendants(child))
        return found

    def add_child_refusal(self, parent: AgendaItem | None) -> str | None:
        """Why nothing may be added under ``parent`` (None: at the top level), or None."""
        if parent is not None and nests_too_deep(self.depth(parent) + 1):
            return f"“{parent.title}” cannot have sub-items: {NESTING_RULE}."
        return None

    def refusal(self, move: Move, item: AgendaItem) -> str | None:
        """Why ``item`` cannot make ``move``, in words for the officer; None if it can."""
        index, siblings = self.index(item), self.siblings(item)
        if move == Move.UP and index == 0:
            return f"“{item.title}” is already first, so it cannot move up."
        if move == Move.DOWN and index == len(siblings) - 1:
            return f"“{item.title}” is already last, so it cannot move down."
        if move == Move.INDENT:
            if index == 0:
                return (
                    f"“{item.title}” cannot be indented: there is no item above it at the same "
                    "level for it to go under."
                )
            # It goes one level deeper, and everything nested in it with it.
            if nests_too_deep(self.depth(item) + 1, self.height(item)):
                return f"“{item.title}” cannot be indented: {NESTING_RULE}."
        if move == Move.OUTDENT and item.parent_id is None:
            return f"“{item.title}” is already at the top level, so it cannot be outdented."
        return None

    def apply(self, move: Move, item: AgendaItem) -> None:
        """Make the move in memory; raise AgendaChangeRefused if it is impossible."""
        refusal = self.refusal(move, item)
        if refusal:
            raise AgendaChangeRefused(refusal)
        index = self.index(item)
        if move == Move.UP:
            self._place(item, item.parent_id, index - 1)
        elif move == Move.DOWN:
            self._place(item, item.parent_id, index + 1)
        elif move == Move.INDENT:
            new_parent = self.siblings(item)[index - 1]
            self._place(item, new_parent.pk, len(self.children[new_parent.pk]))
        else:  # outdent: straight after its parent, among the parent's siblings
            parent = self.items[item.parent_id]
            self._place(item, parent.parent_id, self.index(parent) + 1)

    def _place(self, item: AgendaItem, parent_id: int | None, index: int) -> None:
        old = self.siblings(item)
        old.remove(item)
        item.parent_id = parent_id
        new = self.children[parent_id]
        new.insert(index, item)
        self.renumber(old)
        self.renumber(new)

    @staticmethod
    def renumber(siblings: list[AgendaItem]) -> None:
        for position, sibling in enumerate(siblings, start=1):
            sibling.position = position

    def save(self) -> None:
        changed = [
            item
            for pk, item in self.items.items()
            if pk in self._saved and (item.parent_id, item.position) != self._saved[pk]
        ]
        if changed:
            AgendaItem.objects.bulk_update(changed, ["parent", "position"])
        self._saved = {pk: (item.parent_id, item.position) for pk, item in self.items.items()}


def _locked_outline(meeting_id: int) -> Outline:
    lock_editable_meeting(meeting_id)
    return _outline(meeting_id)


def _outline(meeting_id: int) -> Outline:
    return Outline(
        AgendaItem.objects.filter(meeting_id=meeting_id).only(
            "pk", "meeting_id", "parent_id", "position", "title"
        )
    )


def _current(outline: Outline, item: AgendaItem) -> AgendaItem:
    """The item as it is now, under the lock: another officer may have moved or deleted it."""
    try:
        return outline.items[item.pk]
    except KeyError:
        raise AgendaChangeRefused(
            f"“{item.title}” is no longer on this agenda: someone else has deleted it."
        ) from None


def item_add(
    *, lock: MeetingLock, item: AgendaItem, parent: AgendaItem | None = None
) -> AgendaItem:
    """Save a new (unsaved) item last among the items under ``parent`` (None: top level) of
    the locked meeting."""
    lock.check_held()
    meeting = lock.meeting
    with transaction.atomic():
        outline = _outline(meeting.pk)
        if parent is not None:
            if parent.meeting_id != meeting.pk:
                raise AgendaChangeRefused("Choose an item of this meeting to add the item under.")
            parent = _current(outline, parent)
        refusal = outline.add_child_refusal(parent)
        if refusal:
            raise AgendaChangeRefused(refusal)
        siblings = outline.children[parent.pk if parent else None]
        outline.renumber(siblings)
        outline.save()
        item.meeting = meeting
        item.parent = parent
        item.position = len(siblings) + 1
        item.save()
        return item


def _move(item: AgendaItem, move: Move) -> AgendaItem:
    with transaction.atomic():
        outline = _locked_outline(item.meeting_id)
        current = _current(outline, item)
        outline.apply(move, current)
        outline.save()
        item.parent_id, item.position = current.parent_id, current.position
        return item


def item_move_up(*, item: AgendaItem) -> AgendaItem:
    """Swap the item with the sibling above it."""
    return _move(item, Move.UP)


def item_move_down(*, item: AgendaItem) -> AgendaItem:
    """Swap the item with the sibling below it."""
    return _move(item, Move.DOWN)


def item_indent(*, item: AgendaItem) -> AgendaItem:
    """Make the item the last sub-item of the sibling above it, taking its sub-items along."""
    return _move(item, Move.INDENT)


def item_outdent(*, item: AgendaItem) -> AgendaItem:
    """Make the item the next sibling of its parent, taking its sub-items along."""
    return _move(item, Move.OUTDENT)


def delete_refusal(item: AgendaItem, nested: Iterable[AgendaItem]) -> str | None:
    """Why the item (with the ``nested`` items inside it) cannot be deleted, or None.

    A record that protects the item it points to (``on_delete=PROTECT``: an action keeps the
    item it arose at, and actions are never deleted) keeps that item, and the items around it.
    Django's deletion collector finds them without deleting anything.
    """
    try:
        Collector(using=router.db_for_write(AgendaItem)).collect([item, *nested])
    except ProtectedError as refused:
        keeping = sorted(refused.protected_objects, key=str)
    else:
        return None
    whose = (
        "This item has"
        if all(_items_pointed_to(record) == {item.pk} for record in keeping)
        else "This item and the items inside it have"
    )
    meta = keeping[0]._meta
    kinds = _count(len(keeping), str(meta.verbose_name), str(meta.verbose_name_plural))
    listed = "; ".join(str(record) for record in keeping)
    return (
        f"{whose} {kinds} that must stay with it ({listed}). Move "
        f"{'it' if len(keeping) == 1 else 'them'} to another item first, or keep this item."
    )


def _items_pointed_to(record) -> set[int]:
    """The agenda items a record points to."""
    return {
        getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if field.related_model is AgendaItem
    }


def item_delete(*, item: AgendaItem) -> int:
    """Delete the item and every item nested in it; return how many items went.

    Refused while any of them has actions arising.
    """
    with transaction.atomic():
        outline = _locked_outline(item.meeting_id)
        current = _current(outline, item)
        nested = outline.descendants(current)
        refusal = delete_refusal(current, nested)
        if refusal:
            raise AgendaChangeRefused(refusal)
        siblings = outline.siblings(current)
        siblings.remove(current)
        for gone in [current, *nested]:
            del outline.items[gone.pk]
        # Sub-items go with their parent (on_delete=CASCADE on AgendaItem.parent).
        AgendaItem.objects.filter(pk=current.pk).delete()
        outline.renumber(siblings)
        outline.save()
        return 1 + len(nested)


def agenda_numbers(meeting_ids: Iterable[int]) -> tuple[dict[int, str], dict[int, int]]:
    """Every item's agenda number, and its place in reading order within its meeting, for all
    items of the given meetings: one query (none for no meetings)."""
    meeting_ids = set(meeting_ids)
    if not meeting_ids:
        return {}, {}
    by_meeting: dict[int, list[NumberedNode]] = defaultdict(list)
    # Plain rows, not model instances: a search numbers every item of up to a few hundred
    # meetings, and building models costs four times the query. No ORDER BY: ordered_tree
    # orders each meeting's items, so the model's ordering would only add a join and a sort.
    styles: dict[int, str] = {}
    for item in (
        AgendaItem.objects.filter(meeting_id__in=meeting_ids)
        .order_by()
        .values_list(
            "pk",
            "meeting_id",
            "parent_id",
            "position",
            "printed_number",
            "meeting__series__reference_style",
            named=True,
        )
    ):
        by_meeting[item.meeting_id].append(item)
        styles[item.meeting_id] = item.meeting__series__reference_style
    numbers: dict[int, str] = {}
    places: dict[int, int] = {}
    for meeting_id, meeting_items in by_meeting.items():
        numbers |= number_items(meeting_items, styles[meeting_id])
        places |= {item.pk: place for place, (item, _) in enumerate(ordered_tree(meeting_items))}
    return numbers, places
