"""Action references: "YYYY-MM-NN", from the date of the meeting the action arose at.

The first action of November 2022 is 2022-11-01, the next 2022-11-02, and so on across every
meeting of the series held that month. A series with a reference code starts its references
with it ("GB-2022-11-01"), so each series numbers its own. References are stable: once given,
never changed or reused.
"""

from __future__ import annotations

from actions.models import Action
from meetings.models import Meeting


def reference_prefix(meeting: Meeting) -> str:
    code = meeting.series.reference_code
    return f"{code}-{meeting.date:%Y-%m}-" if code else f"{meeting.date:%Y-%m}-"


def next_action_reference(meeting: Meeting) -> str:
    """The next free reference for an action arising at ``meeting``.

    Takes the highest sequence number already given in the meeting's month (not the count, so a
    gap or a hand-entered reference cannot cause a clash). Two actions numbered at the same
    moment could still get the same answer: callers lock the meeting's row while numbering and
    retry once if the unique constraint on ``Action.reference`` refuses the insert.
    """
    prefix = reference_prefix(meeting)
    taken = Action.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"
