"""The directory's forms: a person, with the office they hold and since when, and an office.

A form validates; ``meetings.directory.person_save`` writes the person and their holdings."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from assurance import roles
from assurance.inputs import OneLineFieldsMixin
from meetings.directory import holding_starts_too_early_message
from meetings.forms import GovukBoundField, position_field
from meetings.models import Office, OfficeHolding, Person

MAX_OFFICE_POSITION = 10_000


def office_label(office: Office) -> str:
    return f"{office.title} ({office.abbreviation})"


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return office_label(obj)


class DelegatesField(forms.ModelMultipleChoiceField):
    """The force users who act for a person or an office: they report progress on the actions
    it owns (``actions.models.acts_for``)."""

    def __init__(self, **kwargs):
        users = get_user_model().objects.filter(groups__name=roles.FORCE, is_active=True)
        super().__init__(
            queryset=users.order_by("username"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "Choose force users from the list"},
            **kwargs,
        )

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class PersonForm(OneLineFieldsMixin, forms.ModelForm):
    """A person's name, initials, rank or title, organisation, email, whether they are active,
    and the office they hold with the date they took it."""

    bound_field_class = GovukBoundField

    office = OfficeChoiceField(
        label="Holds office (optional)",
        queryset=Office.objects.all(),
        required=False,
        empty_label="No office",
        help_text="The office they hold now. Choosing another ends the one they held, on the "
        "date below, and the history of who held each office is kept.",
        error_messages={"invalid_choice": "Choose an office from the list"},
    )
    since = forms.DateField(
        label="Since (optional)",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="The date they took the office, for example 01/04/2024. Used only when the "
        "office changes; leave it blank for today.",
        error_messages={
            "invalid": "Enter the date they took the office as a real date, for example 01/04/2024"
        },
    )

    delegates = DelegatesField(
        label="Force users who act for them (optional)",
        help_text="Such as their staff officer: they may report progress on the actions this "
        "person owns.",
    )

    class Meta:
        model = Person
        fields = ["name", "initials", "rank", "organisation", "email", "active", "delegates"]
        labels = {
            "initials": "Initials (optional)",
            "rank": "Rank or title (optional)",
            "email": "Email address (optional)",
            "active": "Active: offered when recording attendance and owners",
        }
        help_texts = {
            "name": "Their full name, such as “Richard Jones”.",
            "email": "Such as name@example.org.uk.",
        }
        error_messages = {
            "name": {
                "required": "Enter the person's name",
                "max_length": "The name must be 200 characters or fewer",
            },
            "initials": {"max_length": "The initials must be 20 characters or fewer"},
            "rank": {"max_length": "The rank or title must be 100 characters or fewer"},
            "organisation": {
                "required": "Choose the organisation they belong to",
                "invalid_choice": "Choose the organisation they belong to from the list",
            },
            "email": {
                "invalid": "Enter an email address in the correct format, like name@example.org.uk",
                "max_length": "The email address must be 254 characters or fewer",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].initial = self.instance.office_id
        self.today = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-8"), Column("initials", css_class="col-md-4")),
            Row(Column("rank", css_class="col-md-6"), Column("organisation", css_class="col-md-6")),
            "email",
            Row(Column("office", css_class="col-md-8"), Column("since", css_class="col-md-4")),
            "active",
            "delegates",
        )

    def office_changes(self) -> bool:
        office = self.cleaned_data.get("office")
        return (office.pk if office else None) != self.instance.office_id

    def clean(self):
        cleaned_data = super().clean()
        if "since" not in cleaned_data or "office" not in cleaned_data:
            return cleaned_data
        since = cleaned_data["since"] or self.today
        cleaned_data["since"] = since
        if not self.office_changes():
            return cleaned_data
        if since > self.today:
            self.add_error("since", "The date they took the office must be today or in the past")
        elif self.instance.pk is not None:
            started = (
                OfficeHolding.objects.filter(person=self.instance, until__isnull=True)
                .order_by("-since")
                .values_list("since", flat=True)
                .first()
            )
            if started is not None and since < started:
                self.add_error("since", holding_starts_too_early_message(started))
        return cleaned_data


class OfficeForm(OneLineFieldsMixin, forms.ModelForm):
    """An office's title, abbreviation, organisation and place in lists."""

    bound_field_class = GovukBoundField

    position = position_field(MAX_OFFICE_POSITION)

    delegates = DelegatesField(
        label="Force users who act for this office (optional)",
        help_text="They may report progress on the actions the office owns, and on those of "
        "the person who holds it.",
    )

    class Meta:
        model = Office
        fields = ["title", "abbreviation", "organisation", "position", "delegates"]
        help_texts = {
            "title": "As minutes name the post, such as “Chief Constable”, “Treasurer” or "
            "“Superintendent, Herefordshire”.",
            "abbreviation": "As minutes print it as an owner, such as CC or DCC.",
        }
        error_messages = {
            "title": {
                "required": "Enter the title of the office",
                "max_length": "The title must be 200 characters or fewer",
            },
            "abbreviation": {
                "required": "Enter the abbreviation of the office, such as CC",
                "max_length": "The abbreviation must be 20 characters or fewer",
                "unique": "There is already an office with this abbreviation. Enter a "
                "different abbreviation",
            },
            "organisation": {
                "required": "Choose the organisation the office belongs to",
                "invalid_choice": "Choose the organisation the office belongs to from the list",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("title", css_class="col-md-8"), Column("abbreviation", css_class="col-md-4")
            ),
            Row(
                Column("organisation", css_class="col-md-6"),
                Column("position", css_class="col-sm-6 col-md-4"),
            ),
            "delegates",
        )

    def clean_abbreviation(self):
        abbreviation = self.cleaned_data["abbreviation"].strip()
        taken = (
            Office.objects.filter(abbreviation__iexact=abbreviation)
            .exclude(pk=self.instance.pk)
            .values_list("abbreviation", flat=True)
            .first()
        )
        if taken is not None:
            raise forms.ValidationError(
                f"There is already an office with the abbreviation {taken}. Enter a "
                "different abbreviation"
            )
        return abbreviation

    def clean_position(self):
        position = self.cleaned_data["position"]
        return 0 if position is None else position
