"""Agenda numbering, derived from the tree of items: 1, 2, 2.1 … 2.12, then 2.1a … 2.1f.

Numbers are never stored; reordering or nesting an item renumbers everything after it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from django.db import models

MAX_DEPTH = 3
NESTING_RULE = f"agenda items nest at most {MAX_DEPTH} levels deep"


def nests_too_deep(depth: int, height: int = 1) -> bool:
    """Whether an item placed at ``depth`` (1 = the top level) would break ``NESTING_RULE``,
    with the ``height`` levels it and its sub-items take up (1 with no sub-items)."""
    return depth + height - 1 > MAX_DEPTH


class ReferenceStyle(models.TextChoices):
    """How a series' minutes number agenda items, where a board numbers them its own way."""

    DERIVED = "derived", "The number derived from the agenda (1, 2.1, 2.1a)"
    OWN = "own", "The board's own reference instead of the number"
    BOTH = "both", "The number, with the board's own reference beside it"


class OwnerStyle(models.TextChoices):
    """How a series' minutes write the people who own actions; offices are always written by
    their abbreviation ("CC")."""

    INITIALS = "initials", 'Initials ("RJ")'
    RANK_INITIALS = "rank_initials", 'Rank or title and initials ("ACC RJ")'


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


def number_items(items: Iterable[NumberedNode], style: str = ReferenceStyle.OWN) -> dict[int, str]:
    """Map each item's pk to the number it is shown by. ``items`` is every item of one meeting;
    ``style`` is its series' ``reference_style``.

    With the style "own", an item with a ``printed_number`` (the board's own reference, or the
    number printed in older minutes entered from the record) is shown by it, and its children
    are numbered from it. With "derived" and "both" every item has the number the tree gives
    it ("both" shows the reference beside it: ``board_reference_beside``).
    """
    numbers: dict[int, str] = {}
    counters: dict[int | None, int] = defaultdict(int)
    for item, depth in ordered_tree(items):
        counters[item.parent_id] += 1
        derived = child_number(numbers.get(item.parent_id), depth, counters[item.parent_id])
        own = item.printed_number if style == ReferenceStyle.OWN else ""
        numbers[item.pk] = own or derived
    return numbers


def board_reference_beside(item: NumberedNode, style: str) -> str:
    """The board's own reference to show beside an item's number: only with the style "both"."""
    return item.printed_number if style == ReferenceStyle.BOTH else ""
