"""No lost writes: many people saving the same minutes and the same action at the same moment.

Threads post the real forms through the test client, released together by a barrier: the item
form and the meeting form (optimistic locking: one save wins, every other gets the stale-edit
message and nothing of theirs is saved), the action page's change of status and progress notes
(the workflow's row lock), and all of them at once on one item and its action. Afterwards the
saved text is exactly the winner's, versions moved once per successful save, and the number of
ActionUpdates written equals the number of successful submissions that write one.

Runs on PostgreSQL, as CI does: SQLite serialises every write on one database lock, so nothing
here could race there. Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import reverse

from actions.models import Action, ActionUpdate, Status
from assurance.versioning import STALE_EDIT_MESSAGE
from meetings.models import AgendaItem, Meeting
from tests.factories import ActionFactory, AgendaItemFactory, MeetingFactory, OfficeFactory
from tests.hostile import item_edit_data, meeting_edit_data

THREADS = 8
ROUNDS = 3

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrency needs PostgreSQL's row locks; SQLite serialises writes on one lock, "
            "so nothing could race. CI runs this on PostgreSQL."
        )


def run_at_once(jobs):
    """Run each ``job()`` in its own thread, all released together; return their results (or
    the exception each raised), in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=20)
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection: don't leak it

    threads = [threading.Thread(target=worker, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def post_job(client, url, data):
    """A job posting ``data``: returns (status code, page text) so threads hold no response."""

    def job():
        response = client.post(url, data)
        return response.status_code, response.content.decode()

    return job


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Figures:
    """What happened to one kind of submission, summed over the rounds."""

    name: str
    attempts: int = 0
    successes: int = 0
    conflicts: int = 0
    updates_written: int = 0

    def report(self) -> str:
        return (
            f"{self.name}: attempts={self.attempts}, successes={self.successes}, "
            f"conflicts={self.conflicts}, updates written={self.updates_written}"
        )


def tally(results, figures: Figures, conflict_text: str) -> list[int]:
    """Count successes (redirects) and conflicts (the refusal shown); return the winners'
    indexes. Anything else — an error, a 500, a refusal without the message — fails."""
    winners = []
    for index, result in enumerate(results):
        assert not isinstance(result, Exception), result
        status, body = result
        figures.attempts += 1
        if status == 302:
            figures.successes += 1
            winners.append(index)
        else:
            assert status == 200, status
            assert conflict_text in body, "refused without saying why"
            figures.conflicts += 1
    return winners


STALE_ITEM = STALE_EDIT_MESSAGE.format(thing="item").split(" while")[0]
STALE_MEETING = STALE_EDIT_MESSAGE.format(thing="meeting").split(" while")[0]
STALE_ACTION = STALE_EDIT_MESSAGE.format(thing="action").split(" while")[0]
STALE_STATUS = "This action changed while you were looking at it"


# --- (a) Optimistic locking of the minute-taking forms ---------------------------------------


def test_of_many_simultaneous_item_saves_exactly_one_wins_and_none_is_lost(officer):
    client = signed_in(officer)
    figures = Figures("item form")
    for round_ in range(ROUNDS):
        item = AgendaItemFactory(minutes="Before.")
        url = reverse("meetings:item_edit", args=[item.meeting_id, item.pk])
        loaded = item_edit_data(item)  # every thread loaded the form at the same version
        texts = [f"Minutes typed by officer {n} in round {round_}." for n in range(THREADS)]
        jobs = [post_job(client, url, loaded | {"minutes": text}) for text in texts]

        winners = tally(run_at_once(jobs), figures, STALE_ITEM)

        assert len(winners) == 1
        item.refresh_from_db()
        assert item.minutes == texts[winners[0]]
        assert item.version == 2
    print("\n" + figures.report())
    assert figures.conflicts == ROUNDS * (THREADS - 1)


def test_of_many_simultaneous_meeting_saves_exactly_one_wins_and_none_is_lost(officer):
    client = signed_in(officer)
    figures = Figures("meeting form")
    for round_ in range(ROUNDS):
        meeting = MeetingFactory(venue="Before")
        url = reverse("meetings:edit", args=[meeting.pk])
        loaded = meeting_edit_data(meeting)
        venues = [f"Room {n}, round {round_}" for n in range(THREADS)]
        jobs = [post_job(client, url, loaded | {"venue": venue}) for venue in venues]

        winners = tally(run_at_once(jobs), figures, STALE_MEETING)

        assert len(winners) == 1
        meeting.refresh_from_db()
        assert meeting.venue == venues[winners[0]]
        assert meeting.version == 2
    print("\n" + figures.report())
    assert figures.conflicts == ROUNDS * (THREADS - 1)


# --- (b) The workflow's row lock --------------------------------------------------------------


def sign_off_request(action, n):
    return {
        "status-transition": "request_sign_off",
        "status-note": f"Done, says thread {n}.",
        "status-expected_status": action.status,
    }


def test_simultaneous_changes_of_status_and_notes_write_one_update_each(officer, force_user):
    """Officers and force staff ask for sign-off on the same action at once, while others add
    progress notes: one request wins, the rest are told the action changed, every note is
    kept, and the updates written are exactly the successful submissions."""
    clients = [signed_in(officer), signed_in(force_user)]
    cc = OfficeFactory(abbreviation="CC")  # the office the force user acts for
    transitions, notes = Figures("sign-off requests"), Figures("progress notes")
    for _round in range(ROUNDS):
        action = ActionFactory(
            owners=[cc],
            status=Status.IN_PROGRESS,
            origin_item__meeting__status=Meeting.Status.APPROVED,
        )
        transition_url = reverse("actions:transition", args=[action.pk])
        note_url = reverse("actions:note", args=[action.pk])
        jobs = [
            post_job(clients[n % 2], transition_url, sign_off_request(action, n))
            for n in range(THREADS)
        ]
        jobs += [
            post_job(clients[n % 2], note_url, {"note-note": f"Progress from thread {n}."})
            for n in range(THREADS)
        ]
        results = run_at_once(jobs)

        won = tally(results[:THREADS], transitions, STALE_STATUS)
        noted = tally(results[THREADS:], notes, "")
        assert len(won) == 1
        assert len(noted) == THREADS
        updates = ActionUpdate.objects.filter(action=action)
        changes = updates.exclude(status_before=F("status_after"))
        transitions.updates_written += changes.count()
        notes.updates_written += updates.filter(status_before=F("status_after")).count()
        assert updates.count() == len(won) + len(noted)
        action.refresh_from_db()
        assert action.status == changes.get().status_after == Status.AWAITING_SIGN_OFF
        assert action.version == 2
        assert changes.get().note == f"Done, says thread {won[0]}."

    print("\n" + transitions.report() + "\n" + notes.report())
    assert transitions.updates_written == transitions.successes == ROUNDS
    assert notes.updates_written == notes.successes == ROUNDS * THREADS


# --- Both at once: the item form, the action page and the outstanding notes -------------------


def test_minute_taking_and_the_workflow_together_lose_no_write(officer):
    """On one item and its action, at the same moment: officers save the item form (new minutes
    and a new wording of the action), officers and force staff ask for the action's sign-off,
    and others add progress notes. The item form's version check, the action row's version
    check and the workflow's row lock must between them let nothing be overwritten."""
    officer_client = signed_in(officer)
    cc = OfficeFactory(abbreviation="CC")
    per_kind = THREADS // 2
    figures = {
        "item": Figures("item form (minutes and action wording)"),
        "transition": Figures("sign-off requests"),
        "note": Figures("progress notes"),
    }
    outcomes = Counter()
    for round_ in range(ROUNDS):
        # The item form needs draft minutes, which force staff cannot read: every job here is
        # an officer's (force staff's own moves race in the test above).
        action = ActionFactory(owners=[cc], status=Status.IN_PROGRESS, description="Before.")
        item = AgendaItem.objects.get(pk=action.origin_item_id)
        item_url = reverse("meetings:item_edit", args=[item.meeting_id, item.pk])
        loaded = item_edit_data(item)
        minutes = [f"Minutes by officer {n}, round {round_}." for n in range(per_kind)]
        wording = [f"Action worded by officer {n}, round {round_}." for n in range(per_kind)]
        # Half the officers also reword the action (its row is version-checked too); the
        # others change only the minutes.
        rewords = [n % 2 == 0 for n in range(per_kind)]
        posts = [
            loaded
            | {"minutes": minutes[n]}
            | ({"actions-0-description": wording[n]} if rewords[n] else {})
            for n in range(per_kind)
        ]
        jobs = [post_job(officer_client, item_url, post) for post in posts]
        jobs += [
            post_job(
                officer_client,
                reverse("actions:transition", args=[action.pk]),
                sign_off_request(action, n),
            )
            for n in range(per_kind)
        ]
        jobs += [
            post_job(
                officer_client,
                reverse("actions:note", args=[action.pk]),
                {"note-note": f"Progress from thread {n}."},
            )
            for n in range(per_kind)
        ]
        results = run_at_once(jobs)

        stale = "Someone else saved a change to this"  # the item or the action
        item_won = tally(results[:per_kind], figures["item"], stale)
        won = tally(results[per_kind : 2 * per_kind], figures["transition"], STALE_STATUS)
        noted = tally(results[2 * per_kind :], figures["note"], "")

        # The item form: exactly one save — the first to take the meeting's lock, unless it
        # rewords an action whose status has changed meanwhile, when it is refused whole and the
        # next one gets its turn — and then exactly its text: minutes and wording together.
        assert len(item_won) == 1
        winner = item_won[0]
        item.refresh_from_db()
        action.refresh_from_db()
        assert item.minutes == minutes[winner]
        rewording = rewords[winner]
        assert action.description == (wording[winner] if rewording else "Before.")
        outcomes["minutes and wording saved" if rewording else "minutes only saved"] += 1
        assert item.version == 1 + len(item_won)
        # The workflow: exactly one change of status, every note.
        assert len(won) == 1 and len(noted) == per_kind
        updates = ActionUpdate.objects.filter(action=action)
        changes = updates.exclude(status_before=F("status_after"))
        assert action.status == changes.get().status_after == Status.AWAITING_SIGN_OFF
        # Every update written is one successful submission (the item form changes no owner or
        # due point here, so it writes none).
        assert updates.count() == len(won) + len(noted)
        figures["transition"].updates_written += changes.count()
        figures["note"].updates_written += updates.count() - changes.count()
        assert action.version == 1 + len(won) + (1 if rewording else 0)

    print("\n" + "\n".join(f.report() for f in figures.values()))
    print(f"item form outcomes over {ROUNDS} rounds: {dict(outcomes)}")
    total_updates = ActionUpdate.objects.count()
    successes = figures["transition"].successes + figures["note"].successes
    assert total_updates == successes


def test_saving_a_meeting_and_one_of_its_items_at_once_both_succeed(officer):
    """Different records, so neither is stale: the item form waits for the meeting's row lock
    and then saves, rather than failing or deadlocking."""
    client = signed_in(officer)
    item = AgendaItemFactory()
    meeting = item.meeting
    jobs = [
        post_job(client, reverse("meetings:edit", args=[meeting.pk]), meeting_edit_data(meeting)),
        post_job(
            client,
            reverse("meetings:item_edit", args=[meeting.pk, item.pk]),
            item_edit_data(item) | {"minutes": "Changed."},
        ),
    ]
    results = run_at_once(jobs)
    assert [status for status, _ in results] == [302, 302]
    item.refresh_from_db()
    assert item.minutes == "Changed."
    assert Action.objects.count() == 0
