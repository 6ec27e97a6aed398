"""Two people making the same change at the same moment: the row lock lets exactly one win.

Runs on PostgreSQL (as CI does); SQLite serialises writes anyway, so the test is skipped there.
"""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from actions.models import ActionUpdate, Status
from actions.workflow import WorkflowError, action_transition
from assurance import roles
from tests.factories import ActionFactory, UserFactory

THREADS = 6
ROUNDS = 3


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_at_once(target, count):
    """Run ``target(index)`` in ``count`` threads released together; return their results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        try:
            barrier.wait(timeout=10)
            results[index] = target(index)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection; don't leak it

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("expected_status", [None, Status.AWAITING_SIGN_OFF])
def test_only_one_of_several_simultaneous_sign_offs_succeeds(expected_status):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL's row locks; SQLite serialises writes anyway.")
    # A transactional test starts from an empty database, without the data migration's groups.
    for name in (roles.OPCC, roles.COMMISSIONER):
        Group.objects.get_or_create(name=name)
    officer = UserFactory(username="racing-officer", groups=[roles.OPCC])
    commissioner = UserFactory(username="racing-pcc", groups=[roles.COMMISSIONER])
    users = [officer, commissioner]

    for _round in range(ROUNDS):
        action = ActionFactory(status=Status.AWAITING_SIGN_OFF)

        def sign_off(index, action=action):
            return action_transition(
                action_id=action.pk,
                transition="sign_off",
                user=users[index % 2],
                note=f"Signed off by thread {index}.",
                expected_status=expected_status,
            )

        results = run_at_once(sign_off, THREADS)

        winners = [result for result in results if isinstance(result, ActionUpdate)]
        refusals = [result for result in results if isinstance(result, WorkflowError)]
        assert len(winners) == 1, results
        assert len(refusals) == THREADS - 1, results
        action.refresh_from_db()
        assert action.status == Status.CLOSED
        assert action.version == 2
        assert list(action.updates.all()) == winners
