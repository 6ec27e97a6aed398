"""The action workflow: who may move an action from which status to which, and what a move
records. The expected rules are written out here from DESIGN.md, independently of the
workflow's own table, so that a change to the table that breaks the design fails a test."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory

from actions.admin import ActionAdmin
from actions.models import Action, ActionUpdate, Status
from actions.workflow import (
    WorkflowError,
    action_add_note,
    action_transition,
    allowed_transitions,
)
from assurance import roles
from meetings.models import Meeting
from tests.factories import ActionFactory, MeetingFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

OPEN, IN_PROGRESS, AWAITING, CLOSED, WITHDRAWN = (
    Status.OPEN,
    Status.IN_PROGRESS,
    Status.AWAITING_SIGN_OFF,
    Status.CLOSED,
    Status.WITHDRAWN,
)
OUTSTANDING = (OPEN, IN_PROGRESS, AWAITING)
ALL_STATUSES = (OPEN, IN_PROGRESS, AWAITING, CLOSED, WITHDRAWN)
ACTORS = ("opcc", "commissioner", "force_acting", "force_not_acting")

# DESIGN.md, "Action statuses and who may move them" (OPCC may also make the force's moves).
TARGET = {
    "start": IN_PROGRESS,
    "request_sign_off": AWAITING,
    "sign_off": CLOSED,
    "return": IN_PROGRESS,
    "reopen": IN_PROGRESS,
    "withdraw": WITHDRAWN,
}
SOURCES = {
    "start": (OPEN,),
    "request_sign_off": (OPEN, IN_PROGRESS),
    "sign_off": OUTSTANDING,
    "return": (AWAITING,),
    "reopen": (CLOSED,),
    "withdraw": OUTSTANDING,
}
WHO = {
    "start": {"opcc", "force_acting"},
    "request_sign_off": {"opcc", "force_acting"},
    "sign_off": {"opcc", "commissioner"},
    "return": {"opcc", "commissioner"},
    "reopen": {"opcc", "commissioner"},
    "withdraw": {"opcc", "commissioner"},
}
NOTE_REQUIRED = {"request_sign_off", "sign_off", "return", "reopen", "withdraw"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The users' fixtures hash a password each; the default hasher makes that slow.
    (Autouse, so it applies before the user fixtures are built.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def allowed(transition, status, actor):
    return status in SOURCES[transition] and actor in WHO[transition]


@pytest.fixture
def actors(officer, commissioner, force_user):
    """One user per actor; the action's owner is CC, which force_user acts for."""
    outsider = UserFactory(username="force-dcc", groups=[roles.FORCE])
    OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable").delegates.add(outsider)
    return {
        "opcc": officer,
        "commissioner": commissioner,
        "force_acting": force_user,
        "force_not_acting": outsider,
    }


# Where the test actions arise: in the past, so an update may take effect today or at a later
# meeting (never before the action arose, never in the future).
ORIGIN_DATE = datetime.date(2022, 11, 29)


def published_action(status=OPEN, **kwargs):
    """An action owned by CC that arose in published minutes, so force staff may read it."""
    return ActionFactory(
        status=status,
        origin_item__meeting__status=Meeting.Status.PUBLISHED,
        origin_item__meeting__date=ORIGIN_DATE,
        **kwargs,
    )


def snapshot(action):
    action.refresh_from_db()
    return action.status, action.version, action.updates.count(), action.closed_at


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("status", ALL_STATUSES)
@pytest.mark.parametrize("transition", list(TARGET))
def test_each_transition_is_made_only_by_the_roles_and_from_the_statuses_the_design_allows(
    actors, transition, status, actor
):
    action = published_action(status)
    before = snapshot(action)
    user = actors[actor]

    if allowed(transition, status, actor):
        update = action_transition(
            action_id=action.pk, transition=transition, user=user, note="Done as agreed."
        )
        action.refresh_from_db()
        assert action.status == TARGET[transition]
        assert action.version == before[1] + 1
        assert list(action.updates.all()) == [update]
        assert (update.author, update.note) == (user, "Done as agreed.")
        assert (update.status_before, update.status_after) == (status, TARGET[transition])
    else:
        with pytest.raises(WorkflowError) as refused:
            action_transition(
                action_id=action.pk, transition=transition, user=user, note="Done as agreed."
            )
        assert refused.value.message  # says why
        assert snapshot(action) == before


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("status", ALL_STATUSES)
def test_allowed_transitions_lists_exactly_what_the_user_may_do_now(actors, status, actor):
    action = published_action(status)
    names = {t.name for t in allowed_transitions(user=actors[actor], action=action)}
    assert names == {name for name in TARGET if allowed(name, status, actor)}


def test_forbidden_moves_say_who_may_make_them(actors):
    action = published_action(AWAITING)
    with pytest.raises(WorkflowError) as refused:
        action_transition(
            action_id=action.pk, transition="sign_off", user=actors["force_acting"], note="Done."
        )
    assert refused.value.forbidden
    assert refused.value.message == "Only OPCC staff or the Commissioner can sign an action off."


def test_a_move_from_the_wrong_status_says_what_the_status_is(officer):
    action = published_action(OPEN)
    with pytest.raises(WorkflowError) as refused:
        action_transition(action_id=action.pk, transition="reopen", user=officer, note="Why.")
    assert refused.value.code == "status"
    assert refused.value.message == "This action is open, so you cannot reopen it."


def test_a_superuser_acts_as_opcc_staff():
    superuser = UserFactory(username="root", is_superuser=True)
    action = published_action(OPEN)
    assert {t.name for t in allowed_transitions(user=superuser, action=action)} == {
        "start",
        "request_sign_off",
        "sign_off",
        "withdraw",
    }
    action_transition(action_id=action.pk, transition="start", user=superuser)
    action.refresh_from_db()
    assert action.status == IN_PROGRESS


def test_a_user_without_a_role_can_do_nothing(no_role_user):
    action = published_action(OPEN)
    assert allowed_transitions(user=no_role_user, action=action) == []
    with pytest.raises(WorkflowError):
        action_transition(action_id=action.pk, transition="start", user=no_role_user)
    with pytest.raises(WorkflowError):
        action_add_note(action_id=action.pk, user=no_role_user, note="Progress.")
    assert action.updates.count() == 0


def test_force_staff_cannot_move_an_action_of_their_office_from_draft_minutes(force_user):
    action = ActionFactory(status=OPEN, origin_item__meeting__status=Meeting.Status.DRAFT)
    assert allowed_transitions(user=force_user, action=action) == []
    with pytest.raises(WorkflowError) as refused:
        action_transition(action_id=action.pk, transition="start", user=force_user)
    assert refused.value.forbidden
    assert snapshot(action)[:3] == (OPEN, 1, 0)


def test_force_staff_act_on_an_action_when_one_of_its_owners_is_their_office(force_user):
    cc = OfficeFactory(abbreviation="CC")
    pcc = OfficeFactory(abbreviation="PCC", organisation="opcc")
    action = published_action(OPEN, owners=[pcc, cc])
    action_transition(action_id=action.pk, transition="start", user=force_user)
    action.refresh_from_db()
    assert action.status == IN_PROGRESS


def test_an_unknown_transition_is_refused_as_forbidden(officer):
    action = published_action(OPEN)
    with pytest.raises(WorkflowError) as refused:
        action_transition(action_id=action.pk, transition="close_quietly", user=officer)
    assert refused.value.forbidden
    assert snapshot(action)[:3] == (OPEN, 1, 0)


@pytest.mark.parametrize("transition", sorted(NOTE_REQUIRED))
@pytest.mark.parametrize("note", ["", "   \n  "])
def test_transitions_that_need_a_note_are_refused_without_one(officer, transition, note):
    status = SOURCES[transition][-1]
    action = published_action(status)
    before = snapshot(action)
    with pytest.raises(WorkflowError) as refused:
        action_transition(action_id=action.pk, transition=transition, user=officer, note=note)
    assert refused.value.code == "note_required"
    assert refused.value.message.startswith("Say ")
    assert snapshot(action) == before


def test_starting_work_needs_no_note(force_user):
    action = published_action(OPEN)
    update = action_transition(action_id=action.pk, transition="start", user=force_user)
    assert update.note == ""


def test_signing_off_records_who_closed_the_action_and_when_and_reopening_clears_it(
    officer, commissioner
):
    action = published_action(AWAITING)
    action_transition(
        action_id=action.pk, transition="sign_off", user=commissioner, note="Data received."
    )
    action.refresh_from_db()
    assert action.closed_by == commissioner
    assert action.closed_at is not None

    action_transition(
        action_id=action.pk, transition="reopen", user=officer, note="The data was incomplete."
    )
    action.refresh_from_db()
    assert (action.status, action.closed_by, action.closed_at) == (IN_PROGRESS, None, None)
    assert action.version == 3


def test_a_change_based_on_an_out_of_date_status_is_refused(officer):
    action = published_action(IN_PROGRESS)
    before = snapshot(action)
    with pytest.raises(WorkflowError) as refused:
        action_transition(
            action_id=action.pk,
            transition="sign_off",
            user=officer,
            note="Done.",
            expected_status=OPEN,
        )
    assert refused.value.message == (
        "This action changed while you were looking at it: it is now in progress. "
        "Check its latest update and try again."
    )
    assert snapshot(action) == before


def test_a_change_based_on_the_current_status_goes_through(officer):
    action = published_action(IN_PROGRESS)
    action_transition(
        action_id=action.pk,
        transition="sign_off",
        user=officer,
        note="Done.",
        expected_status=IN_PROGRESS,
    )
    action.refresh_from_db()
    assert action.status == CLOSED


def test_a_change_given_at_a_meeting_is_recorded_against_it(officer):
    action = published_action(OPEN)
    meeting = MeetingFactory(status=Meeting.Status.DRAFT, date=datetime.date(2023, 1, 31))
    update = action_transition(
        action_id=action.pk, transition="start", user=officer, note="Begun.", meeting=meeting
    )
    assert update.meeting == meeting


@pytest.mark.parametrize("status", [Meeting.Status.APPROVED, Meeting.Status.PUBLISHED])
def test_no_update_is_recorded_at_a_meeting_whose_minutes_are_approved(officer, status):
    action = published_action(OPEN)
    meeting = MeetingFactory(status=status)
    with pytest.raises(WorkflowError) as refused:
        action_transition(
            action_id=action.pk, transition="start", user=officer, note="x", meeting=meeting
        )
    assert refused.value.message == Meeting.READ_ONLY_MESSAGE
    with pytest.raises(WorkflowError):
        action_add_note(action_id=action.pk, user=officer, note="x", meeting=meeting)
    assert snapshot(action)[:3] == (OPEN, 1, 0)


@pytest.mark.parametrize("actor", ["opcc", "commissioner", "force_acting"])
def test_progress_notes_are_added_without_changing_the_status(actors, actor):
    action = published_action(IN_PROGRESS)
    update = action_add_note(action_id=action.pk, user=actors[actor], note="  Report drafted. ")
    action.refresh_from_db()
    assert action.status == IN_PROGRESS
    assert (update.status_before, update.status_after) == (IN_PROGRESS, IN_PROGRESS)
    assert update.note == "Report drafted."
    assert update.author == actors[actor]
    assert ActionUpdate.objects.filter(action=action).count() == 1


def test_force_staff_cannot_add_notes_to_another_offices_action(actors):
    action = published_action(IN_PROGRESS)
    with pytest.raises(WorkflowError) as refused:
        action_add_note(action_id=action.pk, user=actors["force_not_acting"], note="Progress.")
    assert refused.value.forbidden
    assert action.updates.count() == 0


def test_a_progress_note_cannot_be_empty(officer):
    action = published_action(OPEN)
    with pytest.raises(WorkflowError) as refused:
        action_add_note(action_id=action.pk, user=officer, note="  ")
    assert refused.value.code == "note_required"
    assert action.updates.count() == 0


def test_a_progress_note_based_on_an_out_of_date_status_is_refused(officer):
    action = published_action(CLOSED)
    with pytest.raises(WorkflowError) as refused:
        action_add_note(action_id=action.pk, user=officer, note="Ongoing.", expected_status=OPEN)
    assert refused.value.code == "stale"
    assert action.updates.count() == 0


def test_the_admin_form_cannot_change_an_actions_status(rf: RequestFactory):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    request = rf.get("/")
    request.user = superuser
    action = published_action(OPEN)
    form_class = ActionAdmin(Action, admin.site).get_form(request, action)
    assert "status" not in form_class.base_fields
    assert "version" not in form_class.base_fields
