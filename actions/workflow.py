"""The action workflow: the one place where an action's status changes.

Views, the admin, the outstanding matters form and any future code call ``action_transition``
(a change of status) or ``action_add_note`` (progress without one); nothing else assigns
``Action.status``. Each call locks the action's row, checks who may do what, and writes exactly
one ``ActionUpdate`` in the same transaction. Every refusal raises ``WorkflowError`` with a
plain-English message saying why.

The transitions are data (``TRANSITIONS``), following DESIGN.md "Action statuses and who may
move them":

- force staff, on actions owned by an office they act for (and may read): open → in progress
  (start); open or in progress → awaiting sign-off (request sign-off, note required);
- OPCC staff and the Commissioner, on any action: any outstanding status → closed (sign off);
  awaiting sign-off → in progress (return); closed → in progress (reopen); any outstanding
  status → withdrawn (withdraw) — each with a note.

Our choice: OPCC staff may also make the force's two moves (start, request sign-off), because
they "record updates given at a meeting" and the outstanding matters form lets the officer record
"in progress" or "awaiting sign-off" as reported at the meeting. The Commissioner may not: the
Commissioner signs off, returns, reopens and withdraws. Superusers count as OPCC staff.

Updates recorded at a meeting are part of its minutes, so they are refused once the minutes are
approved or published, and before the meeting has taken place.

Every update has the date it takes effect (``effective_on``), apart from when it was typed: the
meeting's date for an update given at a meeting; otherwise today, or an earlier day an officer
entering older records chooses — never in the future, never before the action arose, and for a
change of status never before the action's last change of status, so that its history reads in
order. Statuses at a meeting, "closed in the last 90 days" and every count use that date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from actions.models import OUTSTANDING, Action, ActionUpdate, ReviewedAction, Status, start_of_day
from assurance import roles
from meetings.models import Meeting

STALE_MESSAGE = (
    "This action changed while you were looking at it: it is now {status}. "
    "Check its latest update and try again."
)
NOTE_MISSING_MESSAGE = "Enter a progress note saying what has been done."


class WorkflowError(Exception):
    """The workflow refused a change; ``message`` says why in plain English.

    ``code`` says what kind of refusal it is, so a view can answer a forbidden request with 403
    and show the others beside the right field: "forbidden", "stale", "status",
    "note_required", "read_only", "not_found" or "effective_on" (the date it takes effect).
    """

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    @property
    def forbidden(self) -> bool:
        return self.code == "forbidden"


@dataclass(frozen=True)
class Transition:
    """One move of the workflow: who may make it, from which statuses, to which status."""

    name: str
    label: str  # what the user chooses, on the action page and the outstanding matters form
    verb: str  # for messages, with "{it}" for the action: "sign {it} off"
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    # The error when the note this move requires is missing, saying how to fix it; "" when the
    # move needs no note.
    note_message: str = ""

    @property
    def note_required(self) -> bool:
        return bool(self.note_message)


_OPCC_AND_PCC = frozenset({roles.OPCC, roles.COMMISSIONER})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        name="start",
        label="Mark as in progress",
        verb="mark {it} as in progress",
        sources=frozenset({Status.OPEN}),
        target=Status.IN_PROGRESS,
        roles=frozenset({roles.FORCE, roles.OPCC}),
    ),
    Transition(
        name="request_sign_off",
        label="Ask for sign-off (awaiting sign-off)",
        verb="ask for {it} to be signed off",
        sources=frozenset({Status.OPEN, Status.IN_PROGRESS}),
        target=Status.AWAITING_SIGN_OFF,
        roles=frozenset({roles.FORCE, roles.OPCC}),
        note_message="Say what was done to complete the action, so that it can be signed off.",
    ),
    Transition(
        name="sign_off",
        label="Sign off and close",
        verb="sign {it} off",
        sources=frozenset(OUTSTANDING),
        target=Status.CLOSED,
        roles=_OPCC_AND_PCC,
        note_message="Say why the action can be closed, for example what the force provided.",
    ),
    Transition(
        name="return",
        label="Return for more work (back to in progress)",
        verb="return {it} for more work",
        sources=frozenset({Status.AWAITING_SIGN_OFF}),
        target=Status.IN_PROGRESS,
        roles=_OPCC_AND_PCC,
        note_message="Say what more needs to be done before the action can be signed off.",
    ),
    Transition(
        name="reopen",
        label="Reopen (back to in progress)",
        verb="reopen {it}",
        sources=frozenset({Status.CLOSED}),
        target=Status.IN_PROGRESS,
        roles=_OPCC_AND_PCC,
        note_message="Say why the action is being reopened.",
    ),
    Transition(
        name="withdraw",
        label="Withdraw",
        verb="withdraw {it}",
        sources=frozenset(OUTSTANDING),
        target=Status.WITHDRAWN,
        roles=_OPCC_AND_PCC,
        note_message="Say why the action is being withdrawn.",
    ),
)
TRANSITIONS_BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}

# Who may add a progress note without changing the status (force only when acting for an owner).
NOTE_ROLES = frozenset({roles.OPCC, roles.COMMISSIONER, roles.FORCE})

ROLE_DESCRIPTIONS = {
    roles.OPCC: "OPCC staff",
    roles.COMMISSIONER: "the Commissioner",
    roles.FORCE: "force staff acting for an office that owns the action",
}


def _roles_held(user) -> set[str]:
    """The workflow roles this user holds; superusers act as OPCC staff."""
    if not user.is_authenticated:
        return set()
    held = {
        name for name in (roles.OPCC, roles.COMMISSIONER, roles.FORCE) if roles.in_group(user, name)
    }
    if user.is_superuser:
        held.add(roles.OPCC)
    return held


def _acts_for(user, action: Action) -> bool:
    """Whether the user acts for an office owning the action, and may read the action."""
    return Action.objects.visible_to(user).acted_for_by(user).filter(pk=action.pk).exists()


def authority(*, user, action: Action) -> frozenset[str]:
    """The roles under which this user may act on this action: OPCC staff and the Commissioner
    on any action; force staff only on an action owned by an office they act for."""
    # A page asks several questions about one action; remember the answer on the instance.
    # (The writes below ask again about a freshly locked instance, so never trust a stale one.)
    cached = getattr(action, "_workflow_authority", None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    held = _roles_held(user)
    if roles.FORCE in held and not _acts_for(user, action):
        held.discard(roles.FORCE)
    action._workflow_authority = (user.pk, frozenset(held))
    return action._workflow_authority[1]


def allowed_transitions(*, user, action: Action) -> list[Transition]:
    """What this user may do to this action's status now, in the order of ``TRANSITIONS``."""
    held = authority(user=user, action=action)
    return [t for t in TRANSITIONS if action.status in t.sources and held & t.roles]


def may_change_status(*, user, action: Action) -> bool:
    """Whether the user may make any transition on this action, whatever its status now."""
    held = authority(user=user, action=action)
    return any(held & t.roles for t in TRANSITIONS)


def may_add_note(*, user, action: Action) -> bool:
    """Whether the user may add a progress note to this action."""
    return bool(authority(user=user, action=action) & NOTE_ROLES)


def _who(role_names: frozenset[str]) -> str:
    names = [ROLE_DESCRIPTIONS[name] for name in ROLE_DESCRIPTIONS if name in role_names]
    return " or ".join(names)


def _lock(*, action_id: int, meeting: Meeting | None) -> Action:
    """Lock the meeting (if any) and then the action, in that order everywhere, and check the
    meeting's minutes can still take updates."""
    if meeting is not None:
        locked_meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked_meeting.is_editable:
            raise WorkflowError(Meeting.READ_ONLY_MESSAGE, code="read_only")
        if not locked_meeting.has_taken_place():
            raise WorkflowError(
                f"This meeting is on {_day(locked_meeting.date)}: updates can be recorded at it "
                "once it has taken place.",
                code="read_only",
            )
    try:
        return Action.objects.select_for_update().get(pk=action_id)
    except Action.DoesNotExist:
        raise WorkflowError("That action does not exist.", code="not_found") from None


def _day(date: datetime.date) -> str:
    return date_format(date, "j F Y")


def _effective_date(
    action: Action,
    *,
    held: frozenset[str],
    meeting: Meeting | None,
    effective_on: datetime.date | None,
    changes_status: bool,
) -> datetime.date:
    """The date the update takes effect, checked: the meeting's date at a meeting, else the
    date given (today if none; an earlier day only from OPCC staff, who enter older records),
    never in the future or before the action arose, and for a change of status never before
    the action's last one."""
    today = timezone.localdate()
    if meeting is not None:
        effective_on = meeting.date
    elif effective_on is None:
        effective_on = today
    elif effective_on != today and roles.OPCC not in held:
        raise WorkflowError(
            "Only OPCC staff entering older records can date an update before today.",
            code="forbidden",
        )
    if effective_on > today:
        raise WorkflowError("The date it took effect cannot be in the future.", code="effective_on")
    arose = action.origin_meeting.date
    if effective_on < arose:
        raise WorkflowError(
            f"The date it took effect cannot be before the action arose, on {_day(arose)}.",
            code="effective_on",
        )
    if changes_status:
        last_change = (
            action.updates.changes_of_status()
            .order_by("-effective_on")
            .values_list("effective_on", flat=True)
            .first()
        )
        if last_change is not None and effective_on < last_change:
            raise WorkflowError(
                f"The action's status last changed on {_day(last_change)}: a change of status "
                "cannot be dated before that.",
                code="effective_on",
            )
    return effective_on


def _record(action: Action, meeting: Meeting | None, **fields) -> ActionUpdate:
    """Write the update; one given at a later meeting makes the action one of that meeting's
    reviewed actions (its outstanding matters), if it is not one already."""
    update = ActionUpdate.objects.create(action=action, meeting=meeting, **fields)
    if meeting is not None and meeting.pk != action.origin_meeting_id:
        ReviewedAction.objects.get_or_create(meeting=meeting, action=action)
    return update


def _check_expected(action: Action, expected_status: str | None) -> None:
    if expected_status is not None and action.status != expected_status:
        status = action.get_status_display().lower()
        raise WorkflowError(STALE_MESSAGE.format(status=status), code="stale")


def action_transition(
    *,
    action_id: int,
    transition: str,
    user,
    note: str = "",
    meeting: Meeting | None = None,
    effective_on: datetime.date | None = None,
    expected_status: str | None = None,
) -> ActionUpdate:
    """Move an action to a new status and record it as one update, in one transaction.

    ``expected_status`` is the status the user saw; if the action has moved on since, the
    change is refused. ``effective_on`` back-dates a change made between meetings (see the
    module's docstring). Raises ``WorkflowError`` for every refusal, changing nothing.
    """
    spec = TRANSITIONS_BY_NAME.get(transition)
    if spec is None:
        raise WorkflowError("Choose a change of status from the list.", code="forbidden")
    return _update(spec, action_id, user, note, meeting, effective_on, expected_status)


def action_add_note(
    *,
    action_id: int,
    user,
    note: str,
    meeting: Meeting | None = None,
    effective_on: datetime.date | None = None,
    expected_status: str | None = None,
) -> ActionUpdate:
    """Record progress on an action without changing its status; the note is required.

    Raises ``WorkflowError`` for every refusal, changing nothing.
    """
    return _update(None, action_id, user, note, meeting, effective_on, expected_status)


def _update(
    spec: Transition | None,
    action_id: int,
    user,
    note: str,
    meeting: Meeting | None,
    effective_on: datetime.date | None,
    expected_status: str | None,
    /,
) -> ActionUpdate:
    """The workflow's one write: lock, check, and record one update, in one transaction; a
    change of status by ``spec``, or with None a progress note leaving the status as it is."""
    note = note.strip()
    who = spec.roles if spec else NOTE_ROLES
    with transaction.atomic():
        action = _lock(action_id=action_id, meeting=meeting)
        held = authority(user=user, action=action)
        if not held & who:
            doing = spec.verb.format(it="an action") if spec else "add a progress note to an action"
            raise WorkflowError(f"Only {_who(who)} can {doing}.", code="forbidden")
        _check_expected(action, expected_status)
        if spec and action.status not in spec.sources:
            status = action.get_status_display().lower()
            raise WorkflowError(
                f"This action is {status}, so you cannot {spec.verb.format(it='it')}.",
                code="status",
            )
        note_message = spec.note_message if spec else NOTE_MISSING_MESSAGE
        if note_message and not note:
            raise WorkflowError(note_message, code="note_required")
        effective_on = _effective_date(
            action,
            held=held,
            meeting=meeting,
            effective_on=effective_on,
            changes_status=spec is not None,
        )
        before = action.status
        if spec:
            _set_status(action, spec.target, user=user, effective_on=effective_on)
        return _record(
            action,
            meeting,
            author=user,
            effective_on=effective_on,
            note=note,
            status_before=before,
            status_after=action.status,
        )


def _set_status(action: Action, target: str, *, user, effective_on: datetime.date) -> None:
    before = action.status
    action.status = target
    if target == Status.CLOSED:
        # Closed when it took effect: "closed in the last 90 days" counts from then.
        today = effective_on == timezone.localdate()
        action.closed_at = timezone.now() if today else start_of_day(effective_on)
        action.closed_by = user
    elif before == Status.CLOSED:
        action.closed_at = None
        action.closed_by = None
    action.version += 1
    action.save(update_fields=["status", "closed_at", "closed_by", "version", "updated_at"])
