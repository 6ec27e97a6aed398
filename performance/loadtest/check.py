"""The load test's database check: every update POST the users saw succeed wrote exactly one
ActionUpdate, on the action it was posted to.

The Locust users append one JSON line per successful POST to the run record (the action's pk
and the note, which carries the run's id and a unique token); after gunicorn has stopped, the
driver reads the record and compares it with the updates in the database.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from actions.models import ActionUpdate


@dataclass
class CheckResult:
    """What the database holds for the POSTs the load test recorded as successful."""

    recorded: int = 0
    found: int = 0
    missing: list[dict] = field(default_factory=list)  # succeeded, but no update was written
    duplicated: list[dict] = field(default_factory=list)  # one POST, several updates
    wrong_action: list[dict] = field(default_factory=list)  # written on another action
    unrecorded: int = 0  # updates of this run no user saw succeed (e.g. a timed-out response)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.wrong_action)

    def summary(self) -> str:
        verdict = "PASS" if self.ok else "FAIL"
        return (
            f"{verdict}: {self.recorded} successful update POSTs recorded, {self.found} written "
            f"exactly once; {len(self.missing)} missing, {len(self.duplicated)} duplicated, "
            f"{len(self.wrong_action)} on the wrong action; {self.unrecorded} written but not "
            "seen to succeed by the client."
        )


def read_record(path: Path) -> list[dict]:
    """The run record: one JSON object a line, ``{"action": pk, "note": text, "user": name}``."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def check_updates(records: Iterable[dict], run_id: str) -> CheckResult:
    """Compare the recorded successes with the updates whose note carries ``run_id``."""
    written: dict[str, list[int]] = defaultdict(list)
    for note, action_id in ActionUpdate.objects.filter(note__contains=run_id).values_list(
        "note", "action_id"
    ):
        written[note].append(action_id)
    result = CheckResult()
    for record in records:
        result.recorded += 1
        action_ids = written.pop(record["note"], [])
        if not action_ids:
            result.missing.append(record)
        elif len(action_ids) > 1:
            result.duplicated.append(record)
        elif action_ids[0] != record["action"]:
            result.wrong_action.append(record)
        else:
            result.found += 1
    result.unrecorded = sum(len(action_ids) for action_ids in written.values())
    return result
