"""Action references: "YYYY-MM-NN", from the date of the meeting the action arose at.

The first action of November 2022 is 2022-11-01, the next 2022-11-02, and so on across every
meeting of the series held that month. A series with a reference code starts its references
with it ("GB-2022-11-01"), so each series numbers its own. References are stable: once given,
never changed or reused.
"""

from __future__ import annotations

from collections.abc import Iterable

from actions.models import Action
from meetings.models import Meeting


def reference_prefix(meeting: Meeting) -> str:
    """What every reference of an action arising at ``meeting`` starts with: the series' code
    (if it has one) and the meeting's year and month, "GB-2022-11-" or "2022-11-"."""
    code = meeting.series.reference_code
    return f"{code}-{meeting.date:%Y-%m}-" if code else f"{meeting.date:%Y-%m}-"


def format_reference(prefix: str, number: int) -> str:
    """The reference numbered ``number`` under ``prefix``: "2022-11-01", then "2022-11-02"."""
    return f"{prefix}{number:02d}"


def highest_numbers(references: Iterable[str], prefixes: Iterable[str]) -> dict[str, int]:
    """The highest sequence number already given under each of ``prefixes`` among
    ``references`` (0 for a prefix with none); a reference whose rest after the prefix is not
    a number (entered by hand) takes no number."""
    highest = dict.fromkeys(prefixes, 0)
    lengths = {len(prefix) for prefix in highest}
    for reference in references:
        for length in lengths:
            prefix, rest = reference[:length], reference[length:]
            if prefix in highest and rest.isdigit():
                highest[prefix] = max(highest[prefix], int(rest))
    return highest


def next_action_reference(meeting: Meeting) -> str:
    """The next free reference for an action arising at ``meeting``.

    Takes the highest sequence number already given in the meeting's month (not the count, so a
    gap or a hand-entered reference cannot cause a clash). Two actions numbered at the same
    moment could still get the same answer: callers lock the meeting's row while numbering and
    retry once if the unique constraint on ``Action.reference`` refuses the insert.
    """
    prefix = reference_prefix(meeting)
    taken = Action.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    return format_reference(prefix, highest_numbers(taken, [prefix])[prefix] + 1)
