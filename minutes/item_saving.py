"""Saving the item form: an agenda item and its actions arising, together or not at all."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.forms.formsets import BaseFormSet

from actions.arising import action_create, action_update_details
from assurance.versioning import StaleEdit, check_version
from meetings.agenda import MeetingLock, item_add, lock_editable_meeting
from meetings.directory import NewPerson, people_create
from meetings.models import AgendaItem, Meeting, Person


class StaleForms(StaleEdit):
    """The records behind these forms (the item form, action rows) changed since they were
    loaded."""

    def __init__(self, forms: list):
        super().__init__()
        self.forms = forms


def item_save(
    *,
    meeting: Meeting,
    user,
    form: forms.ModelForm,
    formset: BaseFormSet,
    parent: AgendaItem | None = None,
) -> AgendaItem:
    """Save a validated item form and its changed action rows in one transaction: the item
    (added under ``parent`` when new), anyone new named as an owner (once, however many rows
    name them), then each action row.

    Raises ``StaleForms`` naming every stale form, or ``AgendaChangeRefused`` when the minutes
    are read-only or the item cannot go where it was asked to; nothing is saved then.
    """
    rows = [row for row in formset.changed_forms() if row.cleaned_data]
    with transaction.atomic():
        lock = lock_editable_meeting(meeting.pk)
        stale = _stale(form, rows)
        if stale:
            raise StaleForms(stale)
        item = _save_item(form, lock=lock, parent=parent)
        new_people = people_create(owner for row in rows for owner in row.cleaned_data["owners"])
        for row in rows:
            _save_row(row, lock=lock, item=item, user=user, new_people=new_people)
        return item


def _stale(form: forms.ModelForm, rows: list[forms.Form]) -> list:
    """The forms whose record changed since they were loaded; each check locks the record's
    row until the transaction ends."""
    stale = []
    if form.instance.pk is not None and form.has_changed():
        try:
            check_version(form.instance, form.cleaned_data.get("version"))
        except StaleEdit:
            stale.append(form)
    for row in rows:
        if row.action is not None:
            try:
                check_version(row.action, row.cleaned_data.get("version"))
            except StaleEdit:
                stale.append(row)
    return stale


def _save_item(
    form: forms.ModelForm, *, lock: MeetingLock, parent: AgendaItem | None
) -> AgendaItem:
    item = form.save(commit=False)
    if item.pk is None:
        item_add(lock=lock, item=item, parent=parent)
    elif form.has_changed():
        # Only the item's content: its place in the agenda may have moved meanwhile.
        fields = [name for name in type(form).Meta.fields if name not in ("topics", "areas")]
        item.save(update_fields=[*fields, "version"])
    else:
        return item
    form.save_m2m()
    return item


def _save_row(
    row: forms.Form, *, lock: MeetingLock, item: AgendaItem, user, new_people: dict[str, Person]
) -> None:
    details = {name: row.cleaned_data[name] for name in ("description", "due_date", "due_meeting")}
    details["owners"] = [
        new_people[owner.key] if isinstance(owner, NewPerson) else owner
        for owner in row.cleaned_data["owners"]
    ]
    if row.action is None:
        action_create(lock=lock, item=item, user=user, **details)
    else:
        action_update_details(action=row.action, user=user, **details)
