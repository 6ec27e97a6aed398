"""Series management for the OPCC: the list of standing meetings, and the form that creates or
edits one (its name, the label above its minutes, the code its action references start with,
whether new meetings may be put in it).

The rules compare a series with the others (names and reference codes are unique, at most one
series numbers its actions without a code), so a save locks every series and checks them again
before writing. Series carry no version number: the form carries a fingerprint of the values it
was loaded with instead, and a save is refused if the series has changed since.
"""

from __future__ import annotations

import hashlib
import json

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from assurance import roles
from assurance.permissions import role_required
from assurance.versioning import STALE_EDIT_MESSAGE, StaleEdit
from meetings.models import Series

EDITED_FIELDS = ["name", "reference_code", "minutes_label", "description", "active", "position"]
MAX_POSITION = 9999


def fingerprint(values: dict) -> str:
    """A digest of a series' edited values, as loaded into the form or as stored now."""
    text = json.dumps([values[name] for name in EDITED_FIELDS], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class SeriesForm(forms.ModelForm):
    """A series' name, reference code, label, description, whether it is active and its place
    in lists; names and codes are compared without regard to case."""

    position = forms.IntegerField(
        label="Position in lists",
        help_text="Lower numbers come first.",
        required=False,
        min_value=0,
        max_value=MAX_POSITION,
        # Text, not a number box: a browser empties a number box holding what is not a number,
        # and what the user typed must be shown again with the message.
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the position as a whole number, such as 2",
            "min_value": f"Enter the position as a whole number from 0 to {MAX_POSITION}",
            "max_value": f"Enter the position as a whole number from 0 to {MAX_POSITION}",
        },
    )
    # What the series was when the form was loaded, to refuse a save over someone else's.
    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Series
        fields = EDITED_FIELDS
        labels = {
            "reference_code": "Reference code (optional)",
            "minutes_label": "Label above its minutes (optional)",
            "description": "Description (optional)",
            "active": "Active: new meetings may be put in this series",
        }
        help_texts = {
            "name": "As people know it, such as “Governance Board”. A meeting's usual title "
            "is made from it and the date: “Governance Board, 29 November 2022”.",
            "reference_code": "Letters and digits, such as GB. It starts the references of the "
            "series' actions (GB-2022-11-01), so that each series numbers its own. One series "
            "may leave it blank (2022-11-01). Changing it changes only the references given "
            "from then on.",
            "minutes_label": "Printed above the title of its minutes, such as “Monthly "
            "Assurance Meeting”. Leave blank to print the name.",
            "active": "Untick when the series stops meeting: its meetings are kept, but new "
            "meetings cannot be put in it.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {
                "required": "Enter the name of the series",
                "max_length": "The name must be 200 characters or fewer",
            },
            "reference_code": {
                "max_length": "The reference code must be 10 characters or fewer",
            },
            "minutes_label": {
                "max_length": "The label must be 200 characters or fewer",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded"].initial = fingerprint(
                {name: getattr(self.instance, name) for name in EDITED_FIELDS}
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-8"),
                Column("reference_code", css_class="col-md-4"),
            ),
            "minutes_label",
            "description",
            Row(Column("position", css_class="col-sm-6 col-md-4")),
            "active",
            "loaded",
        )

    def others(self):
        """Every series but this one."""
        return Series.objects.exclude(pk=self.instance.pk) if self.instance.pk else Series.objects

    def clean_name(self):
        name = self.cleaned_data["name"]
        clash = self.others().filter(name__iexact=name).first()
        if clash is not None:
            raise forms.ValidationError(
                f"There is already a series called “{clash.name}”: give this one another name"
            )
        return name

    def clean_reference_code(self):
        # Capitals, as references are printed; compared without case, as SQLite's LIKE
        # (which finds the references already given) would compare them.
        code = self.cleaned_data["reference_code"].upper()
        if code and not (code.isascii() and code.isalnum()):
            raise forms.ValidationError(
                "Enter the reference code in letters and digits only, such as GB: it starts "
                "each action's reference, as in GB-2022-11-01"
            )
        if code:
            clash = self.others().filter(reference_code__iexact=code).first()
            if clash is not None:
                raise forms.ValidationError(
                    f"“{clash.name}” already uses the reference code {clash.reference_code}: "
                    "choose another, so that each series numbers its own actions"
                )
        else:
            uncoded = self.others().filter(reference_code="").first()
            if uncoded is not None:
                raise forms.ValidationError(
                    f"Give this series a reference code, such as GB: “{uncoded.name}” has "
                    "none, and the actions of two series without one would share one "
                    "numbering (2022-11-01, 2022-11-02 …)"
                )
        return code

    def clean_position(self):
        position = self.cleaned_data["position"]
        return 0 if position is None else position


def series_save(*, form: SeriesForm) -> Series | None:
    """Save a valid series form, or return None with the reason added to the form.

    Locks every series, so two saves at once take turns, then checks the form again against
    what is stored now and refuses a save over a change made since the form was loaded."""
    try:
        with transaction.atomic():
            current = {
                row["pk"]: row
                for row in Series.objects.select_for_update().values("pk", *EDITED_FIELDS)
            }
            pk = form.instance.pk
            if pk is not None and (
                pk not in current or fingerprint(current[pk]) != form.cleaned_data["loaded"]
            ):
                raise StaleEdit
            form.full_clean()  # again, under the lock: another series may have been saved
            if not form.is_valid():
                return None
            return form.save()
    except StaleEdit:
        form.add_error(None, STALE_EDIT_MESSAGE.format(thing="series"))
        return None


def _render_form(request, form, *, series=None, series_name=""):
    return render(
        request,
        "meetings/series_form.html",
        {"form": form, "series": series, "series_name": series_name},
    )


@role_required(roles.OPCC)
def series_list(request):
    """Every series, active or not, with how many meetings each has: one query."""
    series = Series.objects.annotate(meeting_count=Count("meetings"))
    return render(request, "meetings/series_list.html", {"series_list": series})


@role_required(roles.OPCC)
def series_create(request):
    form = SeriesForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        series = series_save(form=form)
        if series is not None:
            messages.success(request, f"The series “{series.name}” has been created.")
            return redirect("meetings:series_list")
    return _render_form(request, form)


@role_required(roles.OPCC)
def series_edit(request, pk):
    series = get_object_or_404(Series, pk=pk)
    # Validating the form copies what was typed onto the series: keep the saved name for the
    # page's heading and breadcrumb.
    saved_name = series.name
    form = SeriesForm(request.POST if request.method == "POST" else None, instance=series)
    if form.is_bound and form.is_valid():
        if series_save(form=form) is not None:
            messages.success(
                request, f"Your changes to the series “{series.name}” have been saved."
            )
            return redirect("meetings:series_list")
    return _render_form(request, form, series=series, series_name=saved_name)
