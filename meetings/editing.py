"""Minute taking: the meeting form with its attendance, and moving minutes through approval.

Creating and editing are for the OPCC. Approving is for the OPCC and the Commissioner;
publishing and reopening for the OPCC; the rules themselves live in ``meetings.publishing``.
Publishing is confirmed on a page showing what will become public and what will be left out.
Meetings are always looked up through ``Meeting.objects.visible_to`` (404 if not readable).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from assurance import roles
from assurance.permissions import role_required
from assurance.versioning import STALE_EDIT_MESSAGE, StaleEdit, check_version
from meetings import minutes, publishing
from meetings.forms import (
    ATTENDANCE_PREFIX,
    AttendanceFormSet,
    ErrorSummary,
    MeetingForm,
    NewMeetingAttendanceFormSet,
    PersonDirectory,
    ReopenForm,
    attendance_initial,
)
from meetings.minutes import Minutes
from meetings.models import Meeting
from meetings.public import public_meetings

READ_ONLY_MESSAGE = (
    "These minutes have been {status}, so they are read-only. To correct them, reopen them "
    "for correction first. Nothing has been saved: what you typed is shown below."
)


def _visible_meeting(request, pk) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)


def _render_form(request, form, formset, *, meeting=None, meeting_title="", status=200):
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
def meeting_create(request):
    """A new meeting with its attendance, saved together."""
    directory = PersonDirectory()
    rows = {"prefix": ATTENDANCE_PREFIX, "form_kwargs": {"directory": directory}}
    if request.method == "POST":
        form = MeetingForm(request.POST, directory=directory)
        formset = NewMeetingAttendanceFormSet(request.POST, **rows)
        # Validate both, so every problem on the page is reported at once.
        if all([form.is_valid(), formset.is_valid()]):
            with transaction.atomic():
                meeting = form.save()
                formset.save(meeting)
            messages.success(request, f"{meeting.title} has been created.")
            return redirect(meeting)
    else:
        form = MeetingForm(directory=directory)
        formset = NewMeetingAttendanceFormSet(**rows)
    return _render_form(request, form, formset)


@role_required(roles.OPCC)
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
        status = meeting.get_status_display().lower()
        form.add_error(None, READ_ONLY_MESSAGE.format(status=status))
        return _render_form(request, form, formset, status=409, **saved)
    if all([form.is_valid(), formset.is_valid()]):
        try:
            with transaction.atomic():
                check_version(meeting, form.cleaned_data.get("version"))
                form.save()
                formset.save(meeting)
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
    return _change_status(
        request,
        meeting,
        lambda: publishing.meeting_approve(meeting=meeting, user=request.user),
        "The minutes have been approved. They are now read-only.",
    )


# Why there is nothing to confirm: the minutes are not approved-and-unpublished.
NOT_PUBLISHABLE = {
    Meeting.Status.DRAFT: "These minutes are still a draft: approve them before publishing them.",
    Meeting.Status.PUBLISHED: "These minutes have already been published.",
}


@dataclass(frozen=True)
class WithheldItem:
    """An item the public will not see, and why."""

    number: str
    title: str
    reason: str


@dataclass(frozen=True)
class LeftOutGroup:
    """Reviewed actions of one earlier meeting that the published minutes will leave out."""

    meeting: dict  # the record's facts of the origin meeting
    actions: list[dict]
    why: str


@dataclass(frozen=True)
class PublicationPreview:
    """What publishing will make public: the minutes as the public will read them, and what
    they will leave out."""

    minutes: Minutes
    withheld: list[WithheldItem]
    left_out: list[LeftOutGroup]


def publication_preview(meeting: Meeting) -> PublicationPreview:
    """The minutes of ``meeting`` (fetched through ``with_minutes_header``) as the public will
    read them once published, with the items withheld and the reviewed actions left out."""
    record = minutes.record_of(meeting)
    public = minutes.minutes_for(meeting, record, readable_meetings=public_meetings(), public=True)
    full = minutes.minutes_for(
        meeting, record, readable_meetings=Meeting.objects.all(), public=False
    )

    shown = {entry.item["id"] for entry in public.items if not entry.withheld}
    numbers = {entry.item["id"]: entry.number for entry in full.items}
    withheld = [
        WithheldItem(
            number=entry.number,
            title=entry.item["title"],
            reason=(
                entry.item["restricted_reason"]
                if entry.item["restricted"]
                else f"It is inside item {numbers.get(entry.item['parent_id'], '')}, "
                "which is withheld."
            ),
        )
        for entry in full.items
        if entry.item["id"] not in shown
    ]

    published_ids = public_meetings().ids_among(
        group["meeting"]["id"] for group in full.outstanding
    )
    public_actions = {action["id"] for group in public.outstanding for action in group["actions"]}
    left_out = []
    for group in full.outstanding:
        actions = [action for action in group["actions"] if action["id"] not in public_actions]
        if not actions:
            continue
        if group["meeting"]["id"] not in published_ids:
            why = f"The minutes of the {group['meeting']['month']} meeting are not published."
        else:
            why = "The agenda item they arose at was taken in private."
        left_out.append(LeftOutGroup(meeting=group["meeting"], actions=actions, why=why))
    return PublicationPreview(minutes=public, withheld=withheld, left_out=left_out)


@role_required(*publishing.PUBLISH_ROLES)
@require_http_methods(["GET", "POST"])
def meeting_publish(request, pk):
    """What will become public, to confirm (GET), and the publishing itself (POST)."""
    meeting = get_object_or_404(
        minutes.with_minutes_header(Meeting.objects.visible_to(request.user)), pk=pk
    )
    if request.method == "POST":
        return _change_status(
            request,
            meeting,
            lambda: publishing.meeting_publish(meeting=meeting, user=request.user),
            "The minutes have been published.",
        )
    if not publishing.may_publish(request.user, meeting):
        messages.error(request, NOT_PUBLISHABLE[meeting.status])
        return redirect(meeting)
    return render(
        request,
        "meetings/meeting_publish.html",
        {"meeting": meeting, "preview": publication_preview(meeting)},
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
