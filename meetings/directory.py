"""The directory's writes: saving a person, and a change of the office they hold, which ends
their open holding and opens a new one in the same transaction, so the history of who held an
office is kept."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import transaction

from meetings.models import Office, OfficeHolding, Person


def holding_starts_too_early_message(started: datetime.date) -> str:
    return (
        f"The date they took the office must be on or after {started:%-d %B %Y}, "
        "when they took the office they hold now"
    )


def office_holding_change(
    *, person: Person, office: Office | None, since: datetime.date
) -> OfficeHolding | None:
    """Make ``office`` (or none) the office ``person`` holds from ``since``; return the new
    holding, or None when the office is unchanged or taken away.

    Ends every open holding of the person on ``since`` and sets ``Person.office``. Raises
    ValidationError when ``since`` is before the start of the holding it would end."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        new_office_id = office.pk if office is not None else None
        if person.office_id == new_office_id:
            return None
        open_holdings = list(
            OfficeHolding.objects.select_for_update().filter(person=person, until__isnull=True)
        )
        for holding in open_holdings:
            if since < holding.since:
                raise ValidationError(holding_starts_too_early_message(holding.since))
            holding.until = since
            holding.save(update_fields=["until"])
        person.office = office
        person.save(update_fields=["office"])
        if office is None:
            return None
        return OfficeHolding.objects.create(person=person, office=office, since=since)


def person_save(*, form) -> Person | None:
    """Save a valid ``PersonForm`` and the office the person holds, or return None with the
    reason added to the form's "since" field."""
    try:
        with transaction.atomic():
            person = form.save()
            office_holding_change(
                person=person,
                office=form.cleaned_data.get("office"),
                since=form.cleaned_data["since"],
            )
    except ValidationError as error:
        form.add_error("since", error)
        return None
    person.refresh_from_db(fields=["office"])
    return person


@dataclass(frozen=True)
class NewPerson:
    """Someone typed into a form (as chair, attendee or owner) to be added to the directory
    when the form is saved."""

    name: str
    organisation: str
    initials: str = ""
    rank: str = ""

    @property
    def key(self) -> str:
        return self.name.casefold()


def people_create(people: Iterable[object]) -> dict[str, Person]:
    """Add the ``NewPerson``s among ``people`` to the directory, once per name (matched
    regardless of case) however often a form names them, each with the first initials and
    rank given; returned by ``NewPerson.key``. Anything else in ``people`` is passed over."""
    wanted: dict[str, NewPerson] = {}
    for person in people:
        if not isinstance(person, NewPerson):
            continue
        earlier = wanted.setdefault(person.key, person)
        wanted[person.key] = replace(
            earlier, initials=earlier.initials or person.initials, rank=earlier.rank or person.rank
        )
    return {
        key: Person.objects.create(
            name=new.name, organisation=new.organisation, initials=new.initials, rank=new.rank
        )
        for key, new in wanted.items()
    }
