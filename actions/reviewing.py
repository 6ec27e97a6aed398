"""A meeting's outstanding matters: which earlier actions it reviewed, and the updates given.

The product proposes the list (``Action.objects.carried_forward_to``); the officer keeps,
removes or adds actions and records the update given on each; the kept actions are stored as
``ReviewedAction`` rows of the meeting, which its minutes print. ``outstanding_matters_record``
is the one write the outstanding matters form makes: all of it is saved, or none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from actions import workflow
from actions.models import Action, ReviewedAction
from meetings.models import Meeting

NOT_KEPT_MESSAGE = "Keep the action in the outstanding matters to record an update on it."


def reviewed_actions(meeting: Meeting) -> QuerySet[Action]:
    """The earlier actions the minutes of ``meeting`` review: the rows the officer kept once
    the outstanding matters are saved; before that, the product's proposal and any action
    already updated at the meeting."""
    rows = ReviewedAction.objects.filter(meeting=meeting).values("action_id")
    if meeting.outstanding_reviewed:
        return Action.objects.filter(pk__in=rows)
    proposed = Action.objects.carried_forward_to(meeting).values("pk")
    return Action.objects.filter(pk__in=rows) | Action.objects.filter(pk__in=proposed)


def reviewing_meetings(origin: Meeting) -> QuerySet[Meeting]:
    """The meetings whose outstanding matters review actions that arose at ``origin``."""
    rows = ReviewedAction.objects.filter(action__origin_meeting=origin)
    return Meeting.objects.filter(pk__in=rows.values("meeting_id"))


@dataclass
class ReviewRow:
    """What the officer entered for one action: kept or not, and the update given."""

    action: Action
    kept: bool
    note: str = ""
    transition: str = ""
    expected_status: str | None = None
    error: workflow.WorkflowError | None = None

    @property
    def has_update(self) -> bool:
        return bool(self.note.strip() or self.transition)


def addable(meeting: Meeting, reference: str, user) -> Action | None:
    """The action with this reference, if it arose at an earlier meeting and the user may
    read it; None otherwise."""
    return (
        Action.objects.visible_to(user)
        .filter(reference__iexact=reference.strip(), origin_meeting__date__lt=meeting.date)
        .first()
    )


def outstanding_matters_record(*, meeting: Meeting, user, rows: list[ReviewRow]) -> int | None:
    """Store which actions ``meeting`` reviewed and record each update given, in one
    transaction; return how many updates were recorded. If any row is refused, nothing is
    saved: each refusal is put on its row (``row.error``) and None is returned. Raises
    ``WorkflowError`` (code "read_only") when the minutes can no longer change."""
    saved = 0
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.is_editable:
            raise workflow.WorkflowError(Meeting.READ_ONLY_MESSAGE, code="read_only")
        for row in rows:
            if not row.has_update:
                continue
            if not row.kept:
                row.error = workflow.WorkflowError(NOT_KEPT_MESSAGE, code="note_required")
                continue
            arguments = {
                "action_id": row.action.pk,
                "user": user,
                "note": row.note,
                "meeting": locked,
                "expected_status": row.expected_status or None,
            }
            try:
                # Each workflow call is its own savepoint, so after a refusal the transaction
                # can go on, and every row's problem is reported at once.
                if row.transition:
                    workflow.action_transition(transition=row.transition, **arguments)
                else:
                    workflow.action_add_note(**arguments)
                saved += 1
            except workflow.WorkflowError as error:
                if error.code == "read_only":
                    raise  # about the whole page, not this row; rolls everything back
                row.error = error
        if any(row.error for row in rows):
            transaction.set_rollback(True)
            return None
        ReviewedAction.objects.set_for(locked, (row.action.pk for row in rows if row.kept))
        if not locked.outstanding_reviewed:
            locked.outstanding_reviewed = True
            locked.version += 1
            locked.save(update_fields=["outstanding_reviewed", "version", "updated_at"])
    return saved
