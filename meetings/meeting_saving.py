"""Saving the meeting form: the meeting, anyone new it names, and its attendance, together."""

from __future__ import annotations

from django.db import transaction

from assurance.versioning import check_version
from meetings.directory import NewPerson, people_create
from meetings.forms import BaseAttendanceFormSet, MeetingForm
from meetings.models import Attendance, Meeting, Person


@transaction.atomic
def meeting_save(*, form: MeetingForm, formset: BaseAttendanceFormSet) -> Meeting:
    """Save a validated meeting form and its attendance rows in one transaction: add each new
    person once (however many times the page names them), then the meeting, then make its
    attendance match the rows. Raises ``StaleEdit`` if the meeting changed since it was loaded.
    """
    meeting = form.instance
    check_version(meeting, form.cleaned_data.get("version"))
    chosen = form.new_people()
    rows = formset.rows()
    created = people_create([*chosen.values(), *(p for p, *_ in rows)])
    meeting = form.save(commit=False)
    for field, new_person in chosen.items():
        setattr(meeting, field, created[new_person.key])
    meeting.save()
    form.save_m2m()
    _attendance_save(
        meeting,
        [
            (created[person.key] if isinstance(person, NewPerson) else person, capacity, status)
            for person, capacity, status in rows
        ],
    )
    return meeting


def _attendance_save(meeting: Meeting, wanted: list[tuple[Person, str, str]]) -> None:
    """Make the meeting's attendance match ``wanted``: rows matched by person (the
    one-row-per-person rule), positions in the order given."""
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
    Attendance.objects.bulk_create(to_create)
