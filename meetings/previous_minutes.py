"""The standing item "minutes of the previous meeting": what a meeting decided about the minutes
of the meeting before it in its series, recorded by the OPCC while its own minutes are a draft.

``previous_minutes_record`` is the one write; ``approvals_shown`` is what the earlier meeting's
pages show, read live (the earlier minutes are stored when approved, before this is decided)
and only where the reader may read the later meeting.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format

from assurance import roles
from assurance.fields import FirstChoiceRadioSelect, GovukBoundField
from assurance.permissions import role_required
from assurance.submissions import submitted_once
from meetings.models import Meeting, PreviousMinutesApproval, PreviousMinutesOutcome

NAME_THE_AMENDMENTS = "Name the amendments made"
SAY_WHY_NOT_APPROVED = "Say why the minutes were not approved"
CHOOSE_AN_OUTCOME = "Choose whether the minutes of the previous meeting were approved"
NOT_THE_PREVIOUS_MEETING = (
    "The minutes approved must be those of the previous meeting of the same series{expected}."
)
NO_PREVIOUS_MEETING = (
    "This is the first meeting of its series, so there are no previous minutes to approve."
)


class PreviousMinutesRefused(Exception):
    """The outcome cannot be recorded; the message says why in plain English."""


def _day(meeting: Meeting) -> str:
    return date_format(meeting.date, "j F Y")


def previous_minutes_record(
    *,
    meeting: Meeting,
    previous: Meeting,
    outcome: str,
    amendments: str = "",
    reason: str = "",
) -> PreviousMinutesApproval:
    """Record, or change, what ``meeting`` decided about the minutes of ``previous``; refused
    unless ``meeting``'s minutes are a draft and ``previous`` is the meeting before it in its
    series. Keeps only the words the outcome needs."""
    amendments, reason = (amendments or "").strip(), (reason or "").strip()
    if outcome not in PreviousMinutesOutcome.values:
        raise PreviousMinutesRefused(CHOOSE_AN_OUTCOME)
    if outcome == PreviousMinutesOutcome.AMENDED and not amendments:
        raise PreviousMinutesRefused(NAME_THE_AMENDMENTS)
    if outcome == PreviousMinutesOutcome.NOT_APPROVED and not reason:
        raise PreviousMinutesRefused(SAY_WHY_NOT_APPROVED)
    with transaction.atomic():
        # Decide on the minutes' status as it is now: approval takes the same row lock.
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.is_editable:
            raise PreviousMinutesRefused(Meeting.READ_ONLY_MESSAGE)
        expected = locked.previous_meeting()
        if expected is None:
            raise PreviousMinutesRefused(NO_PREVIOUS_MEETING)
        if expected.pk != previous.pk:
            raise PreviousMinutesRefused(
                NOT_THE_PREVIOUS_MEETING.format(expected=f": {expected.title}, {_day(expected)}")
            )
        approval, _created = PreviousMinutesApproval.objects.update_or_create(
            meeting=locked,
            defaults={
                "previous": expected,
                "outcome": outcome,
                "amendments": amendments if outcome == PreviousMinutesOutcome.AMENDED else "",
                "reason": reason if outcome == PreviousMinutesOutcome.NOT_APPROVED else "",
            },
        )
    return approval


def approvals_shown(
    previous: Meeting, *, readable_meetings: QuerySet[Meeting]
) -> list[PreviousMinutesApproval]:
    """What later meetings decided about the minutes of ``previous``, oldest first, from
    ``readable_meetings`` only (``Meeting.objects.visible_to(user)``, or the public meetings):
    a draft's decision stays with those who may read the draft. One query."""
    return list(
        PreviousMinutesApproval.objects.filter(previous=previous, meeting__in=readable_meetings)
        .select_related("meeting")
        .order_by("meeting__date", "meeting__start_time", "meeting__pk")
    )


# --- The form and its page -------------------------------------------------------------------


class PreviousMinutesForm(forms.ModelForm):
    """The outcome, and the amendments or the reason it needs. The write is
    ``previous_minutes_record``'s."""

    bound_field_class = GovukBoundField

    outcome = forms.ChoiceField(
        label="Were the minutes of the previous meeting approved?",
        choices=PreviousMinutesOutcome.choices,
        widget=FirstChoiceRadioSelect,
        error_messages={
            "required": CHOOSE_AN_OUTCOME,
            "invalid_choice": CHOOSE_AN_OUTCOME,
        },
    )

    class Meta:
        model = PreviousMinutesApproval
        fields = ["outcome", "amendments", "reason"]
        labels = {
            "amendments": "Amendments made (when approved with amendments)",
            "reason": "Why they were not approved (when not approved)",
        }
        help_texts = {
            "amendments": "As the minutes record them, such as “Item 3: the response time was "
            "12 minutes, not 21”.",
            "reason": "Such as “to be amended and re-circulated”.",
        }
        widgets = {
            "amendments": forms.Textarea(attrs={"rows": 3}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout("outcome", "amendments", "reason")

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == PreviousMinutesOutcome.AMENDED and not cleaned.get("amendments", "").strip():
            self.add_error("amendments", NAME_THE_AMENDMENTS)
        if outcome == PreviousMinutesOutcome.NOT_APPROVED and not cleaned.get("reason", "").strip():
            self.add_error("reason", SAY_WHY_NOT_APPROVED)
        return cleaned


@role_required(roles.OPCC)
@submitted_once
def previous_minutes_edit(request, pk):
    """Record what this meeting decided about the previous meeting's minutes (GET: the form)."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    previous = meeting.previous_meeting()
    if previous is None:
        messages.info(request, NO_PREVIOUS_MEETING)
        return redirect(meeting)
    if not meeting.is_editable and request.method != "POST":
        # A POST goes on to the form, which refuses it and keeps what was typed.
        messages.error(request, Meeting.READ_ONLY_MESSAGE)
        return redirect(meeting)
    approval = PreviousMinutesApproval.objects.filter(meeting=meeting).first()
    instance = approval or PreviousMinutesApproval(meeting=meeting, previous=previous)
    form = PreviousMinutesForm(
        request.POST if request.method == "POST" else None, instance=instance
    )
    status = 200
    if form.is_bound and form.is_valid():
        try:
            previous_minutes_record(
                meeting=meeting,
                previous=previous,
                outcome=form.cleaned_data["outcome"],
                amendments=form.cleaned_data["amendments"],
                reason=form.cleaned_data["reason"],
            )
        except PreviousMinutesRefused as refusal:
            form.add_error(None, str(refusal))
            status = 409
        else:
            messages.success(
                request,
                f"The outcome for the minutes of {previous.title} has been saved.",
            )
            return redirect(meeting)
    return render(
        request,
        "meetings/previous_minutes_form.html",
        {"form": form, "meeting": meeting, "previous": previous, "previous_day": _day(previous)},
        status=status,
    )
