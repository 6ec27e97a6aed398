"""Actions arising at an agenda item: raising them and changing their details.

An action's wording, owners and due point are set here; its status only ever changes through
``actions.workflow``. A change of owners or due point is part of the action's history, so it
writes an ``ActionUpdate`` saying what changed, in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from actions.models import (
    Action,
    ActionOwner,
    ActionUpdate,
    Status,
    due_point_errors,
    long_date,
)
from actions.references import next_action_reference
from assurance import roles
from assurance.permissions import has_role
from meetings.agenda import MeetingLock
from meetings.models import AgendaItem, Meeting, Office, Person

# An owner as the item form gives it: a person or an office of the directory.
Owner = Person | Office

OWNER_REQUIRED_MESSAGE = "Enter at least one owner, as the minutes write them"
DESCRIPTION_REQUIRED_MESSAGE = "Enter what is to be done"


class ActionDetails(TypedDict):
    """What the item form sets on an action arising, as the functions below take it."""

    description: str
    owners: Iterable[Owner]
    due_date: datetime.date | None
    due_meeting: Meeting | None


def details_errors(*, meeting: Meeting, **details: Unpack[ActionDetails]) -> dict[str, str]:
    """What is wrong with an action's details, by field name; empty when nothing is.

    ``meeting`` is the meeting the action arose at. The item form shows these beside its fields;
    the functions below refuse to save while there are any.
    """
    errors = {}
    if not details["description"].strip():
        errors["description"] = DESCRIPTION_REQUIRED_MESSAGE
    if not list(details["owners"]):
        errors["owners"] = OWNER_REQUIRED_MESSAGE
    return errors | due_point_errors(
        arose_on=meeting.date, due_date=details["due_date"], due_meeting=details["due_meeting"]
    )


def _check(user, meeting: Meeting, details: ActionDetails) -> None:
    # The OPCC minutes the meetings, so it raises actions and sets their owners and due points.
    if not has_role(user, roles.OPCC):
        raise PermissionDenied("Only OPCC staff raise actions and change their details.")
    errors = details_errors(meeting=meeting, **details)
    if errors:
        raise ValidationError(errors)


def _owner_names(owners: Iterable[Owner]) -> str:
    """ACC RJ / CC, in the order given."""
    return " / ".join(_written(owner) for owner in owners) or "no one"


def _written(owner: Owner) -> str:
    return owner.written() if isinstance(owner, Person) else owner.abbreviation


def _owners_set(action: Action, owners: list[Owner]) -> None:
    """Make the action's owners ``owners``, in that order: rows of owners kept are
    renumbered, not replaced, so the owners' history records only who was added or removed."""
    existing = {(row.person_id, row.office_id): row for row in action.ownerships.all()}
    to_create, to_update = [], []
    for position, owner in enumerate(owners):
        key = (owner.pk, None) if isinstance(owner, Person) else (None, owner.pk)
        row = existing.pop(key, None)
        if row is None:
            to_create.append(
                ActionOwner(
                    action=action,
                    position=position,
                    person=owner if isinstance(owner, Person) else None,
                    office=owner if isinstance(owner, Office) else None,
                )
            )
        elif row.position != position:
            row.position = position
            to_update.append(row)
    ActionOwner.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    ActionOwner.objects.bulk_update(to_update, ["position"])
    ActionOwner.objects.bulk_create(to_create)


def _change(what: str, before: str | None, after: str | None) -> str | None:
    """One line of a reassignment note, or None if nothing changed."""
    if before == after:
        return None
    if before is None:
        return f"{what} set to {after}"
    if after is None:
        return f"{what} removed (was {before})"
    return f"{what} changed from {before} to {after}"


def action_create(
    *, lock: MeetingLock, item: AgendaItem, user, **details: Unpack[ActionDetails]
) -> Action:
    """Raise an action at ``item``, numbered from its meeting's month, owned by ``owners``.

    Only while the minutes are a draft (an action arising is part of the minutes), under the
    lock of the item's meeting, which makes a second officer adding actions to this meeting wait
    for the number.
    """
    lock.check_held()
    meeting = lock.meeting
    if item.meeting_id != meeting.pk:
        raise ValueError("The item is not on the locked meeting's agenda.")
    owners = details["owners"] = list(details["owners"])
    with transaction.atomic():
        _check(user, meeting, details)
        action = Action(
            origin_meeting=meeting,
            origin_item=item,
            description=details["description"],
            due_date=details["due_date"],
            due_meeting=details["due_meeting"],
            status=Status.OPEN,
        )
        for attempt in (1, 2):
            action.reference = next_action_reference(meeting)
            try:
                # A savepoint, so a clash with another meeting of the same month (not covered
                # by the lock) undoes only this insert, and the retry sees its reference.
                with transaction.atomic():
                    action.save()
                break
            except IntegrityError:
                if attempt == 2:
                    raise
        _owners_set(action, owners)
        return action


def action_update_details(*, action: Action, user, **details: Unpack[ActionDetails]) -> Action:
    """Change an action's wording, owners and due point, leaving its status as it is.

    A change of owners or due point writes one ActionUpdate saying what changed ("Owners changed
    from CC to CC / DCC"). Bumps the action's version, so other forms open on it go stale.
    """
    owners = details["owners"] = list(details["owners"])
    due_date, due_meeting = details["due_date"], details["due_meeting"]
    with transaction.atomic():
        locked = (
            Action.objects.select_for_update(of=("self",))
            .select_related("origin_meeting", "due_meeting")
            .get(pk=action.pk)
        )
        _check(user, locked.origin_meeting, details)
        owners_before = [
            row.owner
            for row in locked.ownerships.select_related("person__office", "office").order_by(
                "position", "pk"
            )
        ]
        changes = [
            _change("Owners", _owner_names(owners_before), _owner_names(owners)),
            _change(
                "Due date",
                long_date(locked.due_date) if locked.due_date else None,
                long_date(due_date) if due_date else None,
            ),
            _change(
                "Due back at",
                str(locked.due_meeting) if locked.due_meeting else None,
                str(due_meeting) if due_meeting else None,
            ),
        ]
        if owners != owners_before:
            _owners_set(locked, owners)

        locked.description = details["description"]
        locked.due_date = due_date
        locked.due_meeting = due_meeting
        locked.version += 1
        locked.save(
            update_fields=["description", "due_date", "due_meeting", "version", "updated_at"]
        )
        note = "\n".join(change for change in changes if change)
        if note:
            ActionUpdate.objects.create(
                action=locked,
                author=user,
                note=note,
                status_before=locked.status,
                status_after=locked.status,
            )
        return locked
