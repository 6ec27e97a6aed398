"""The agenda item form with its actions arising: fields, validation, layout and saving.

``ItemEditor`` puts the item's ModelForm and the actions-arising formset together: it validates
both, lays them out in sections for the template, gathers every error for the GOV.UK error
summary, and saves the item and its actions in one transaction, refusing stale rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.forms.boundfield import BoundField

from actions.arising import DESCRIPTION_REQUIRED_MESSAGE, details_errors
from actions.models import LATER_MEETING_MESSAGE, Action
from assurance.error_summary import ErrorSummary
from assurance.inputs import BoundedFormSet, OneLineFieldsMixin
from assurance.versioning import STALE_EDIT_MESSAGE, VersionedFormMixin
from meetings.agenda import AgendaChangeRefused
from meetings.directory import NewPerson
from meetings.forms import GovukBoundField, new_name_field, new_organisation_field
from meetings.models import AgendaItem, LocalPolicingArea, Meeting, Office, Topic
from meetings.owners import OWNERS_HELP, OwnerDirectory
from minutes.item_saving import StaleForms, item_save

TEXT_HELP = (
    "Plain text. Leave a blank line between paragraphs, start a line with “- ” for a bullet "
    "point or “1. ” for a numbered point."
)


# The largest id the database holds (a 64-bit integer): a bigger one never names a record, and
# SQLite fails on it rather than finding nothing.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The record id a posted value names, or None if it cannot be one: only plain ASCII digits
    count ("²" passes ``str.isdigit`` but not ``int``), within the database's range. The length
    is checked first: ``int`` refuses a string of more than 4,300 digits (2**63 has 19)."""
    text = str(value).strip()
    if text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= MAX_ID:
        return int(text)
    return None


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Checkboxes of records that refuse a value which cannot be an id before querying."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


def office_label(office: Office) -> str:
    return f"{office.title} ({office.abbreviation})"


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes whose group points at its first box, so the error summary can link to it."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class AgendaItemForm(OneLineFieldsMixin, VersionedFormMixin, forms.ModelForm):
    """An agenda item's content; where it sits in the agenda is the agenda builder's job."""

    bound_field_class = GovukBoundField

    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "printed_number",
            "kind",
            "lead_office",
            "background",
            "questions",
            "minutes",
            "assurance_level",
            "assurance_statement",
            "decision",
            "restricted",
            "restricted_reason",
            "topics",
            "areas",
        ]
        labels = {
            "printed_number": "Board's own reference (optional)",
            "kind": "Kind of item",
            "lead_office": "Lead office",
            "questions": "Questions put to the Chief Constable",
            "minutes": "Minutes: findings and discussion",
            "assurance_level": "The Commissioner's assurance level",
            "restricted": "Withhold this item from the published minutes",
            "restricted_reason": "Why the item is withheld",
            "areas": "Local policing areas",
        }
        help_texts = {
            "title": "As it will appear in the minutes, for example “Response times”.",
            "printed_number": (
                "Only if the board gives its items references of their own, for example "
                "“Ref 03/18/01/2022”. The series' settings say whether the minutes show it "
                "instead of the item's number or beside it. Leave blank otherwise."
            ),
            "kind": (
                "Standing items show the actions carried forward from earlier meetings, or the "
                "date of the next meeting, under the item."
            ),
            "lead_office": "The office leading on this item, if any.",
            "background": "The briefing the Commissioner's questions rest on. " + TEXT_HELP,
            "questions": TEXT_HELP,
            "minutes": TEXT_HELP,
            "assurance_level": "What the Commissioner took from the discussion.",
            "assurance_statement": "Optional: the assurance in words. " + TEXT_HELP,
            "decision": (
                "Optional, for example “Previous minutes to be amended and re-circulated”. "
                + TEXT_HELP
            ),
            "restricted": "The published minutes will say the item was taken in private.",
            "restricted_reason": "Required if the item is withheld.",
            "topics": "Choose any that apply.",
            "areas": "Choose any the item is about.",
        }
        field_classes = {"topics": ModelIdsField, "areas": ModelIdsField}
        widgets = {
            "background": forms.Textarea(attrs={"rows": 5}),
            "questions": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 10}),
            "assurance_statement": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.Textarea(attrs={"rows": 2}),
            "topics": CheckboxList,
            "areas": CheckboxList,
        }
        error_messages = {
            "title": {
                "required": "Enter a title for the item",
                "max_length": "The title must be 300 characters or fewer",
            },
            "printed_number": {
                "max_length": "The board's own reference must be 20 characters or fewer"
            },
            "restricted_reason": {"max_length": "The reason must be 300 characters or fewer"},
            "kind": {"invalid_choice": "Choose a kind of item from the list"},
            "lead_office": {"invalid_choice": "Choose a lead office from the list"},
            "assurance_level": {"invalid_choice": "Choose an assurance level from the list"},
            "topics": {
                "invalid_choice": "Choose topics from the list",
                "invalid_pk_value": "Choose topics from the list",
            },
            "areas": {
                "invalid_choice": "Choose local policing areas from the list",
                "invalid_pk_value": "Choose local policing areas from the list",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A version that is not a number cannot be checked: refuse it as a stale edit.
        self.fields["version"].error_messages["invalid"] = STALE_EDIT_MESSAGE.format(thing="item")
        self.fields["lead_office"].empty_label = "No lead office"
        self.fields["lead_office"].label_from_instance = office_label
        self.fields["topics"].queryset = Topic.objects.all()
        # Areas are reorganised over time: offer the current ones, and keep any the item has.
        areas = Q(active=True)
        if self.instance.pk:
            areas |= Q(items=self.instance)
        self.fields["areas"].queryset = LocalPolicingArea.objects.filter(areas).distinct()

    # "Say why the item is withheld from publication" comes from AgendaItem.clean().

    def has_changed(self) -> bool:
        return any(name != "version" for name in self.changed_data)

    def _update_errors(self, errors):
        # AgendaItem.clean() also checks where the item sits (``parent``), which this form does
        # not edit: show such an error at the top of the form rather than fail.
        if hasattr(errors, "error_dict"):
            by_field: dict[str, list] = {}
            for name, messages in errors.error_dict.items():
                key = name if name in self.fields else NON_FIELD_ERRORS
                by_field.setdefault(key, []).extend(messages)
            errors = ValidationError(by_field)
        super()._update_errors(errors)


class ActionArisingForm(OneLineFieldsMixin, forms.Form):
    """One action arising: a new one (blank) or an existing one, identified by its id.

    Owner and due-meeting choices are built once for the whole formset and passed in, so the
    page costs the same queries however many actions the item has.
    """

    bound_field_class = GovukBoundField

    action_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": STALE_EDIT_MESSAGE.format(thing="action")},
    )
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is to be done, as it will appear in the minutes.",
        error_messages={"required": DESCRIPTION_REQUIRED_MESSAGE},
    )
    owners = forms.CharField(
        label="Owners",
        required=False,
        max_length=500,
        help_text=OWNERS_HELP,
        error_messages={"max_length": "Write the owners in 500 characters or fewer"},
    )
    # Someone the minutes name as an owner who is not in the directory yet: added when the
    # item is saved, so no second page or second save is needed.
    new_owner_name = new_name_field("New owner's name")
    new_owner_initials = forms.CharField(
        label="New owner's initials",
        required=False,
        max_length=20,
        help_text="As the minutes write them, such as RHL",
        error_messages={"max_length": "The initials must be 20 characters or fewer"},
    )
    new_owner_rank = forms.CharField(
        label="New owner's rank (optional)",
        required=False,
        max_length=100,
        help_text="Or their title, such as ACC or Director",
        error_messages={"max_length": "The rank or title must be 100 characters or fewer"},
    )
    new_owner_organisation = new_organisation_field("New owner's organisation")
    due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="For example 28/02/2023. Leave it blank if there is no date.",
        error_messages={"invalid": "Enter the due date as a real date, for example 28/02/2023"},
    )
    due_meeting = forms.TypedChoiceField(
        label="Due back at",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="A later meeting the action is to come back to, if any.",
        error_messages={"invalid_choice": LATER_MEETING_MESSAGE},
    )

    def __init__(self, *args, meeting, owner_directory, later_meetings, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.owner_directory = owner_directory
        self.later_meetings = {later.pk: later for later in later_meetings}
        self.fields["owners"].widget.attrs["list"] = OWNER_SUGGESTIONS_ID
        self.fields["due_meeting"].choices = [("", "No particular meeting")] + [
            (later.pk, str(later)) for later in later_meetings
        ]
        # A posted row names its action: compare it with that action as it is now, whichever
        # row it was listed in when the page was loaded.
        if self.is_bound:
            action_id = str(self.data.get(self.add_prefix("action_id")) or "")
        else:
            action_id = str(self.initial.get("action_id") or "")
        action_pk = parse_id(action_id)
        self.action = actions.get(action_pk) if action_pk is not None else None
        self.unknown_action = bool(action_id) and self.action is None
        self.initial = (
            action_initial(self.action, owner_directory, meeting.series.owner_style)
            if self.action
            else {}
        )

    def has_changed(self) -> bool:
        # The hidden id and version say which record the row is, not what the user changed.
        return any(name not in ("action_id", "version") for name in self.changed_data)

    @property
    def legend(self) -> str:
        if self.action is None:
            return "New action"
        return f"Action {self.action.reference} ({self.action.get_status_display().lower()})"

    def clean(self):
        cleaned = super().clean()
        if self.unknown_action:
            raise forms.ValidationError(
                "This action is no longer one of this item's actions. Open the item again to "
                "see its actions as they are now."
            )
        cleaned["owners"] = self._owners(cleaned)
        cleaned["due_meeting"] = self.later_meetings.get(cleaned.get("due_meeting"))
        errors = details_errors(
            meeting=self.meeting,
            description=cleaned.get("description") or "",
            owners=cleaned["owners"],
            due_date=cleaned.get("due_date"),
            due_meeting=cleaned["due_meeting"],
        )
        for name, message in errors.items():
            if name not in self.errors and name in cleaned:
                self.add_error(name, message)
        return cleaned

    def _owners(self, cleaned) -> list:
        """The owners typed, read against the directory, with the new owner if one is typed
        in; the reasons any cannot be placed are added to the form."""
        name = cleaned.get("new_owner_name", "")
        new_owner = None
        if name:
            known = self.owner_directory.by_writing.get(" ".join(name.split()).casefold())
            if known and any(person.name.casefold() == name.casefold() for person in known):
                self.add_error(
                    "new_owner_name",
                    f"{name} is already in the directory: write them in the owners instead",
                )
            elif not cleaned.get("new_owner_organisation"):
                self.add_error("new_owner_organisation", f"Choose the organisation {name} is from")
            else:
                new_owner = NewPerson(
                    name,
                    cleaned["new_owner_organisation"],
                    cleaned.get("new_owner_initials", ""),
                    cleaned.get("new_owner_rank", ""),
                )
        elif any(cleaned.get(f"new_owner_{part}") for part in ("initials", "rank")):
            self.add_error("new_owner_name", "Enter the new owner's name")
        read = self.owner_directory.read(cleaned.get("owners") or "", new_owner)
        for error in read.errors:
            self.add_error("owners", error)
        return read.owners if not read.errors else []

    @property
    def is_new_owner_open(self) -> bool:
        """Whether the new owner's fields hold anything, so the page shows them open."""
        return any(
            self[name].value() or self[name].errors
            for name in ("new_owner_name", "new_owner_initials", "new_owner_rank")
        ) or bool(self["new_owner_organisation"].errors)


# The page's one list of what may be typed as an owner (a <datalist>), shared by every row.
OWNER_SUGGESTIONS_ID = "owner-suggestions"


def action_initial(action: Action, owner_directory: OwnerDirectory, owner_style: str) -> dict:
    """What an action's row shows before it is changed (owners from prefetched ownerships),
    its owners written the series' way, unless that would be ambiguous."""
    return {
        "action_id": action.pk,
        "version": action.version,
        "description": action.description,
        "owners": owner_directory.write([row.owner for row in action.owners], owner_style),
        "due_date": action.due_date,
        "due_meeting": action.due_meeting_id,
    }


# Blank rows offered for new actions when the page is drawn: without JavaScript an item with up
# to this many new actions is one save. With it, item_form.js shows one and adds more on request.
BLANK_ACTION_ROWS = 3
# New action rows one save accepts (the page's existing actions come on top): the formset's
# max_num and absolute_max are the item's actions plus this many.
MAX_NEW_ACTION_ROWS = 30
TOO_MANY_ROWS_MESSAGE = (
    f"Add at most {MAX_NEW_ACTION_ROWS} new actions at a time: save these, then add the rest."
)


class BaseActionFormSet(BoundedFormSet):
    """The item's actions, one row each, then blank rows for new ones.

    Blank rows are ignored on save; a row with anything typed in it is validated in full.
    At most ``MAX_NEW_ACTION_ROWS`` rows beyond the item's actions are taken in one save; a
    request asking for more is refused before any row is built (``BoundedFormSet``).
    """

    default_error_messages = {"too_many_forms": TOO_MANY_ROWS_MESSAGE}

    def __init__(self, *args, meeting, actions, later_meetings, **kwargs):
        self.actions = {action.pk: action for action in actions}
        self.owner_directory = owner_directory = OwnerDirectory()
        # Limits per item: its own actions plus the new rows one save may carry.
        self.max_num = self.absolute_max = len(self.actions) + MAX_NEW_ACTION_ROWS
        self.form_kwargs_common = {
            "meeting": meeting,
            "owner_directory": owner_directory,
            "later_meetings": list(later_meetings),
            "actions": self.actions,
        }
        style = meeting.series.owner_style
        kwargs.setdefault(
            "initial", [action_initial(action, owner_directory, style) for action in actions]
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return dict(self.form_kwargs_common)

    def _construct_form(self, i, **kwargs):
        # An unchanged row, old or new, is left alone: not validated, not saved. A row nobody
        # touched must not be refused because someone else changed that action meanwhile.
        kwargs.setdefault("empty_permitted", True)
        kwargs.setdefault("use_required_attribute", False)
        return super()._construct_form(i, **kwargs)

    def changed_forms(self) -> list[ActionArisingForm]:
        return [form for form in self.forms if form.has_changed()]

    def spare_rows(self) -> set[int]:
        """Indexes of the blank new rows after the first one: item_form.js hides them until
        "Add another action" asks for one. Rows with anything typed, or errors, always show."""
        blank = [
            index
            for index, form in enumerate(self.forms)
            if form.action is None
            and not form.unknown_action
            and not (form.is_bound and form.has_changed())
            and not form.errors
        ]
        return set(blank[1:])


ActionFormSet = forms.formset_factory(
    ActionArisingForm,
    formset=BaseActionFormSet,
    extra=BLANK_ACTION_ROWS,
    can_delete=False,
    validate_max=True,
)


@dataclass
class Section:
    """A fieldset of the item form: a group of the item's fields, or one action arising."""

    legend: str
    fields: list[BoundField]
    hidden: list[BoundField] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    first_action: bool = False
    # An action row: ``number`` counts the new rows (1, 2 …); ``spare`` rows are blank ones
    # JavaScript may hide until asked for; the ``template`` row is the one it copies.
    action_row: bool = False
    number: int | None = None
    spare: bool = False
    template: bool = False
    # An action row's fields for an owner new to the directory, shown after its owners.
    new_owner: list[BoundField] = field(default_factory=list)
    new_owner_open: bool = False


def _action_section(row: ActionArisingForm, legend: str, **options) -> Section:
    fields = row.visible_fields()
    return Section(
        legend,
        [bound for bound in fields if not bound.name.startswith("new_owner_")],
        hidden=list(row.hidden_fields()),
        action_row=True,
        new_owner=[bound for bound in fields if bound.name.startswith("new_owner_")],
        new_owner_open=row.is_bound and row.is_new_owner_open,
        **options,
    )


ITEM_SECTIONS = [
    ("The item", ["title", "printed_number", "kind", "lead_office"]),
    ("Briefing and discussion", ["background", "questions", "minutes"]),
    ("The Commissioner's assurance", ["assurance_level", "assurance_statement", "decision"]),
    ("Publication", ["restricted", "restricted_reason"]),
    ("Topics and areas", ["topics", "areas"]),
]


class ItemEditor:
    """The item form and its actions-arising formset, for a new item or an existing one."""

    def __init__(
        self,
        *,
        meeting: Meeting,
        user,
        item: AgendaItem | None = None,
        parent: AgendaItem | None = None,
        later_meetings=(),
        data=None,
    ):
        self.meeting, self.user, self.parent = meeting, user, parent
        instance = item or AgendaItem(meeting=meeting, parent=parent)
        self.form = AgendaItemForm(data, instance=instance)
        actions = []
        if item is not None:
            actions = list(item.actions.select_related("due_meeting").with_owners())
        self.formset = ActionFormSet(
            data,
            prefix="actions",
            meeting=meeting,
            actions=actions,
            later_meetings=later_meetings,
        )
        self.summary = ErrorSummary(self.form, self.formset)

    @property
    def is_new(self) -> bool:
        return self.form.instance.pk is None

    def is_valid(self) -> bool:
        form_valid = self.form.is_valid()
        return self.formset.is_valid() and form_valid

    def sections(self) -> list[Section]:
        form = self.form
        sections = [
            Section(legend, [form[name] for name in names]) for legend, names in ITEM_SECTIONS
        ]
        spare = self.formset.spare_rows()
        new_rows = 0
        for index, row in enumerate(self.formset.forms):
            legend, number = row.legend, None
            if row.action is None:
                new_rows += 1
                legend, number = f"{row.legend} {new_rows}", new_rows
            sections.append(
                _action_section(
                    row,
                    legend,
                    errors=list(row.non_field_errors()),
                    first_action=index == 0,
                    number=number,
                    spare=index in spare,
                )
            )
        empty = self.formset.empty_form
        sections.append(_action_section(empty, empty.legend, template=True))
        return sections

    def save(self) -> AgendaItem | None:
        """Save the item and its changed action rows together (``item_save``), or nothing.

        Returns None after adding the reason to the forms when the minutes are read-only, the
        item cannot go where it was asked to, or the item or an action row is stale.
        """
        was_new = self.is_new
        try:
            return item_save(
                meeting=self.meeting,
                user=self.user,
                form=self.form,
                formset=self.formset,
                parent=self.parent,
            )
        except StaleForms as stale:
            for thing in stale.forms:
                message = STALE_EDIT_MESSAGE.format(
                    thing="item" if thing is self.form else "action"
                )
                if thing is self.form:
                    self.form.add_error(None, message)
                else:
                    thing.add_error("description", message)
        except AgendaChangeRefused as refusal:
            self.form.add_error(None, str(refusal))
        if was_new:
            self.form.instance.pk = None  # a rolled-back insert leaves its pk behind
        return None
