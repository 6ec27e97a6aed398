"""The meeting form and its attendance rows, entered together on one page by OPCC staff.

People are chosen from the directory, loaded once per page (``PersonDirectory``) and shared by
the chair, the minute taker and every attendance row, so the page's queries do not grow with
the number of rows. Attendance is saved by person (one row per person per meeting), in the order
the rows were entered.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q

from assurance.versioning import STALE_EDIT_MESSAGE, VersionedFormMixin
from meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    Organisation,
    Person,
    Series,
)

CHOOSE_OR_NAME = "Choose a person from the list or enter the name of someone new"


def capacity_for(person: Person) -> str:
    """A person's capacity as the minutes usually record it: their office, "Title (ABBR)"."""
    if person.office is None:
        return ""
    return f"{person.office.title} ({person.office.abbreviation})"


class PersonDirectory:
    """Everyone in the directory, active people first, read in one query."""

    def __init__(self):
        self.people = list(Person.objects.select_related("office").order_by("-active", "name"))
        self.by_pk = {person.pk: person for person in self.people}
        self.by_name = {person.name.casefold(): person for person in self.people}
        self.choices = [("", "Choose a person")] + [
            (person.pk, self.label(person)) for person in self.people
        ]
        self.capacities = {
            str(person.pk): capacity for person in self.people if (capacity := capacity_for(person))
        }

    @staticmethod
    def label(person: Person) -> str:
        label = person.name
        if person.office is not None:
            label += f" ({person.office.abbreviation})"
        if not person.active:
            label += " – no longer active"
        return label


class PersonSelect(forms.Select):
    """A select of people whose options carry the capacity to suggest (data-capacity), which
    static/js/meeting_form.js copies into the row's empty capacity box."""

    def __init__(self, *args, capacities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.capacities = capacities or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        capacity = self.capacities.get(str(value))
        if capacity:
            option["attrs"]["data-capacity"] = capacity
        return option


class PersonChoiceField(forms.ChoiceField):
    """A person from the directory; looks the choice up in memory rather than per field."""

    def __init__(self, *, directory: PersonDirectory, **kwargs):
        self.directory = directory
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", PersonSelect(capacities=directory.capacities))
        super().__init__(choices=directory.choices, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Person):
            return value
        try:
            return self.directory.by_pk[int(value)]
        except (KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def validate(self, value):
        forms.Field.validate(self, value)  # the choice was checked against the directory

    def has_changed(self, initial, data):
        def as_text(value):
            value = value.pk if isinstance(value, Person) else value
            return "" if value in self.empty_values else str(value)

        return as_text(initial) != as_text(data)


class MeetingForm(VersionedFormMixin, forms.ModelForm):
    """Series, title, date and time, venue, chair, minute taker and focus of a meeting."""

    class Meta:
        model = Meeting
        fields = [
            "series",
            "title",
            "date",
            "start_time",
            "end_time",
            "venue",
            "chair",
            "minute_taker",
            "minute_taker_capacity",
            "focus",
        ]
        labels = {
            "series": "Series",
            "start_time": "Start time",
            "end_time": "End time (optional)",
            "minute_taker_capacity": "Minute taker's capacity",
        }
        help_texts = {
            "title": (
                "Leave blank to use the usual title made from the series and date, "
                "such as “Holding to Account, 29 November 2022”. Give a thematic or "
                "extraordinary meeting its own title."
            ),
            "end_time": "When the meeting finished, for example 16:00, if the minutes say.",
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "focus": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "title": {"max_length": "The title must be 200 characters or fewer"},
            "venue": {"max_length": "The venue must be 200 characters or fewer"},
            "minute_taker_capacity": {
                "max_length": "The minute taker's capacity must be 200 characters or fewer"
            },
            "series": {
                "required": "Choose the series the meeting belongs to",
                "invalid_choice": "Choose the series the meeting belongs to from the list",
            },
            "date": {
                "required": "Enter the date of the meeting",
                "invalid": "Enter the date of the meeting as a real date, for example 29/11/2022",
            },
            "start_time": {
                "invalid": "Enter the start time in hours and minutes, for example 14:00",
            },
            "end_time": {
                "invalid": "Enter the end time in hours and minutes, for example 16:00",
            },
        }

    def __init__(self, *args, directory: PersonDirectory, **kwargs):
        super().__init__(*args, **kwargs)
        # A version that is not a number cannot be checked: refuse it as a stale edit.
        self.fields["version"].error_messages["invalid"] = STALE_EDIT_MESSAGE.format(
            thing="meeting"
        )
        self.fields["title"].required = False
        # Active series, and the meeting's own even if it has since been retired.
        series = self.fields["series"]
        current = self.instance.series_id if self.instance.pk else None
        series.queryset = Series.objects.filter(Q(active=True) | Q(pk=current))
        series.empty_label = "Choose a series"
        # Each series' name, for the script that fills the title in as you type.
        self.fields["title"].widget.attrs["data-series-names"] = json.dumps(
            {str(choice.pk): choice.name for choice in series.queryset}
        )
        for name, label, missing in (
            ("chair", "Chair", "Choose the chair from the list"),
            ("minute_taker", "Minute taker", "Choose the minute taker from the list"),
        ):
            self.fields[name] = PersonChoiceField(
                directory=directory,
                label=label,
                error_messages={"invalid_choice": missing},
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("series", css_class="col-md-5"), Column("title", css_class="col-md-7")),
            Row(
                Column("date", css_class="col-sm-6 col-md-4"),
                Column("start_time", css_class="col-sm-6 col-md-4"),
                Column("end_time", css_class="col-sm-6 col-md-4"),
            ),
            "venue",
            Row(
                Column("chair", css_class="col-md-4"),
                Column("minute_taker", css_class="col-md-4"),
                Column("minute_taker_capacity", css_class="col-md-4"),
            ),
            "focus",
            "version",
        )

    def clean(self):
        cleaned_data = super().clean()
        series, date = cleaned_data.get("series"), cleaned_data.get("date")
        if not cleaned_data.get("title") and series and date:
            cleaned_data["title"] = series.default_title(date)
        start, end = cleaned_data.get("start_time"), cleaned_data.get("end_time")
        if end is not None and "start_time" not in self.errors:
            if start is None:
                self.add_error("end_time", "Enter the start time as well as the end time")
            elif end <= start:
                self.add_error(
                    "end_time",
                    f"The end time must be after the start time ({start:%H:%M}): "
                    "enter a later end time or correct the start time",
                )
        return cleaned_data


class AttendanceForm(forms.Form):
    """One attendance row: a person from the directory, or the name of someone new."""

    def __init__(self, *args, directory: PersonDirectory, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = directory
        self.fields["person"] = PersonChoiceField(
            directory=directory,
            label="Person",
            error_messages={"invalid_choice": "Choose a person from the list"},
        )
        self.fields["new_name"] = forms.CharField(
            label="Or someone new: name",
            required=False,
            max_length=200,
            error_messages={"max_length": "The name must be 200 characters or fewer"},
        )
        self.fields["new_organisation"] = forms.ChoiceField(
            label="Their organisation",
            required=False,
            choices=[("", "Choose (new person only)")] + Organisation.choices,
            error_messages={"invalid_choice": "Choose an organisation from the list"},
        )
        self.fields["capacity"] = forms.CharField(
            label="Capacity",
            required=False,
            max_length=200,
            error_messages={"max_length": "The capacity must be 200 characters or fewer"},
        )
        self.fields["status"] = forms.ChoiceField(
            label="Attendance",
            choices=AttendanceStatus.choices,
            initial=AttendanceStatus.PRESENT,
            error_messages={
                "required": (
                    "Choose whether they were present, sent apologies or attended part, "
                    "or that their attendance was not recorded"
                ),
                "invalid_choice": "Choose an attendance from the list",
            },
        )
        self.fields["person"].widget.attrs["data-attendance"] = "person"
        self.fields["capacity"].widget.attrs["data-attendance"] = "capacity"

    @property
    def is_removed(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("DELETE"))

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("DELETE"):
            return cleaned_data  # a removed row is not checked
        person = cleaned_data.get("person")
        new_name = cleaned_data.get("new_name", "")
        if person is None and "person" not in self.errors:
            if not new_name:
                self.add_error("person", CHOOSE_OR_NAME)
            elif new_name.casefold() in self.directory.by_name:
                known = self.directory.by_name[new_name.casefold()]
                self.add_error(
                    "new_name",
                    f"{known.name} is already in the directory: choose them from the list",
                )
            elif not cleaned_data.get("new_organisation"):
                self.add_error("new_organisation", f"Choose the organisation {new_name} is from")
        elif person is not None and new_name:
            self.add_error(
                "new_name",
                f"You chose {person.name} from the list and entered a new name: keep only one",
            )
        # Server-side default for the capacity: the person's office, as the minutes record it.
        if person is not None and not cleaned_data.get("capacity"):
            cleaned_data["capacity"] = capacity_for(person)
        return cleaned_data

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Row(
                Column("person", css_class="col-md-4"),
                Column("new_name", css_class="col-md-4"),
                Column("new_organisation", css_class="col-md-4"),
            ),
            Row(
                Column("capacity", css_class="col-md-6"),
                Column("status", css_class="col-md-3"),
                Column(Field("DELETE"), css_class="col-md-3 pt-md-4"),
            ),
        )
        return helper


class BaseAttendanceFormSet(forms.BaseFormSet):
    """The attendance rows: the order they appear in is the order of the minutes."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove from the list"
            form.fields["DELETE"].widget.attrs["data-attendance"] = "remove"

    def kept_forms(self) -> list[AttendanceForm]:
        """The rows to save, in the order shown: filled in and not removed."""
        # Rows already recorded are kept unless removed; blank extra rows are skipped.
        return [
            form
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed()) and not form.is_removed
        ]

    def clean(self):
        # The same person twice is refused on the second row, where it can be put right.
        seen = set()
        for form in self.kept_forms():
            person = form.cleaned_data.get("person")
            new_name = form.cleaned_data.get("new_name", "")
            if person is not None:
                key, name, field = ("pk", person.pk), person.name, "person"
            elif new_name:
                key, name, field = ("new", new_name.casefold()), new_name, "new_name"
            else:
                continue
            if key in seen:
                form.add_error(field, f"{name} is already listed")
            seen.add(key)

    def save(self, meeting: Meeting) -> list[Attendance]:
        """Make the meeting's attendance match the rows: people created for new names, rows
        matched by person (the one-row-per-person rule), positions in the order shown.

        Call inside the transaction that saves the meeting, after ``is_valid()``."""
        wanted: list[tuple[Person, str, str]] = []
        for form in self.kept_forms():
            data = form.cleaned_data
            person = data["person"]
            if person is None:
                person = Person.objects.create(
                    name=data["new_name"], organisation=data["new_organisation"]
                )
            wanted.append((person, data["capacity"], data["status"]))
        # Remove the rows of people no longer listed first, so re-adding a person in a new
        # row never meets their old row under the unique constraint.
        meeting.attendances.exclude(person__in=[person for person, _, _ in wanted]).delete()
        existing = {row.person_id: row for row in meeting.attendances.all()}
        to_create, to_update = [], []
        for position, (person, capacity, status) in enumerate(wanted, start=1):
            row = existing.get(person.pk)
            if row is None:
                to_create.append(
                    Attendance(
                        meeting=meeting,
                        person=person,
                        capacity=capacity,
                        status=status,
                        position=position,
                    )
                )
            elif (row.capacity, row.status, row.position) != (capacity, status, position):
                row.capacity, row.status, row.position = capacity, status, position
                to_update.append(row)
        Attendance.objects.bulk_update(to_update, ["capacity", "status", "position"])
        return Attendance.objects.bulk_create(to_create)


AttendanceFormSet = forms.formset_factory(
    AttendanceForm, formset=BaseAttendanceFormSet, extra=3, can_delete=True
)
# A new meeting starts with room for a typical meeting's attendance.
NewMeetingAttendanceFormSet = forms.formset_factory(
    AttendanceForm, formset=BaseAttendanceFormSet, extra=8, can_delete=True
)
ATTENDANCE_PREFIX = "attendance"


def attendance_initial(meeting: Meeting) -> list[dict]:
    """The meeting's attendance as the formset's initial rows."""
    return [
        {"person": row.person_id, "capacity": row.capacity, "status": row.status}
        for row in meeting.attendances.all()
    ]


class ReopenForm(forms.Form):
    """Why approved or published minutes are being reopened; kept in the history."""

    reason = forms.CharField(
        label="Why are the minutes being reopened?",
        help_text="Say what needs correcting. This is kept in the meeting's history.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason the minutes are being reopened"},
    )


@dataclass(frozen=True)
class SummaryEntry:
    """A field with errors, as includes/error_summary.html reads it."""

    id_for_label: str
    errors: list[str]


class ErrorSummary:
    """The meeting form's and every attendance row's errors, so the page has one error summary
    (includes/error_summary.html, passed as its ``form``) linking to the fields of every row."""

    def __init__(self, form: MeetingForm, formset: BaseAttendanceFormSet):
        self.non_field_errors = list(form.non_field_errors())
        # A hidden field's error (the version) has nowhere else to show.
        self.non_field_errors += [
            error for hidden in form.hidden_fields() for error in hidden.errors
        ]
        self.visible_fields = [
            SummaryEntry(field.id_for_label, list(field.errors))
            for field in form.visible_fields()
            if field.errors
        ]
        if formset.is_bound:
            self.non_field_errors += list(formset.non_form_errors())
            for row in formset.forms:
                if row.is_removed:
                    continue
                self.visible_fields += [
                    SummaryEntry(row[name].id_for_label, list(errors))
                    for name, errors in row.errors.items()
                    if name != NON_FIELD_ERRORS
                ]
        self.errors = bool(self.non_field_errors or self.visible_fields)


MAX_SERIES_POSITION = 9999


class SeriesForm(VersionedFormMixin, forms.ModelForm):
    """A series' name, reference code, label, how its minutes number items, description, whether
    it is active and its place in lists. The rules that compare it with other series are
    Series.clean's."""

    position = forms.IntegerField(
        label="Position in lists",
        help_text="Lower numbers come first.",
        required=False,
        min_value=0,
        max_value=MAX_SERIES_POSITION,
        # Text, not a number box: a browser empties a number box holding what is not a number,
        # and what the user typed must be shown again with the message.
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the position as a whole number, such as 2",
            "min_value": f"Enter the position as a whole number from 0 to {MAX_SERIES_POSITION}",
            "max_value": f"Enter the position as a whole number from 0 to {MAX_SERIES_POSITION}",
        },
    )

    class Meta:
        model = Series
        fields = [
            "name",
            "reference_code",
            "minutes_label",
            "reference_style",
            "description",
            "active",
            "position",
        ]
        labels = {
            "reference_code": "Reference code (optional)",
            "minutes_label": "Label above its minutes (optional)",
            "reference_style": "How its minutes number agenda items",
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
            "reference_style": "Some boards give items references of their own, such as "
            "“Ref 03/18/01/2022”, entered on each item. Items without one show their number.",
            "active": "Untick when the series stops meeting: its meetings are kept, but new "
            "meetings cannot be put in it.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "reference_style": forms.RadioSelect,
        }
        error_messages = {
            "reference_style": {
                "required": "Choose how the series' minutes number agenda items",
                "invalid_choice": (
                    "Choose how the series' minutes number agenda items from the list"
                ),
            },
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
        # A version that is not a number cannot be checked: refuse it as a stale edit.
        self.fields["version"].error_messages["invalid"] = STALE_EDIT_MESSAGE.format(thing="series")
        # The radios always send one choice; a post without any keeps the series' style.
        self.fields["reference_style"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-8"),
                Column("reference_code", css_class="col-md-4"),
            ),
            "minutes_label",
            "reference_style",
            "description",
            Row(Column("position", css_class="col-sm-6 col-md-4")),
            "active",
            "version",
        )

    def clean_reference_style(self):
        return self.cleaned_data["reference_style"] or self.instance.reference_style

    def clean_position(self):
        position = self.cleaned_data["position"]
        return 0 if position is None else position
