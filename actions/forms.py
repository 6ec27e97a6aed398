"""Forms of the action page and the outstanding matters form.

They only carry what the user typed: who may make which change, and which changes need a note,
is decided by ``actions.workflow``, whose refusals the views attach to these forms' fields.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.html import format_html

from actions.workflow import WorkflowError
from assurance.fields import FirstChoiceRadioSelect, GovukBoundField
from assurance.inputs import OneLineFieldsMixin


class WorkflowErrorsMixin:
    def add_workflow_error(self, error: WorkflowError) -> None:
        """Show the workflow's refusal beside the field it is about: a missing note beside
        the note, a refused date beside the date, anything else beside the choice of status
        (or, on a form without one of those fields, beside the note)."""
        field = {"note_required": "note", "effective_on": "effective_on"}.get(
            error.code, "transition"
        )
        if field not in self.fields:
            field = "transition" if "transition" in self.fields else "note"
        self.add_error(field, error.message)


class EffectiveOnMixin:
    """The optional "Date it took effect" of an update, for OPCC officers entering older
    records; a form built with ``may_back_date=False`` drops it, so a date posted by anyone else
    is ignored and their update takes effect today."""

    def __init__(self, *args, may_back_date: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if may_back_date:
            self.fields["effective_on"] = forms.DateField(
                label="Date it took effect",
                required=False,
                # The ISO form a date input expects, so the page shows today until changed.
                initial=lambda: timezone.localdate().isoformat(),
                widget=forms.DateInput(
                    format="%Y-%m-%d",
                    attrs={
                        "type": "date",
                        "max": timezone.localdate().isoformat(),
                        "class": "w-auto",
                    },
                ),
                help_text="Leave this as today unless you are entering older records. "
                "For example, 18/01/2022.",
                error_messages={
                    "invalid": "Enter the date it took effect as a real date, for example "
                    "18/01/2022"
                },
            )


class NoteForm(WorkflowErrorsMixin, EffectiveOnMixin, forms.Form):
    """A progress note on the action page, without a change of status."""

    bound_field_class = GovukBoundField

    note = forms.CharField(
        label="Progress note",
        help_text="Say what has been done since the last update.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a progress note saying what has been done."},
    )


class TransitionForm(WorkflowErrorsMixin, EffectiveOnMixin, forms.Form):
    """A change of status on the action page.

    ``transition`` is the name of one of the workflow's transitions, drawn as radios of the
    ``transitions`` the user may make from the action's status now; it stays a plain text field,
    so any other is refused by the workflow, not the form.
    """

    bound_field_class = GovukBoundField

    transition = forms.CharField(
        widget=FirstChoiceRadioSelect,
        error_messages={"required": "Choose what to do with the action."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        help_text="Say what was done, or why you are making this change.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The status the user saw; the page always fills it with the action's current status.
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action, transitions, **kwargs):
        super().__init__(*args, **kwargs)
        self.transitions = transitions
        field = self.fields["transition"]
        status = action.get_status_display().lower()
        field.label = f"The action is {status}. What do you want to do?"
        field.widget.choices = [
            (
                transition.name,
                format_html(
                    '{} <span class="text-body-secondary">(needs a note)</span>', transition.label
                )
                if transition.note_required
                else transition.label,
            )
            for transition in transitions
        ]


class OutstandingRowForm(WorkflowErrorsMixin, forms.Form):
    """One carried-forward action on the outstanding matters form: the update given at the
    meeting and, optionally, its new status.

    ``transition`` stays a plain text field drawn as a select of the transitions the user may
    make (``choices``) after "No change": the workflow, not the form, refuses any other.
    """

    bound_field_class = GovukBoundField

    kept = forms.BooleanField(label="Reviewed at this meeting", required=False, initial=True)
    note = forms.CharField(
        label="Update given at the meeting",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    transition = forms.CharField(label="New status", required=False, widget=forms.Select)
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action, choices, **kwargs):
        kwargs.setdefault("prefix", f"action-{action.pk}")
        super().__init__(*args, **kwargs)
        self.action = action
        self.choices = choices  # the transitions offered
        self.fields["transition"].widget.choices = [
            ("", f"No change ({action.get_status_display().lower()})")
        ] + [(transition.name, transition.label) for transition in choices]


class AddReviewedActionForm(OneLineFieldsMixin, forms.Form):
    """An earlier action the product did not propose, added to the outstanding matters by its
    reference."""

    bound_field_class = GovukBoundField

    reference = forms.CharField(
        label="Add an action by its reference",
        required=False,
        max_length=30,
        help_text="For example 2022-07-03: an action of an earlier meeting.",
        error_messages={"max_length": "A reference is 30 characters or fewer."},
    )
