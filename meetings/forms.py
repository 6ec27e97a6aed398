"""The meeting form and its attendance rows, entered together on one page by OPCC staff.

People are chosen from the directory, loaded once per page (``PersonDirectory``) and shared by
the chair, the minute taker and every attendance row, so the page's queries do not grow with
the number of rows. Wherever a person is chosen (chair, minute taker, each attendance row)
someone not in the directory yet can be named instead; ``meetings.meeting_saving.meeting_save``
adds them in the same save, once however many times the page names them.

A meeting's date lies in ``meeting_date_range`` (1990 to ten years ahead), which the calendars
keep to as well; the attendance takes at most ``MAX_ATTENDANCE_ROWS`` rows a save.
"""

from __future__ import annotations

import datetime
import json

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as format_date

from assurance.fields import FirstChoiceRadioSelect, GovukBoundField
from assurance.inputs import BoundedFormSet, OneLineFieldsMixin
from assurance.versioning import STALE_EDIT_MESSAGE, VersionedFormMixin
from meetings.directory import NewPerson
from meetings.models import (
    AttendanceStatus,
    Meeting,
    Organisation,
    Person,
    Series,
)

CHOOSE_OR_NAME = "Choose a person from the list or enter the name of someone new"

# Meetings are dated from 1990 to this many years ahead: a date outside is a slip of the
# keyboard (such as 0022 for 2022), and calendars cannot carry years such as 1 or 9999.
EARLIEST_MEETING_DATE = datetime.date(1990, 1, 1)
MEETING_YEARS_AHEAD = 10


def meeting_date_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last dates a meeting may have, seen from ``today``."""
    try:
        last = today.replace(year=today.year + MEETING_YEARS_AHEAD)
    except ValueError:  # 29 February, in a year that has none
        last = today.replace(year=today.year + MEETING_YEARS_AHEAD, day=28)
    return EARLIEST_MEETING_DATE, last


def meeting_date_message(first: datetime.date, last: datetime.date) -> str:
    return (
        f"Enter a meeting date from {format_date(first, 'j F Y')} to "
        f"{format_date(last, 'j F Y')}, for example 29/11/2022"
    )


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


def check_new_person(
    form: forms.Form,
    directory: PersonDirectory,
    *,
    person_field: str,
    name_field: str,
    organisation_field: str,
    required: bool,
) -> None:
    """The one rule for "a person from the list, or the name of someone new": not both, a new
    name not already in the directory, and a new person's organisation. Adds the errors."""
    data = form.cleaned_data
    if person_field in form.errors:
        return
    person, new_name = data.get(person_field), data.get(name_field, "")
    if person is None:
        if not new_name:
            if required:
                form.add_error(person_field, CHOOSE_OR_NAME)
        elif new_name.casefold() in directory.by_name:
            known = directory.by_name[new_name.casefold()]
            form.add_error(
                name_field, f"{known.name} is already in the directory: choose them from the list"
            )
        elif not data.get(organisation_field):
            form.add_error(organisation_field, f"Choose the organisation {new_name} is from")
    elif new_name:
        form.add_error(
            name_field,
            f"You chose {person.name} from the list and entered a new name: keep only one",
        )


def new_name_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=200,
        error_messages={"max_length": "The name must be 200 characters or fewer"},
    )


def position_field(maximum: int) -> forms.IntegerField:
    """The optional "Position in lists" of a series or an office, a whole number from 0."""
    out_of_range = f"Enter the position as a whole number from 0 to {maximum}"
    return forms.IntegerField(
        label="Position in lists",
        help_text="Lower numbers come first.",
        required=False,
        min_value=0,
        max_value=maximum,
        # Text, not a number box: a browser empties a number box holding what is not a number,
        # and what the user typed must be shown again with the message.
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the position as a whole number, such as 2",
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


def new_organisation_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", "Choose (new person only)")] + Organisation.choices,
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )


# The people chosen on the meeting form itself: field, label, the role in messages.
MEETING_ROLES = (("chair", "Chair", "chair"), ("minute_taker", "Minute taker", "minute taker"))


class MeetingForm(OneLineFieldsMixin, VersionedFormMixin, forms.ModelForm):
    """Series, title, date and time, venue, chair, minute taker and focus of a meeting."""

    bound_field_class = GovukBoundField

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
        self.date_range = first, last = meeting_date_range(timezone.localdate())
        # The browser's date picker offers the range (and the date the meeting has, if outside).
        if self.instance.pk is not None:
            first, last = min(first, self.instance.date), max(last, self.instance.date)
        self.fields["date"].widget.attrs.update(min=first.isoformat(), max=last.isoformat())
        # Active series, and the meeting's own even if it has since been retired.
        series = self.fields["series"]
        current = self.instance.series_id if self.instance.pk else None
        series.queryset = Series.objects.filter(Q(active=True) | Q(pk=current))
        series.empty_label = "Choose a series"
        # Each series' name, for the script that fills the title in as you type.
        self.fields["title"].widget.attrs["data-series-names"] = json.dumps(
            {str(choice.pk): choice.name for choice in series.queryset}
        )
        self.directory = directory
        for name, label, role in MEETING_ROLES:
            self.fields[name] = PersonChoiceField(
                directory=directory,
                label=label,
                error_messages={"invalid_choice": f"Choose the {role} from the list"},
            )
            # Someone not in the directory yet is added in the same save as the meeting.
            self.fields[f"new_{name}_name"] = new_name_field(f"Or a new {role}: name")
            self.fields[f"new_{name}_organisation"] = new_organisation_field(
                f"The new {role}'s organisation"
            )
            self.fields[f"new_{name}_initials"] = forms.CharField(
                label=f"The new {role}'s initials (optional)",
                required=False,
                max_length=20,
                error_messages={"max_length": "The initials must be 20 characters or fewer"},
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
                Column("new_chair_name", css_class="col-md-4"),
                Column("new_chair_organisation", css_class="col-sm-6 col-md-2"),
                Column("new_chair_initials", css_class="col-sm-6 col-md-2"),
            ),
            Row(
                Column("minute_taker", css_class="col-md-4"),
                Column("new_minute_taker_name", css_class="col-md-4"),
                Column("new_minute_taker_organisation", css_class="col-sm-6 col-md-2"),
                Column("new_minute_taker_initials", css_class="col-sm-6 col-md-2"),
            ),
            "minute_taker_capacity",
            "focus",
            "version",
        )

    def clean_date(self):
        date = self.cleaned_data["date"]
        first, last = self.date_range
        # A date the meeting already has (saved before this rule, or in the admin) is kept.
        unchanged = self.instance.pk is not None and date == self.instance.date
        if date is not None and not first <= date <= last and not unchanged:
            raise forms.ValidationError(meeting_date_message(first, last), code="out_of_range")
        return date

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
        for name, _label, _role in MEETING_ROLES:
            check_new_person(
                self,
                self.directory,
                person_field=name,
                name_field=f"new_{name}_name",
                organisation_field=f"new_{name}_organisation",
                required=False,
            )
        return cleaned_data

    def new_people(self) -> dict[str, NewPerson]:
        """The chair and minute taker typed in as someone new, by field; after is_valid()."""
        data = self.cleaned_data
        return {
            name: NewPerson(
                data[f"new_{name}_name"],
                data[f"new_{name}_organisation"],
                data[f"new_{name}_initials"],
            )
            for name, _label, _role in MEETING_ROLES
            if data.get(f"new_{name}_name")
        }


class AttendanceForm(OneLineFieldsMixin, forms.Form):
    """One attendance row: a person from the directory, or the name of someone new."""

    bound_field_class = GovukBoundField

    def __init__(self, *args, directory: PersonDirectory, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = directory
        self.fields["person"] = PersonChoiceField(
            directory=directory,
            label="Person",
            error_messages={"invalid_choice": "Choose a person from the list"},
        )
        self.fields["new_name"] = new_name_field("Or someone new: name")
        self.fields["new_organisation"] = new_organisation_field("Their organisation")
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
        check_new_person(
            self,
            self.directory,
            person_field="person",
            name_field="new_name",
            organisation_field="new_organisation",
            required=True,
        )
        person = cleaned_data.get("person")
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


# The most rows one save of the attendance takes: real meetings list a dozen people or so. A
# meeting already holding more (saved in the admin) may keep them all.
MAX_ATTENDANCE_ROWS = 60
TOO_MANY_ATTENDANCE_ROWS_MESSAGE = (
    f"The attendance can list at most {MAX_ATTENDANCE_ROWS} people, and the form sent more "
    "rows than that. Nothing has been saved: check the rows below, then save again."
)


class BaseAttendanceFormSet(BoundedFormSet):
    """The attendance rows: the order they appear in is the order of the minutes.

    At most ``MAX_ATTENDANCE_ROWS`` rows a save (or the meeting's own attendance, if longer).
    """

    default_error_messages = {"too_many_forms": TOO_MANY_ATTENDANCE_ROWS_MESSAGE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rows shown and rows taken (a request asking for more is refused before any is built).
        self.max_num = self.absolute_max = max(MAX_ATTENDANCE_ROWS, len(self.initial or ()))

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

    def rows(self) -> list[tuple[Person | NewPerson, str, str]]:
        """The attendance to save, in order: (the person or someone new, capacity, status).

        After ``is_valid()``; ``meetings.meeting_saving.meeting_save`` writes them."""
        rows = []
        for form in self.kept_forms():
            data = form.cleaned_data
            person = data["person"] or NewPerson(data["new_name"], data["new_organisation"])
            rows.append((person, data["capacity"], data["status"]))
        return rows


AttendanceFormSet = forms.formset_factory(
    AttendanceForm, formset=BaseAttendanceFormSet, extra=3, can_delete=True
)
# A new meeting starts with room for a typical meeting's attendance.
NewMeetingAttendanceFormSet = forms.formset_factory(
    AttendanceForm, formset=BaseAttendanceFormSet, extra=8, can_delete=True
)
ATTENDANCE_PREFIX = "attendance"


def new_people_agree(form: MeetingForm, formset: BaseAttendanceFormSet) -> bool:
    """Someone new named more than once on the page (as chair and as an attendee, say) is one
    person, so the organisations, and any initials, given for them must agree. Adds the errors
    to the later mention, where they can be put right; call after both are valid."""
    first: dict[str, tuple[NewPerson, str]] = {}  # by name: the first mention, and its role
    roles = {name: role for name, _label, role in MEETING_ROLES}
    mentions = [
        (form, f"new_{name}", person, f"the {roles[name]}")
        for name, person in form.new_people().items()
    ]
    mentions += [
        (row, "new", person, f"attendee {index}")
        for index, (row, (person, _capacity, _status)) in enumerate(
            zip(formset.kept_forms(), formset.rows(), strict=True), start=1
        )
        if isinstance(person, NewPerson)
    ]
    agree = True
    for where, prefix, person, role in mentions:
        if person.key not in first:
            first[person.key] = (person, role)
            continue
        earlier, earlier_role = first[person.key]
        if person.organisation != earlier.organisation:
            label = Organisation(earlier.organisation).label
            where.add_error(
                f"{prefix}_organisation",
                f"{person.name} is also named as {earlier_role}, from {label}: choose the "
                "same organisation for both, or correct the name",
            )
            agree = False
        elif person.initials and earlier.initials and person.initials != earlier.initials:
            where.add_error(
                f"{prefix}_initials",
                f"{person.name} is also named as {earlier_role}, with the initials "
                f"{earlier.initials}: give the same initials for both, or leave these blank",
            )
            agree = False
    return agree


def meeting_form_is_valid(form: MeetingForm, formset: BaseAttendanceFormSet) -> bool:
    """Validate the meeting form and its attendance rows, so every problem on the page is
    reported at once, then check that someone new named twice is named the same way."""
    if not all([form.is_valid(), formset.is_valid()]):
        return False
    return new_people_agree(form, formset)


def attendance_initial(meeting: Meeting) -> list[dict]:
    """The meeting's attendance as the formset's initial rows."""
    return [
        {"person": row.person_id, "capacity": row.capacity, "status": row.status}
        for row in meeting.attendances.all()
    ]


class ReopenForm(forms.Form):
    """Why approved or published minutes are being reopened; kept in the history."""

    bound_field_class = GovukBoundField

    reason = forms.CharField(
        label="Why are the minutes being reopened?",
        help_text="Say what needs correcting. This is kept in the meeting's history.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason the minutes are being reopened"},
    )


MAX_SERIES_POSITION = 9999


class SeriesForm(OneLineFieldsMixin, VersionedFormMixin, forms.ModelForm):
    """A series' name, reference code, label, how its minutes number items, description, whether
    it is active and its place in lists. The rules that compare it with other series are
    Series.clean's."""

    bound_field_class = GovukBoundField

    position = position_field(MAX_SERIES_POSITION)

    class Meta:
        model = Series
        fields = [
            "name",
            "reference_code",
            "minutes_label",
            "reference_style",
            "owner_style",
            "description",
            "active",
            "position",
        ]
        labels = {
            "reference_code": "Reference code (optional)",
            "minutes_label": "Label above its minutes (optional)",
            "reference_style": "How its minutes number agenda items",
            "owner_style": "How its minutes write the people who own actions",
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
            "owner_style": "Offices are always written by their abbreviation, such as CC. Full "
            "names show on hover and in the PDF's list of abbreviations.",
            "active": "Untick when the series stops meeting: its meetings are kept, but new "
            "meetings cannot be put in it.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "reference_style": FirstChoiceRadioSelect,
            "owner_style": FirstChoiceRadioSelect,
        }
        error_messages = {
            "reference_style": {
                "required": "Choose how the series' minutes number agenda items",
                "invalid_choice": (
                    "Choose how the series' minutes number agenda items from the list"
                ),
            },
            "owner_style": {
                "invalid_choice": "Choose how the series' minutes write owners from the list",
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
        self.fields["owner_style"].required = False
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
            "owner_style",
            "description",
            Row(Column("position", css_class="col-sm-6 col-md-4")),
            "active",
            "version",
        )

    def clean_reference_style(self):
        return self.cleaned_data["reference_style"] or self.instance.reference_style

    def clean_owner_style(self):
        return self.cleaned_data["owner_style"] or self.instance.owner_style

    def clean_position(self):
        position = self.cleaned_data["position"]
        return 0 if position is None else position
