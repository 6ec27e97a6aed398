"""The load test's database check: every update POST the users saw succeed wrote exactly one
ActionUpdate, checked here against fabricated run records."""

import json

import pytest

from performance.loadtest.check import check_updates, read_record
from tests.factories import ActionFactory, ActionUpdateFactory

pytestmark = pytest.mark.django_db

RUN = "run-abc123"


def note(token):
    return f"Load test {RUN} update {token}: progress reported."


@pytest.fixture
def posted():
    """Two actions with an update each, as two successful POSTs of the run would leave them."""
    first, second = ActionFactory(), ActionFactory()
    ActionUpdateFactory(action=first, note=note("one"))
    ActionUpdateFactory(action=second, note=note("two"))
    return [
        {"action": first.pk, "note": note("one"), "user": "archive-officer"},
        {"action": second.pk, "note": note("two"), "user": "archive-force-cc"},
    ]


def test_a_run_whose_posts_each_wrote_one_update_passes(posted):
    ActionUpdateFactory(note="An update from before the run, not checked.")
    result = check_updates(posted, RUN)
    assert result.ok
    assert (result.recorded, result.found, result.unrecorded) == (2, 2, 0)
    assert result.summary().startswith("PASS: 2 successful update POSTs recorded, 2 written")


def test_a_planted_missing_update_is_caught(posted):
    planted = {"action": posted[0]["action"], "note": note("never-written"), "user": "x"}
    result = check_updates([*posted, planted], RUN)
    assert not result.ok
    assert result.missing == [planted]
    assert result.summary().startswith("FAIL")


def test_a_post_that_wrote_two_updates_is_caught(posted):
    ActionUpdateFactory(action_id=posted[1]["action"], note=note("two"))
    result = check_updates(posted, RUN)
    assert not result.ok
    assert result.duplicated == [posted[1]]


def test_an_update_written_on_another_action_is_caught(posted):
    swapped = [{**posted[0], "action": posted[1]["action"]}, posted[1]]
    result = check_updates(swapped, RUN)
    assert not result.ok
    assert result.wrong_action == [swapped[0]]


def test_updates_no_client_saw_succeed_are_counted_but_do_not_fail_the_run(posted):
    ActionUpdateFactory(action_id=posted[0]["action"], note=note("timed-out"))
    result = check_updates(posted, RUN)
    assert result.ok
    assert result.unrecorded == 1


def test_the_run_record_is_read_a_json_line_at_a_time(tmp_path, posted):
    record = tmp_path / "record.jsonl"
    record.write_text("".join(json.dumps(line) + "\n" for line in posted), encoding="utf-8")
    assert read_record(record) == posted
    assert read_record(tmp_path / "absent.jsonl") == []
