"""Minute taking: the meeting form with its attendance, and moving minutes through approval.

Creating and editing are for the OPCC. Approving is for the OPCC and the Commissioner;
publishing and reopening for the OPCC; the rules themselves live in ``minutes.publishing``.
Publishing is confirmed on a page showing what will become public and what will be left out.
Meetings are always looked up through ``Meeting.objects.visible_to`` (404 if not readable).
The meeting form carries a one-time token (``assurance.submissions``): sent twice, it saves once.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assurance import roles
from assurance.error_summary import ErrorSummary
from assurance.inputs import too_many_rows_response
from assurance.permissions import role_required
from assurance.submissions import submitted_once
from assurance.versioning import STALE_EDIT_MESSAGE, StaleEdit
from meetings.forms import (
    ATTENDANCE_PREFIX,
    AttendanceFormSet,
    MeetingForm,
    NewMeetingAttendanceFormSet,
    PersonDirectory,
    ReopenForm,
    attendance_initial,
    meeting_form_is_valid,
)
from meetings.meeting_saving import meeting_save
from meetings.models import Meeting
from minutes import publishing
from minutes.record import with_minutes_header


def _visible_meeting(request, pk) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)


def _render_form(request, form, formset, *, meeting=None, meeting_title="", status=200):
    if formset.asked_for_too_many:
        back = meeting.get_absolute_url() if meeting else reverse("meetings:create")
        return too_many_rows_response(request, formset, back_url=back)
    summary = ErrorSummary(form, formset)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "meeting": meeting,
            "meeting_title": meeting_title,
            "form": form,
            "formset": formset,
            "error_summary": summary,
            "read_only": False,
        },
        status=status,
    )


@role_required(roles.OPCC)
@submitted_once
def meeting_create(request):
    """A new meeting with its attendance and anyone new it names, saved together."""
    directory = PersonDirectory()
    rows = {"prefix": ATTENDANCE_PREFIX, "form_kwargs": {"directory": directory}}
    if request.method == "POST":
        form = MeetingForm(request.POST, directory=directory)
        formset = NewMeetingAttendanceFormSet(request.POST, **rows)
        if meeting_form_is_valid(form, formset):
            meeting = meeting_save(form=form, formset=formset)
            messages.success(request, f"{meeting.title} has been created.")
            return redirect(meeting)
    else:
        form = MeetingForm(directory=directory)
        formset = NewMeetingAttendanceFormSet(**rows)
    return _render_form(request, form, formset)


@role_required(roles.OPCC)
@submitted_once
def meeting_edit(request, pk):
    """Edit a draft meeting and its attendance; refuses a stale save and read-only minutes."""
    meeting = _visible_meeting(request, pk)
    if request.method != "POST" and not meeting.is_editable:
        return render(
            request,
            "meetings/meeting_form.html",
            {
                "meeting": meeting,
                "read_only": True,
                "read_only_message": Meeting.READ_ONLY_MESSAGE,
                "may_reopen": publishing.may_reopen(request.user, meeting),
            },
        )
    directory = PersonDirectory()
    rows = {
        "prefix": ATTENDANCE_PREFIX,
        "form_kwargs": {"directory": directory},
        "initial": attendance_initial(meeting),
    }
    if request.method != "POST":
        form = MeetingForm(instance=meeting, directory=directory)
        formset = AttendanceFormSet(**rows)
        return _render_form(request, form, formset, meeting=meeting, meeting_title=meeting.title)

    # Validating the form copies what was typed onto the meeting: keep the saved title for
    # the page's heading and breadcrumb.
    saved = {"meeting": meeting, "meeting_title": meeting.title}
    form = MeetingForm(request.POST, instance=meeting, directory=directory)
    formset = AttendanceFormSet(request.POST, **rows)
    if not meeting.is_editable:
        # Refused, but what was typed is redisplayed rather than lost.
        form.add_error(None, Meeting.READ_ONLY_MESSAGE)
        return _render_form(request, form, formset, status=409, **saved)
    if meeting_form_is_valid(form, formset):
        try:
            meeting_save(form=form, formset=formset)
        except StaleEdit:
            form.add_error(None, STALE_EDIT_MESSAGE.format(thing="meeting"))
        else:
            messages.success(request, "Your changes to the meeting have been saved.")
            return redirect(meeting)
    return _render_form(request, form, formset, **saved)


def _change_status(request, meeting, change, done: str):
    """Apply a status change, then go back to the meeting with what happened."""
    try:
        change()
    except publishing.MinutesStatusError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect(meeting)


@role_required(*publishing.APPROVE_ROLES)
@require_POST
def meeting_approve(request, pk):
    meeting = _visible_meeting(request, pk)
    was_draft = meeting.is_editable
    response = _change_status(
        request,
        meeting,
        lambda: publishing.meeting_approve(meeting=meeting, user=request.user),
        "The minutes have been approved.",
    )
    if was_draft and not meeting.is_editable:  # approved just now
        for warning in publishing.approval_warnings(meeting):
            messages.warning(request, warning)
    return response


@role_required(*publishing.PUBLISH_ROLES)
@require_http_methods(["GET", "POST"])
def meeting_publish(request, pk):
    """What will become public, to confirm (GET), and the publishing itself (POST)."""
    meeting = get_object_or_404(
        with_minutes_header(Meeting.objects.visible_to(request.user)), pk=pk
    )
    if request.method == "POST":
        return _change_status(
            request,
            meeting,
            lambda: publishing.meeting_publish(meeting=meeting, user=request.user),
            "The minutes have been published.",
        )
    if not publishing.may_publish(request.user, meeting):
        messages.error(request, publishing.PUBLISH_REFUSALS[meeting.status])
        return redirect(meeting)
    return render(
        request,
        "meetings/meeting_publish.html",
        {"meeting": meeting, "preview": publishing.publication_preview(meeting)},
    )


@role_required(*publishing.REOPEN_ROLES)
def meeting_reopen(request, pk):
    """The reason form (GET) and the reopening itself (POST)."""
    meeting = _visible_meeting(request, pk)
    if meeting.is_editable:
        messages.info(request, "These minutes are a draft already, so they can be edited.")
        return redirect(meeting)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        return _change_status(
            request,
            meeting,
            lambda: publishing.meeting_reopen(meeting=meeting, user=request.user, reason=reason),
            "The minutes have been reopened for correction: they are a draft again.",
        )
    return render(request, "meetings/meeting_reopen.html", {"meeting": meeting, "form": form})
