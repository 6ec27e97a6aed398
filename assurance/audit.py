"""Change history for OPCC staff: who changed what, and when.

django-simple-history writes a historical record on every save and delete of the models that
register it. ``change_history`` reads the records of some of them (``Tracked``: a meeting with
its attendance and agenda items in ``meetings.audit``, an action with its owners in
``actions.audit``) back as a list of ``Change``, newest first: which record, who, when, and each
changed field with its old and new value.

The cost is a fixed number of queries however long the history: per model one for the latest
records, which joins in their users and the objects they refer to, and two more only when the
latest are perhaps not all there is (the count of all records, and the records before the
oldest shown); one per many-to-many field.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format, time_format

LIMIT = 50
BLANK = ""

KIND_LABELS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class Tracked:
    """The historical records of one model to read, and how a change to one is named."""

    model: type[models.Model]
    where: dict  # which historical records: {"id": 7}, {"meeting_id": 7}
    label: Callable[[object], str]  # a historical record → "Meeting", "Owner CC"…
    # The link to the record the history is read for: it never changes, so it is not listed.
    context: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FieldChange:
    """One field of one record: its label and its value before and after (blank: none)."""

    label: str
    old: str
    new: str


@dataclass
class Change:
    """One historical record: what was changed, by whom, when, and how."""

    when: datetime.datetime
    who: str
    record: str  # "Meeting", "Attendance of Jane Smith", "Agenda item “Call handling”"
    kind: str  # Created / Changed / Deleted
    fields: list[FieldChange] = field(default_factory=list)
    compared: bool = True  # False for a change with no earlier record to compare it with


@dataclass
class ChangeHistory:
    """The latest ``LIMIT`` changes, newest first, and how many there are in all."""

    changes: list[Change]
    total: int

    @property
    def is_truncated(self) -> bool:
        return self.total > len(self.changes)


@dataclass
class _Source:
    """Historical records of one model, with the ones before them, to be turned into changes."""

    tracked: Tracked
    records: list
    previous: dict[int, object]  # history_id → record, for the records and their predecessors
    m2m: dict[str, dict[int, list[str]]]  # field name → history_id → names of what it linked
    total: int


def change_history(tracked: Iterable[Tracked], limit: int = LIMIT) -> ChangeHistory:
    """The latest ``limit`` changes to the records of every ``tracked`` model, newest first."""
    return _history([_source(each, limit) for each in tracked], limit)


@cache
def _history_model(model: type[models.Model]) -> type[models.Model]:
    # Once per model: ``Model.history`` builds a new manager class on every access.
    return model.history.model


def _source(tracked: Tracked, limit: int) -> _Source:
    history_model = _history_model(tracked.model)
    records = history_model.objects.filter(**tracked.where)
    # The objects the records refer to (a chair, a lead office), joined in so that their names
    # cost nothing; a deleted one joins as None.
    related = [f.name for f in _fields(tracked) if f.is_relation]
    newest_first = ("-history_date", "-history_id")
    latest = list(records.select_related("history_user", *related).order_by(*newest_first)[:limit])
    previous = {record.history_id: record for record in latest}
    # Each record is compared with the next older one of the same object; the oldest fetched
    # of each object has none among them (``previous_id`` None) unless it is looked up below.
    oldest: dict[int, object] = {}
    for record in latest:
        newer = oldest.get(record.id)
        if newer is not None:
            newer.previous_id = record.history_id
        record.previous_id = None
        oldest[record.id] = record
    total = len(latest)
    if total == limit:
        # There may be more: count them, and fetch the record before the oldest fetched of
        # each object so that its change can still be shown.
        total = records.count()
        earlier = history_model.objects.filter(id=OuterRef("id")).filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        before_oldest = history_model.objects.filter(
            history_id__in=[record.history_id for record in oldest.values()]
        ).values(previous=Subquery(earlier.order_by(*newest_first).values("history_id")[:1]))
        for record in history_model.objects.select_related(*related).filter(
            history_id__in=before_oldest
        ):
            oldest[record.id].previous_id = record.history_id
            previous[record.history_id] = record
    m2m = {
        m2m_field.name: _m2m_snapshots(history_model, m2m_field, previous)
        for m2m_field in history_model._history_m2m_fields
    }
    return _Source(tracked, latest, previous, m2m, total)


def _m2m_snapshots(history_model, m2m_field, records: dict) -> dict[int, list[str]]:
    """history_id → the names of what the record linked to in this many-to-many field."""
    target = m2m_field.m2m_reverse_field_name()  # "topic" for AgendaItem.topics
    rows = (
        getattr(history_model, m2m_field.name)
        .model.objects.filter(history_id__in=list(records))
        .select_related(target)
    )
    snapshots: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        linked = getattr(row, target)
        name = (
            str(linked)
            if linked
            else _deleted(m2m_field.related_model, getattr(row, f"{target}_id"))
        )
        snapshots[row.history_id].append(name)
    return {history_id: sorted(names) for history_id, names in snapshots.items()}


def _history(sources: list[_Source], limit: int) -> ChangeHistory:
    pending = [(source, record) for source in sources for record in source.records]
    pending.sort(key=lambda entry: (entry[1].history_date, entry[1].history_id), reverse=True)
    changes = []
    for source, record in pending[:limit]:
        fields = _field_changes(source, record)
        changes.append(
            Change(
                when=record.history_date,
                who=_user_name(record.history_user),
                record=source.tracked.label(record),
                kind=KIND_LABELS.get(record.history_type, record.history_type),
                fields=fields or [],
                compared=fields is not None,
            )
        )
    return ChangeHistory(changes, sum(source.total for source in sources))


def _field_changes(source: _Source, record) -> list[FieldChange] | None:
    """What the record changed, field by field, or None if there is nothing to compare it with
    (a change to a row that existed before the history began)."""
    if record.history_type == "-":
        return []
    model = source.tracked.model
    fields = _fields(source.tracked)
    if record.history_type == "+":
        changes = [FieldChange(_label(f), BLANK, _shown(record, f)) for f in fields] + [
            FieldChange(
                _label(model._meta.get_field(name)),
                BLANK,
                ", ".join(snapshots.get(record.history_id, [])),
            )
            for name, snapshots in source.m2m.items()
        ]
        return [change for change in changes if change.new]
    before = source.previous.get(record.previous_id)
    if before is None:
        return None
    delta = record.diff_against(before, excluded_fields=list(source.m2m))
    changed = {change.field for change in delta.changes}
    changes = [
        FieldChange(_label(f), _shown(before, f), _shown(record, f))
        for f in fields
        if f.name in changed
    ]
    for name, snapshots in source.m2m.items():
        old = snapshots.get(before.history_id, [])
        new = snapshots.get(record.history_id, [])
        if old != new:
            changes.append(
                FieldChange(_label(model._meta.get_field(name)), ", ".join(old), ", ".join(new))
            )
    return changes


def _fields(tracked: Tracked) -> list[models.Field]:
    """The fields a person edits, in form order: not the id, the version, the timestamps or the
    link to the record the history is read for."""
    return [
        f
        for f in tracked.model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in tracked.context
    ]


def _label(model_field) -> str:
    name = str(model_field.verbose_name)
    return name[:1].upper() + name[1:]


def _user_name(user) -> str:
    if user is None:
        return "Not recorded"
    return user.get_full_name() or user.get_username()


def _deleted(model, pk) -> str:
    return f"{model._meta.verbose_name} #{pk} (since deleted)"


def _name(obj) -> str:
    if isinstance(obj, AbstractBaseUser):
        return _user_name(obj)
    # A model may say how the history names it where it differs from str() (a meeting: its title).
    return getattr(obj, "history_name", None) or str(obj)


def shown(record, field_name: str) -> str:
    """The named field's value in a historical record as a person reads it; blank for none."""
    return _shown(record, record.instance_type._meta.get_field(field_name))


def _shown(record, model_field) -> str:
    """The field's value in the record as a person reads it; blank for none."""
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return BLANK
    if model_field.is_relation:
        related = getattr(record, model_field.name, None)  # joined in by _source
        return _name(related) if related is not None else _deleted(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, datetime.time):
        return time_format(value, "H:i")
    return str(value)
