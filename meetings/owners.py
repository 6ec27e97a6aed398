"""Owners as the minutes write them: "RJ / DB / AC", "ACC RJ", "CC", read against the directory.

An officer types an action's owners the way the minutes give them; ``OwnerDirectory.read``
turns that into people and offices, in that order, or says which name it cannot place and why.
``OwnerDirectory.write`` is its inverse, for a form that shows existing owners.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from meetings.directory import NewPerson
from meetings.models import Office, Person
from meetings.numbering import OwnerStyle

# Owners are separated as minutes separate them: "RJ/DB/AC", "RJ, DB".
SEPARATORS = re.compile(r"[/,;]")

OWNERS_HELP = (
    "As the minutes write them, separated by “/”: initials (RJ), rank and initials (ACC RJ), "
    "an office (CC) or a full name, in the minutes' order."
)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class OwnersRead:
    owners: list[Person | Office | NewPerson]
    errors: list[str]


class OwnerDirectory:
    """Every office and person, read in two queries, and the ways each may be written."""

    def __init__(self):
        self.offices = list(Office.objects.all())
        self.people = list(Person.objects.select_related("office").order_by("-active", "name"))
        self.by_abbreviation = {_key(office.abbreviation): office for office in self.offices}
        # Each way a person may be written: initials, rank and initials, full name.
        self.by_writing: dict[str, list[Person]] = {}
        for person in self.people:
            writings = {person.name, person.written(OwnerStyle.RANK_INITIALS)}
            if person.initials:
                writings.add(person.initials)
            for writing in writings:
                self.by_writing.setdefault(_key(writing), []).append(person)

    def suggestions(self) -> list[tuple[str, str]]:
        """What may be typed, and who it is: for the owners field's list of suggestions."""
        offices = [(office.abbreviation, office.title) for office in self.offices]
        people = [
            (person.written(OwnerStyle.RANK_INITIALS), person.described)
            for person in self.people
            if person.active
        ]
        return offices + people

    def _people_written(self, text: str) -> list[Person]:
        """The people ``text`` may mean: the active ones, or failing those anyone."""
        found = self.by_writing.get(_key(text), [])
        return [person for person in found if person.active] or found

    def read(self, text: str, new_person: NewPerson | None = None) -> OwnersRead:
        """The owners ``text`` names, in order, each once; ``new_person`` (someone typed in
        beside it) stands for their initials or name, and is added at the end if not named."""
        owners: list[Person | Office | NewPerson] = []
        errors: list[str] = []
        new_writings = set()
        if new_person is not None:
            new_writings = {_key(new_person.name)} | (
                {_key(new_person.initials)} if new_person.initials else set()
            )
        # A name that itself holds a separator ("Roads/Traffic") is read whole.
        whole = _key(text)
        whole_known = whole in self.by_abbreviation or whole in self.by_writing
        tokens = [text] if whole_known and SEPARATORS.search(text) else SEPARATORS.split(text)
        for token in (part.strip() for part in tokens):
            if not token:
                continue
            key = _key(token)
            if key in new_writings:
                found = new_person
            elif key in self.by_abbreviation:
                found = self.by_abbreviation[key]
            else:
                people = self._people_written(token)
                if len(people) > 1:
                    names = " or ".join(person.described for person in people)
                    errors.append(
                        f"“{token}” could be {names}: write the rank as well (such as "
                        f"“{people[0].written(OwnerStyle.RANK_INITIALS)}”) or the full name"
                    )
                    continue
                if not people:
                    errors.append(
                        f"No office or person in the directory is written “{token}”: check "
                        "the spelling, or add them as an owner new to the directory"
                    )
                    continue
                found = people[0]
            if found not in owners:
                owners.append(found)
        if new_person is not None and new_person not in owners:
            owners.append(new_person)
        return OwnersRead(owners, errors)

    def write(self, owners: list[Person | Office], style: str = OwnerStyle.RANK_INITIALS) -> str:
        """The owners as ``read`` reads them back: each as the series writes them, or, where
        that would be ambiguous, with the rank, or by full name."""
        written = []
        for owner in owners:
            if isinstance(owner, Office):
                written.append(owner.abbreviation)
                continue
            choices = [owner.written(style), owner.written(OwnerStyle.RANK_INITIALS), owner.name]
            written.append(
                next(
                    (
                        choice
                        for choice in choices
                        if _key(choice) not in self.by_abbreviation
                        and self._people_written(choice) == [owner]
                    ),
                    owner.name,
                )
            )
        return " / ".join(written)
