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
