"""Agenda numbering, derived from the tree of items: 1, 2, 2.1 … 2.12, then 2.1a … 2.1f.

Numbers are never stored; reordering or nesting an item renumbers everything after it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

MAX_DEPTH = 3


class NumberedNode(Protocol):
    pk: int
    parent_id: int | None
    position: int
    printed_number: str


def letters(index: int) -> str:
    """1 → a, 26 → z, 27 → aa: the third-level suffix."""
    result = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        result = chr(ord("a") + remainder) + result
    return result


def child_number(parent_number: str | None, depth: int, index: int) -> str:
    if depth == 1:
        return str(index)
    if depth == 2:
        return f"{parent_number}.{index}"
    return f"{parent_number}{letters(index)}"


def ordered_tree(items: Iterable[NumberedNode]) -> list[tuple[NumberedNode, int]]:
    """The items in reading order, each with its depth (1 = top level)."""
    children = defaultdict(list)
    for item in items:
        children[item.parent_id].append(item)
    for siblings in children.values():
        siblings.sort(key=lambda item: (item.position, item.pk))

    ordered: list[tuple[NumberedNode, int]] = []

    def walk(parent_id, depth):
        for item in children.get(parent_id, []):
            ordered.append((item, depth))
            walk(item.pk, depth + 1)

    walk(None, 1)
    return ordered


def number_items(items: Iterable[NumberedNode]) -> dict[int, str]:
    """Map each item's pk to its agenda number. ``items`` is every item of one meeting.

    An item with a ``printed_number`` (entered from older minutes whose agenda is not held in
    full) keeps that number, and its children are numbered from it.
    """
    numbers: dict[int, str] = {}
    counters: dict[int | None, int] = defaultdict(int)
    for item, depth in ordered_tree(items):
        counters[item.parent_id] += 1
        derived = child_number(numbers.get(item.parent_id), depth, counters[item.parent_id])
        numbers[item.pk] = item.printed_number or derived
    return numbers


def agenda_numbers(meeting_ids: Iterable[int]) -> tuple[dict[int, str], dict[int, int]]:
    """Every item's agenda number, and its place in reading order within its meeting, for all
    items of the given meetings: one query (none for no meetings)."""
    # Imported here: meetings.models imports this module for MAX_DEPTH and number_items.
    from meetings.models import AgendaItem

    meeting_ids = set(meeting_ids)
    if not meeting_ids:
        return {}, {}
    by_meeting: dict[int, list[NumberedNode]] = defaultdict(list)
    # Plain rows, not model instances: a search numbers every item of up to a few hundred
    # meetings, and building models costs four times the query. No ORDER BY: ordered_tree
    # orders each meeting's items, so the model's ordering would only add a join and a sort.
    for item in (
        AgendaItem.objects.filter(meeting_id__in=meeting_ids)
        .order_by()
        .values_list("pk", "meeting_id", "parent_id", "position", "printed_number", named=True)
    ):
        by_meeting[item.meeting_id].append(item)
    numbers: dict[int, str] = {}
    places: dict[int, int] = {}
    for meeting_items in by_meeting.values():
        numbers |= number_items(meeting_items)
        places |= {item.pk: place for place, (item, _) in enumerate(ordered_tree(meeting_items))}
    return numbers, places
