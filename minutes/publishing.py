"""Approving, publishing and reopening minutes: who may, from which status, and the history.

The one place these rules live. Views, the admin and commands call the three functions below;
each checks the user's role and the minutes' status under a row lock, moves the status, bumps
the meeting's version (so an edit form loaded before the change is refused as stale) and writes
a ``MeetingStatusChange``, all in one transaction.

Approving stores what the minutes show (``minutes.record.freeze``): from then on they are
read as stored. Approval is refused while the minutes lack what minutes must have
(``approval_problems``). Publishing stores the public PDF with its SHA-256. Reopening drops the
stored minutes. Any change of status may change what the public may read in *other* published
minutes that review this meeting's actions: their stored PDFs are made again where it does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from assurance import roles
from assurance.permissions import has_role
from meetings.models import (
    Meeting,
    MeetingStatus,
    MeetingStatusChange,
    PreviousMinutesApproval,
    PreviousMinutesOutcome,
)
from minutes import pdf
from minutes.public import public_meetings
from minutes.record import Minutes, freeze, minutes_for, record_of, thaw, with_minutes_header

APPROVE_ROLES = (roles.OPCC, roles.COMMISSIONER)
PUBLISH_ROLES = (roles.OPCC,)
REOPEN_ROLES = (roles.OPCC,)

REOPEN_REASON_REQUIRED = "Enter the reason the minutes are being reopened"

# Why minutes in each status can or cannot be published (None: they can).
PUBLISH_REFUSALS = {
    MeetingStatus.DRAFT: "These minutes are still a draft: approve them before publishing them.",
    MeetingStatus.APPROVED: None,
    MeetingStatus.PUBLISHED: "These minutes have already been published.",
}


class MinutesStatusError(Exception):
    """The change is not allowed; the message says why in plain English."""


def may_approve(user, meeting: Meeting) -> bool:
    """Whether the user may approve these minutes now."""
    return has_role(user, *APPROVE_ROLES) and meeting.status == MeetingStatus.DRAFT


def may_publish(user, meeting: Meeting) -> bool:
    """Whether the user may publish these minutes now."""
    return has_role(user, *PUBLISH_ROLES) and meeting.status == MeetingStatus.APPROVED


def may_reopen(user, meeting: Meeting) -> bool:
    """Whether the user may reopen these minutes for correction now."""
    return has_role(user, *REOPEN_ROLES) and meeting.status != MeetingStatus.DRAFT


def approval_problems(meeting: Meeting) -> list[str]:
    """What the minutes lack before they can be approved, in plain English; empty when none."""
    problems = []
    if meeting.date > timezone.localdate():
        day = date_format(meeting.date, "j F Y")
        problems.append(f"The meeting is on {day}: minutes can be approved once it has been held.")
    if not meeting.attendances.exists():
        problems.append("No attendance has been recorded: add who attended on the meeting form.")
    if not meeting.items.exists():
        problems.append("The minutes have no agenda items: add them on the agenda page.")
    return problems


def approval_warnings(meeting: Meeting) -> list[str]:
    """What the officer should know when approving these minutes, though it does not stop
    them: that the meeting did not approve the minutes of the previous one. Empty when none."""
    approval = (
        PreviousMinutesApproval.objects.filter(
            meeting=meeting, outcome=PreviousMinutesOutcome.NOT_APPROVED
        )
        .select_related("previous")
        .first()
    )
    if approval is None:
        return []
    previous, day = approval.previous, date_format(approval.previous.date, "j F Y")
    name = previous.title if day in previous.title else f"{previous.title}, {day}"
    return [f"The minutes of the previous meeting ({name}) were not approved: {approval.reason}"]


def meeting_approve(*, meeting: Meeting, user) -> Meeting:
    """Approve draft minutes (OPCC or Commissioner); they become read-only, and what they show
    is stored."""
    return _change_status(
        meeting=meeting,
        user=user,
        allowed_roles=APPROVE_ROLES,
        role_refusal="Only OPCC staff or the Commissioner can approve minutes.",
        from_statuses={
            MeetingStatus.DRAFT: None,
            MeetingStatus.APPROVED: "These minutes have already been approved.",
            MeetingStatus.PUBLISHED: "These minutes have already been approved and published.",
        },
        to_status=MeetingStatus.APPROVED,
        check=approval_problems,
    )


def meeting_publish(*, meeting: Meeting, user) -> Meeting:
    """Publish approved minutes (OPCC only)."""
    return _change_status(
        meeting=meeting,
        user=user,
        allowed_roles=PUBLISH_ROLES,
        role_refusal="Only OPCC staff can publish minutes.",
        from_statuses=PUBLISH_REFUSALS,
        to_status=MeetingStatus.PUBLISHED,
    )


def meeting_reopen(*, meeting: Meeting, user, reason: str) -> Meeting:
    """Send approved or published minutes back to draft for correction (OPCC only), saying
    why; the reason is kept in the history."""
    reason = (reason or "").strip()
    if not reason:
        raise MinutesStatusError(REOPEN_REASON_REQUIRED)
    return _change_status(
        meeting=meeting,
        user=user,
        allowed_roles=REOPEN_ROLES,
        role_refusal="Only OPCC staff can reopen minutes for correction.",
        from_statuses={
            MeetingStatus.DRAFT: "These minutes are a draft already, so they can be edited.",
            MeetingStatus.APPROVED: None,
            MeetingStatus.PUBLISHED: None,
        },
        to_status=MeetingStatus.DRAFT,
        reason=reason,
    )


def _change_status(
    *,
    meeting: Meeting,
    user,
    allowed_roles: tuple[str, ...],
    role_refusal: str,
    from_statuses: dict[str, str | None],
    to_status: str,
    reason: str = "",
    check=None,
) -> Meeting:
    """Move the minutes to ``to_status`` if the user has a role in ``allowed_roles`` and the
    current status maps to None in ``from_statuses`` (otherwise to the refusal message)."""
    if not has_role(user, *allowed_roles):
        raise MinutesStatusError(role_refusal)
    with transaction.atomic():
        # Lock the row and decide on the status as it is now, not as the caller last read it:
        # two people pressing "Approve" at once must not both succeed.
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        refusal = from_statuses.get(locked.status, "These minutes cannot be changed that way.")
        if refusal is not None:
            raise MinutesStatusError(refusal)
        problems = check(locked) if check else []
        if problems:
            raise MinutesStatusError(" ".join(problems))
        status_before = locked.status
        locked.status = to_status
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        MeetingStatusChange.objects.create(
            meeting=locked,
            status_before=status_before,
            status_after=to_status,
            reason=reason,
            changed_by=user,
        )
        locked = with_minutes_header(Meeting.objects.all()).get(pk=locked.pk)
        if to_status == MeetingStatus.APPROVED:
            freeze(locked)
        elif to_status == MeetingStatus.DRAFT:
            thaw(locked)
        if to_status == MeetingStatus.PUBLISHED:
            pdf.store_public_pdf(locked, reason="Published.")
        if MeetingStatus.PUBLISHED in (status_before, to_status):
            pdf.refresh_public_pdfs_citing(locked)
    # Keep the caller's object in step with the database.
    meeting.status, meeting.version, meeting.updated_at = (
        locked.status,
        locked.version,
        locked.updated_at,
    )
    return meeting


# --- What publishing will make public ------------------------------------------------------


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
    record = record_of(meeting)
    public = minutes_for(meeting, record, readable_meetings=public_meetings(), public=True)
    full = minutes_for(meeting, record, readable_meetings=Meeting.objects.all(), public=False)

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
