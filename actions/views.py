"""Action pages: an action with its timeline and the forms its reader may use, and the
outstanding matters form that records the updates given at a meeting.

Every change goes through ``actions.workflow``; these views look objects up through
``visible_to`` (404 when not readable) and answer a change the user may not make with 403.
Their forms carry a one-time token (``assurance.submissions``): sent twice, they write once.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from actions import reviewing, workflow
from actions.audit import change_history_for_action
from actions.forms import (
    AddReviewedActionForm,
    NoteForm,
    OutstandingRowForm,
    TransitionForm,
)
from actions.models import Action, ActionUpdate
from actions.reviewing import reviewed_actions
from assurance import roles
from assurance.error_summary import ErrorSummary
from assurance.permissions import has_role, role_required
from assurance.submissions import submitted_once
from meetings.agenda import agenda_numbers
from meetings.models import AgendaItem, Meeting

EXCERPT_LENGTH = 300

may_follow_actions = role_required(roles.OPCC, roles.COMMISSIONER, roles.FORCE)


def timeline_updates(user):
    """An action's updates that ``user`` may read, in the order they took effect, with what the
    timeline shows of each."""
    return Prefetch(
        "updates",
        queryset=ActionUpdate.objects.given_where_readable(user)
        .select_related("author", "meeting")
        .order_by("effective_on", "created_at", "pk"),
    )


def _visible_action(user, pk):
    actions = (
        Action.objects.visible_to(user)
        .select_related("origin_meeting", "origin_item", "due_meeting", "closed_by")
        .with_owners()
        .prefetch_related(timeline_updates(user))
    )
    return get_object_or_404(actions, pk=pk)


def _origin_number(action) -> str | None:
    """The origin item's number within its meeting's agenda."""
    if action.origin_item_id is None:
        return None
    numbers, _places = agenda_numbers([action.origin_meeting_id])
    return numbers.get(action.origin_item_id)


def _may_back_date(user) -> bool:
    """Whether the user's updates on the action page may be dated earlier than today: only OPCC
    officers entering older records; everyone else's take effect today."""
    return has_role(user, roles.OPCC)


def _transition_form(request, action, data=None) -> TransitionForm:
    return TransitionForm(
        data,
        prefix="status",
        may_back_date=_may_back_date(request.user),
        action=action,
        transitions=workflow.allowed_transitions(user=request.user, action=action),
    )


def _render_action_page(request, action, *, note_form=None, transition_form=None):
    user = request.user
    show_note_form = workflow.may_add_note(user=user, action=action)
    if show_note_form and note_form is None:
        note_form = NoteForm(prefix="note", may_back_date=_may_back_date(user))
    if transition_form is None:
        transition_form = _transition_form(request, action)
    bound_form = next(
        (form for form in (note_form, transition_form) if form is not None and form.is_bound),
        None,
    )
    updates = list(action.updates.all())
    meeting_ids = {action.origin_meeting_id, action.due_meeting_id}
    meeting_ids |= {update.meeting_id for update in updates}
    context = {
        "action": action,
        "updates": updates,
        "origin_number": _origin_number(action),
        "excerpt_length": EXCERPT_LENGTH,
        "readable_meeting_ids": Meeting.objects.visible_to(user).ids_among(meeting_ids),
        "note_form": note_form if show_note_form else None,
        "transition_form": transition_form if transition_form.transitions else None,
        "error_form": bound_form,
        # The audit trail is for OPCC staff: the Commissioner and force staff have the timeline.
        "change_history": change_history_for_action(action) if has_role(user, roles.OPCC) else None,
    }
    return render(request, "actions/action_detail.html", context)


@may_follow_actions
def action_detail(request, pk):
    """An action: origin, owners, due point, status, timeline, and the forms the user may use."""
    return _render_action_page(request, _visible_action(request.user, pk))


@require_POST
@may_follow_actions
@submitted_once
def action_transition(request, pk):
    """Change the action's status through the workflow; 403 if the user may not change it."""
    action = _visible_action(request.user, pk)
    if not workflow.may_change_status(user=request.user, action=action):
        raise PermissionDenied
    form = _transition_form(request, action, data=request.POST)
    if form.is_valid():
        try:
            update = workflow.action_transition(
                action_id=action.pk,
                transition=form.cleaned_data["transition"],
                user=request.user,
                note=form.cleaned_data["note"],
                # Absent unless the user may back-date: then the update takes effect today.
                effective_on=form.cleaned_data.get("effective_on"),
                expected_status=form.cleaned_data["expected_status"] or None,
            )
        except workflow.WorkflowError as error:
            if error.forbidden:
                raise PermissionDenied(error.message) from error
            form.add_workflow_error(error)
        else:
            status = update.get_status_after_display().lower()
            messages.success(request, f"Action {action.reference} is now {status}.")
            return redirect(action)
    return _render_action_page(request, action, transition_form=form)


@require_POST
@may_follow_actions
@submitted_once
def action_note(request, pk):
    """Add a progress note through the workflow; 403 if the user may not add one."""
    action = _visible_action(request.user, pk)
    if not workflow.may_add_note(user=request.user, action=action):
        raise PermissionDenied
    form = NoteForm(request.POST, prefix="note", may_back_date=_may_back_date(request.user))
    if form.is_valid():
        try:
            workflow.action_add_note(
                action_id=action.pk,
                user=request.user,
                note=form.cleaned_data["note"],
                effective_on=form.cleaned_data.get("effective_on"),
            )
        except workflow.WorkflowError as error:
            if error.forbidden:
                raise PermissionDenied(error.message) from error
            form.add_workflow_error(error)
        else:
            messages.success(request, f"Your progress note on action {action.reference} is saved.")
            return redirect(action)
    return _render_action_page(request, action, note_form=form)


def _review_list(meeting, user, extra_ids=()):
    """The actions the outstanding matters form lists, with their history, plus any the
    submitted form showed that have since dropped off the list (so nothing typed is lost)."""
    related = ("origin_meeting", "origin_item", "due_meeting")
    listed = reviewed_actions(meeting).values("pk")
    extra = Action.objects.filter(pk__in=list(extra_ids), origin_meeting__date__lt=meeting.date)
    return list(
        (Action.objects.filter(pk__in=listed) | extra)
        .select_related(*related)
        .with_owners()
        .prefetch_related(timeline_updates(user))
        .order_by("origin_meeting__date", "origin_meeting__pk", "reference")
    )


def _outstanding_matters_in_minutes(meeting) -> str:
    """Where the minutes page shows the outstanding matters: under the standing item if the
    agenda has one, else in a section of its own."""
    item = meeting.items.filter(kind=AgendaItem.Kind.OUTSTANDING_MATTERS).first()
    anchor = f"item-{item.pk}" if item else "outstanding-matters"
    return f"{meeting.get_absolute_url()}#{anchor}"


# Rows one save of the outstanding matters takes: far more than a meeting reviews, few enough
# that a hand-made request listing thousands of actions is refused before any is read.
MAX_REVIEW_ROWS = 200
TOO_MANY_REVIEW_ROWS_MESSAGE = (
    f"The form sent more than {MAX_REVIEW_ROWS} actions, more than the outstanding matters list: "
    "open the outstanding matters again and save from there"
)


def _posted_ids(data) -> list[int]:
    # Only values that can be ids: "²" passes isdigit() but not int(), SQLite fails on an
    # integer beyond 64 bits rather than finding nothing, and int() refuses a string of more
    # than 4,300 digits (so the length is checked before it is read: 2**63 has 19).
    return [
        int(value)
        for value in data.getlist("rows")
        if value.isascii() and value.isdigit() and len(value) <= 19 and int(value) < 2**63
    ]


@role_required(roles.OPCC)
@submitted_once
def outstanding_matters(request, pk):
    """Choose the earlier actions the meeting reviewed (the product proposes them) and record
    the update given on each, in one submit: all of it is saved, or none."""
    user = request.user
    meeting = get_object_or_404(Meeting.objects.visible_to(user), pk=pk)
    data = request.POST if request.method == "POST" else None
    add_form = AddReviewedActionForm(data, prefix="add")
    page_errors = []
    extra_ids = _posted_ids(data) if data else []
    too_many = len(set(extra_ids)) > MAX_REVIEW_ROWS
    if too_many:
        page_errors.append(TOO_MANY_REVIEW_ROWS_MESSAGE)
        extra_ids = []
    added = None
    if data is not None and add_form.is_valid() and add_form.cleaned_data["reference"]:
        added = reviewing.addable(meeting, add_form.cleaned_data["reference"], user)
        if added is None:
            add_form.add_error(
                "reference", "Enter the reference of an action raised at an earlier meeting."
            )
        else:
            extra_ids.append(added.pk)
    actions = _review_list(meeting, user, extra_ids)
    rows = [
        OutstandingRowForm(
            data,
            action=action,
            choices=workflow.allowed_transitions(user=user, action=action),
            # An action just added is kept, whatever its (absent) box says.
            initial={"kept": True},
        )
        for action in actions
    ]
    # Every row is validated (not stopping at the first invalid one) so all errors show.
    rows_valid = all([row.is_valid() for row in rows])
    if data is not None and not too_many and rows_valid and add_form.is_valid():
        entries = [
            reviewing.ReviewRow(
                action=row.action,
                kept=row.cleaned_data["kept"] or row.action == added,
                note=row.cleaned_data["note"],
                transition=row.cleaned_data["transition"],
                expected_status=row.cleaned_data["expected_status"],
            )
            for row in rows
        ]
        try:
            saved = reviewing.outstanding_matters_record(meeting=meeting, user=user, rows=entries)
        except workflow.WorkflowError as error:  # the minutes are approved: nothing saved
            page_errors.append(error.message)
            meeting.refresh_from_db()
        else:
            if saved is not None:
                if added is not None:
                    messages.success(
                        request, f"Action {added.reference} is added to the outstanding matters."
                    )
                    return redirect("actions:outstanding", pk=meeting.pk)
                plural = "s" if saved != 1 else ""
                messages.success(
                    request,
                    f"The outstanding matters are saved, with {saved} update{plural} recorded "
                    "at this meeting.",
                )
                return redirect(_outstanding_matters_in_minutes(meeting))
            # Refused rows: each refusal beside its row; redisplay everything typed.
            for row, entry in zip(rows, entries, strict=True):
                if entry.error is not None:
                    row.add_workflow_error(entry.error)
    summary = ErrorSummary(*rows, add_form, messages=page_errors)
    readable = Meeting.objects.visible_to(user).ids_among(
        {a.origin_meeting_id for a in actions}
        | {a.due_meeting_id for a in actions}
        | {u.meeting_id for a in actions for u in a.updates.all()},
    )
    context = {
        "meeting": meeting,
        "rows": rows,
        "add_form": add_form,
        "summary": summary,
        "readable_meeting_ids": readable,
        "proposed": not meeting.outstanding_reviewed,
        "read_only_message": Meeting.READ_ONLY_MESSAGE,
    }
    return render(request, "actions/outstanding_matters.html", context)
