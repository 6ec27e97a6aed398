"""The action filters: one form and one function that applies it, shared by the dashboard, the
action log and the CSV export. The dashboard's tiles are saved filters, so a tile's count and
the log its link opens are the same query; so are the counts by owner and the owner filter.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from actions.models import OUTSTANDING, Action, ActionOwner, Status
from actions.tracking import RECENTLY_CLOSED_DAYS, Horizon, closed_since, due_at_next_meeting
from assurance.fields import GovukBoundField, PlainSelect
from assurance.inputs import OneLineFieldsMixin
from meetings.models import Meeting, Office, Person, Topic

# The status filter's value for "open, in progress or awaiting sign-off".
ANY_OUTSTANDING = "outstanding"


OFFICE, PERSON = "office", "person"


def owner_key(kind: str, pk: int) -> str:
    """The owner filter's value for an office or a person: "office-3", "person-7"."""
    return f"{kind}-{pk}"


@dataclass(frozen=True)
class Owner:
    """An office or a person as the owner filter offers it and the counts by owner name it."""

    kind: str  # OFFICE or PERSON
    pk: int
    label: str  # "CC – Chief Constable", "ACC RJ – Rachel Jones"

    @property
    def key(self) -> str:
        return owner_key(self.kind, self.pk)


def person_label(person: Person) -> str:
    """A person as the owner list writes them: "ACC RJ – Rachel Jones", or the name alone
    where the minutes write the name."""
    written = person.written()
    return person.name if written == person.name else f"{written} – {person.name}"


class OwnerChoices:
    """The owners the filter offers a user: every office, and the people who are active or own
    an action the user may read (a retired chief officer's actions stay findable). Read in one
    query when first needed, however many offices and people."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def owners(self) -> list[Owner]:
        """The offices in their order, then the people by name."""
        owns_readable = ActionOwner.objects.filter(
            person=OuterRef("pk"), action__in=Action.objects.visible_to(self.user).values("pk")
        )
        # One query for both: offices and people as rows of the same shape.
        offices = Office.objects.order_by().values_list(
            Value(OFFICE), "pk", "position", "abbreviation", "title", Value(""), Value("")
        )
        people = (
            Person.objects.filter(Q(active=True) | Exists(owns_readable))
            .order_by()
            .values_list(Value(PERSON), "pk", Value(0), Value(""), "name", "initials", "rank")
        )
        offices_first, people_by_name = [], []
        # ``name`` is an office's title or a person's name.
        for kind, pk, position, abbreviation, name, initials, rank in offices.union(
            people, all=True
        ):
            if kind == OFFICE:
                office = Owner(OFFICE, pk, f"{abbreviation} – {name}")
                offices_first.append(((position, abbreviation), office))
            else:
                person = Person(name=name, initials=initials, rank=rank)
                people_by_name.append(((name, pk), Owner(PERSON, pk, person_label(person))))
        return [owner for _order, owner in sorted(offices_first) + sorted(people_by_name)]

    @cached_property
    def by_key(self) -> dict[str, Owner]:
        return {owner.key: owner for owner in self.owners}

    def grouped(self, empty_label: str) -> list:
        """The select's choices: the empty choice, then the offices and the people."""
        return [
            ("", empty_label),
            ("Offices", [(o.key, o.label) for o in self.owners if o.kind == OFFICE]),
            ("People", [(o.key, o.label) for o in self.owners if o.kind == PERSON]),
        ]


class OwnerField(forms.ChoiceField):
    """One list of offices and people, valued "office-3" / "person-7", that cleans to an
    ``Owner``. A plain number is an office: the links bookmarked when the list held offices
    only."""

    widget = PlainSelect

    def __init__(self, *, empty_label: str, **kwargs):
        self.empty_label = empty_label
        self.owner_choices: OwnerChoices | None = None  # set by the form, for its user
        super().__init__(**kwargs)

    def use(self, owner_choices: OwnerChoices) -> None:
        self.owner_choices = owner_choices
        self.choices = lambda: owner_choices.grouped(self.empty_label)  # read when rendered

    def to_python(self, value) -> str:
        value = super().to_python(value).strip()
        return f"{OFFICE}-{value}" if value.isascii() and value.isdigit() else value

    def prepare_value(self, value):
        # Shows an old numeric value as its office, chosen in the list.
        return self.to_python(value) if isinstance(value, str) else value

    def valid_value(self, value) -> bool:
        return value in self.owner_choices.by_key

    def clean(self, value) -> Owner | None:
        key = super().clean(value)
        return self.owner_choices.by_key[key] if key else None


class ActionFilterForm(OneLineFieldsMixin, forms.Form):
    """The filters, read from the query string. With ``outstanding_only`` (the dashboard, which
    lists outstanding actions) the status choices are the outstanding ones."""

    bound_field_class = GovukBoundField

    q = forms.CharField(
        label="Reference or description contains",
        required=False,
        max_length=200,
        error_messages={"max_length": "Enter 200 characters or fewer to search for."},
    )
    owner = OwnerField(
        label="Owner",
        required=False,
        empty_label="Any owner",
        error_messages={"invalid_choice": "Choose an owner from the list."},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    origin_meeting = forms.ModelChoiceField(
        label="Arose at",
        queryset=Meeting.objects.none(),
        widget=PlainSelect,
        required=False,
        empty_label="Any meeting",
        error_messages={"invalid_choice": "Choose a meeting from the list."},
    )
    topic = forms.ModelChoiceField(
        label="Topic",
        queryset=Topic.objects.all(),
        required=False,
        empty_label="Any topic",
        error_messages={"invalid_choice": "Choose a topic from the list."},
    )
    overdue = forms.BooleanField(label="Overdue", required=False)
    due_next = forms.BooleanField(label="Due at the next meeting", required=False)
    closed_recently = forms.BooleanField(
        label=f"Closed in the last {RECENTLY_CLOSED_DAYS} days", required=False
    )

    def __init__(self, *args, user, outstanding_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_choices = OwnerChoices(user)
        self.fields["owner"].use(self.owner_choices)
        # Only meetings the user may read, so a draft's existence does not leak to force staff.
        meetings = Meeting.objects.visible_to(user).only("pk", "title", "date")
        if outstanding_only:
            # Only meetings an outstanding action arose at: a few dozen, however long the
            # archive, rather than every meeting of twenty years.
            arising = Action.objects.outstanding().filter(origin_meeting=OuterRef("pk"))
            meetings = meetings.filter(Exists(arising))
        self.fields["origin_meeting"].queryset = meetings.order_by("-date", "-start_time")
        if outstanding_only:
            self.fields["status"].choices = [("", "Any outstanding status")] + [
                (status.value, status.label) for status in OUTSTANDING
            ]
            del self.fields["closed_recently"]  # closed actions are not listed there
        else:
            self.fields["status"].choices = [
                ("", "Any status"),
                (ANY_OUTSTANDING, "Outstanding (open, in progress or awaiting sign-off)"),
            ] + Status.choices

    @property
    def filters(self) -> dict[str, Any]:
        """The filters that were chosen and are valid; an invalid one is reported and ignored,
        and the others still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "", False)
        }


def filter_actions(
    queryset: QuerySet[Action], filters: dict[str, Any], horizon: Horizon
) -> QuerySet[Action]:
    """Narrow ``queryset`` by the filters (``ActionFilterForm.filters``)."""
    if text := filters.get("q"):
        queryset = queryset.filter(Q(reference__icontains=text) | Q(description__icontains=text))
    if owner := filters.get("owner"):
        queryset = queryset.filter(Exists(ownerships_of(owner).filter(action=OuterRef("pk"))))
    if status := filters.get("status"):
        if status == ANY_OUTSTANDING:
            queryset = queryset.outstanding()
        else:
            queryset = queryset.filter(status=status)
    if meeting := filters.get("origin_meeting"):
        queryset = queryset.filter(origin_meeting=meeting)
    if topic := filters.get("topic"):
        queryset = queryset.filter(origin_item__topics=topic)
    if filters.get("overdue"):
        queryset = queryset.overdue(horizon.today)
    if filters.get("due_next"):
        queryset = due_at_next_meeting(queryset, horizon.next_meetings)
    if filters.get("closed_recently"):
        queryset = closed_since(queryset, horizon.closed_since)
    return queryset


def ownerships_of(owner: Owner) -> QuerySet[ActionOwner]:
    """What the owner filter means: a person's own ownerships; an office's, and those of the
    person who holds it now (``Person.office``), whose actions are the office's business."""
    if owner.kind == PERSON:
        return ActionOwner.objects.filter(person_id=owner.pk)
    return ActionOwner.objects.filter(Q(office_id=owner.pk) | Q(person__office_id=owner.pk))


@dataclass(frozen=True)
class Tile:
    """A dashboard count: a saved filter, linked to the action log showing those actions."""

    key: str
    label: str
    hint: str
    filters: dict[str, Any]

    @property
    def query_string(self) -> str:
        return urlencode(
            {key: "on" if value is True else value for key, value in self.filters.items()}
        )


TILES = (
    Tile(
        "outstanding",
        "Outstanding",
        "Open, in progress or awaiting sign-off",
        {"status": ANY_OUTSTANDING},
    ),
    Tile("overdue", "Overdue", "Outstanding and past the due date", {"overdue": True}),
    Tile(
        "awaiting_sign_off",
        "Awaiting sign-off",
        "Reported done, for the OPCC to sign off",
        {"status": Status.AWAITING_SIGN_OFF.value},
    ),
    Tile(
        "due_next",
        "Due at the next meeting",
        "Due by its date, or due back at it",
        {"due_next": True},
    ),
    Tile(
        "closed_recently",
        f"Closed in the last {RECENTLY_CLOSED_DAYS} days",
        "Signed off",
        {"closed_recently": True},
    ),
)


@dataclass(frozen=True)
class TileCount:
    tile: Tile
    count: int


def count_tiles(visible: QuerySet[Action], horizon: Horizon) -> list[TileCount]:
    """Each tile's count among ``visible``: a query a tile, each reading only its own rows
    through the status indexes (a few hundred in a twenty-year archive), where one aggregate
    over ``visible`` read every action the user may see (slower at scale 10, by the benchmark)."""
    return [
        TileCount(tile, filter_actions(visible, tile.filters, horizon).count()) for tile in TILES
    ]


@dataclass(frozen=True)
class OwnerCount:
    """An owner's share of the actions a page lists, linked to the log filtered by the owner."""

    owner: Owner
    total: int
    outstanding: int
    overdue: int


def count_by_owner(
    actions: QuerySet[Action], today: datetime.date, owner_choices: OwnerChoices
) -> list[OwnerCount]:
    """Each owner's count of ``actions`` as the owner filter counts them (``ownerships_of``: an
    office's include those of the person who holds it now; an action with two owners counts
    under both), in the owner list's order: one query however many owners, labelled from the
    owner list."""

    def counts(distinct: bool) -> dict[str, Count]:
        return {
            "total": Count("action", distinct=distinct),
            "outstanding": Count(
                "action", distinct=distinct, filter=Q(action__in=Action.objects.outstanding())
            ),
            "overdue": Count(
                "action", distinct=distinct, filter=Q(action__in=Action.objects.overdue(today))
            ),
        }

    ownerships = ActionOwner.objects.filter(action__in=actions.order_by().values("pk")).order_by()
    # A person owns an action once (a constraint); an office may own it itself and through the
    # person who holds it, so its actions are counted distinct.
    by_person = (
        ownerships.filter(person__isnull=False)
        .values_list(Value(PERSON), "person")
        .annotate(**counts(distinct=False))
    )
    by_office = (
        ownerships.annotate(office_key=Coalesce("office", "person__office"))
        .filter(office_key__isnull=False)
        .values_list(Value(OFFICE), "office_key")
        .annotate(**counts(distinct=True))
    )
    found = {
        owner_key(kind, pk): (total, outstanding, overdue)
        for kind, pk, total, outstanding, overdue in by_person.union(by_office, all=True)
    }
    return [
        OwnerCount(owner, *found[owner.key]) for owner in owner_choices.owners if owner.key in found
    ]
