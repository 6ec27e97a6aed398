"""The three multi-record writes, called directly as the screens call them: ``meeting_save``
(the meeting form and its attendance), ``item_save`` (an item and its actions arising) and
``outstanding_matters_record`` (the actions a meeting reviewed and the updates given). Each
saves everything or nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from actions.models import Action, ActionOwner, ActionUpdate, ReviewedAction, Status
from actions.reviewing import ReviewRow, outstanding_matters_record
from assurance.versioning import StaleEdit
from meetings.agenda import item_add, lock_editable_meeting
from meetings.forms import (
    ATTENDANCE_PREFIX,
    MeetingForm,
    NewMeetingAttendanceFormSet,
    PersonDirectory,
    meeting_form_is_valid,
)
from meetings.meeting_saving import meeting_save
from meetings.models import AgendaItem, Meeting, Person
from minutes.item_form import ItemEditor
from minutes.item_saving import StaleForms, item_save
from tests import factories
from tests.test_item_form import item_form_data
from tests.test_meeting_form import form_data

pytestmark = pytest.mark.django_db


def test_meeting_save_adds_a_person_named_twice_once_and_keeps_the_rows_in_order():
    chair = factories.PersonFactory(name="Dana Reeve")
    data = form_data(
        [
            {"person": chair.pk, "capacity": "Deputy Commissioner"},
            {"new_name": "Ola Brennan", "new_organisation": "opcc", "capacity": "Scrutiny lead"},
        ],
        title="Extraordinary meeting on custody",
        date="2024-03-05",
        new_chair_name="Ola Brennan",
        new_chair_organisation="opcc",
    )
    directory = PersonDirectory()
    form = MeetingForm(data, directory=directory)
    formset = NewMeetingAttendanceFormSet(
        data, prefix=ATTENDANCE_PREFIX, form_kwargs={"directory": directory}
    )
    assert meeting_form_is_valid(form, formset), (form.errors, formset.errors)

    meeting = meeting_save(form=form, formset=formset)

    assert Person.objects.filter(name="Ola Brennan").count() == 1
    assert meeting.chair.name == "Ola Brennan"
    assert [
        (row.person.name, row.position) for row in meeting.attendances.order_by("position")
    ] == [
        ("Dana Reeve", 1),
        ("Ola Brennan", 2),
    ]


def test_meeting_save_refuses_a_stale_form_and_changes_nothing():
    meeting = factories.MeetingFactory(title="Board of March", date=datetime.date(2024, 3, 5))
    data = form_data(
        [], title="Board of March, renamed", date="2024-03-05", version=meeting.version
    )
    directory = PersonDirectory()
    form = MeetingForm(data, instance=meeting, directory=directory)
    formset = NewMeetingAttendanceFormSet(
        data, prefix=ATTENDANCE_PREFIX, form_kwargs={"directory": directory}
    )
    assert meeting_form_is_valid(form, formset), (form.errors, formset.errors)
    Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)  # saved meanwhile

    with pytest.raises(StaleEdit):
        meeting_save(form=form, formset=formset)

    assert Meeting.objects.get(pk=meeting.pk).title == "Board of March"


@pytest.fixture
def draft_between_published():
    """A draft meeting entered late, between two published ones of the same board."""
    factories.MeetingFactory(date=datetime.date(2024, 1, 9), status=Meeting.Status.PUBLISHED)
    draft = factories.MeetingFactory(date=datetime.date(2024, 2, 6))
    factories.MeetingFactory(date=datetime.date(2024, 3, 5), status=Meeting.Status.PUBLISHED)
    return draft


def _editor(meeting, officer, data, item=None):
    editor = ItemEditor(meeting=meeting, user=officer, item=item, data=data)
    assert editor.is_valid(), (editor.form.errors, editor.formset.errors)
    return editor


def test_item_save_writes_the_item_and_its_actions_together(officer, draft_between_published):
    office = factories.OfficeFactory(abbreviation="ACC", title="Assistant Chief Constable")
    data = item_form_data(
        title="Custody detention times",
        actions=[
            {"description": "Report on detention over 24 hours.", "owners": [office]},
            {"description": "Share the custody audit.", "owners": [office]},
        ],
    )
    editor = _editor(draft_between_published, officer, data)

    item = item_save(
        meeting=draft_between_published, user=officer, form=editor.form, formset=editor.formset
    )

    assert item.meeting == draft_between_published
    assert sorted(item.actions.values_list("description", flat=True)) == [
        "Report on detention over 24 hours.",
        "Share the custody audit.",
    ]
    assert set(
        ActionOwner.objects.filter(action__origin_item=item).values_list(
            "action__description", "office__abbreviation"
        )
    ) == {("Report on detention over 24 hours.", "ACC"), ("Share the custody audit.", "ACC")}


def test_item_save_locks_the_meeting_once_however_many_actions_it_raises(
    officer, draft_between_published, captured_queries
):
    office = factories.OfficeFactory(abbreviation="ACC", title="Assistant Chief Constable")
    data = item_form_data(
        title="Custody detention times",
        actions=[{"description": f"Report {number}.", "owners": [office]} for number in range(3)],
    )
    editor = _editor(draft_between_published, officer, data)
    # The lock is the meeting's row read by its id (FOR UPDATE where the database has it).
    lock = f'FROM "meetings_meeting" WHERE "meetings_meeting"."id" = {draft_between_published.pk}'

    with captured_queries() as queries:
        item_save(
            meeting=draft_between_published, user=officer, form=editor.form, formset=editor.formset
        )

    assert Action.objects.filter(origin_item__title="Custody detention times").count() == 3
    assert sum(lock in query["sql"] for query in queries) == 1


def test_a_meeting_lock_is_good_only_inside_its_transaction(draft_between_published):
    with transaction.atomic():
        lock = lock_editable_meeting(draft_between_published.pk)
    with pytest.raises(RuntimeError, match="inside the transaction"):
        item_add(lock=lock, item=AgendaItem(title="Late"))
    assert not AgendaItem.objects.filter(title="Late").exists()


def test_item_save_names_every_stale_row_and_saves_nothing(officer, draft_between_published):
    office = factories.OfficeFactory(abbreviation="ACC", title="Assistant Chief Constable")
    item = factories.AgendaItemFactory(meeting=draft_between_published, title="Custody")
    first = factories.ActionFactory(origin_item=item, description="First")
    second = factories.ActionFactory(origin_item=item, description="Second")
    data = item_form_data(
        title="Custody",
        version=item.version,
        actions=[
            {"action": first, "description": "First, reworded", "owners": [office]},
            {"action": second, "description": "Second, reworded", "owners": [office]},
        ],
    )
    editor = ItemEditor(meeting=draft_between_published, user=officer, item=item, data=data)
    editor.is_valid()
    rows = [row for row in editor.formset.forms if row.action == second]
    if not rows[0].is_valid():
        pytest.fail(f"the row did not validate: {rows[0].errors}")
    Action.objects.filter(pk=second.pk).update(version=second.version + 1)  # saved meanwhile

    with pytest.raises(StaleForms) as refused:
        item_save(
            meeting=draft_between_published,
            user=officer,
            form=editor.form,
            formset=editor.formset,
        )

    assert refused.value.forms == rows
    assert sorted(Action.objects.values_list("description", flat=True)) == ["First", "Second"]
    assert AgendaItem.objects.count() == 1


def test_outstanding_matters_record_saves_all_rows_or_none(officer, draft_between_published):
    earlier = factories.MeetingFactory(
        date=datetime.date(2023, 12, 5), status=Meeting.Status.PUBLISHED
    )
    kept = factories.ActionFactory(
        origin_item=factories.AgendaItemFactory(meeting=earlier), status=Status.OPEN
    )
    dropped = factories.ActionFactory(
        origin_item=factories.AgendaItemFactory(meeting=earlier), status=Status.OPEN
    )

    refused = [
        ReviewRow(action=kept, kept=True, note="Detention report given."),
        ReviewRow(action=dropped, kept=False, note="An update on a row not kept."),
    ]
    assert (
        outstanding_matters_record(meeting=draft_between_published, user=officer, rows=refused)
        is None
    )
    assert refused[1].error is not None and refused[0].error is None
    assert not ActionUpdate.objects.filter(meeting=draft_between_published).exists()
    assert not ReviewedAction.objects.filter(meeting=draft_between_published).exists()

    accepted = [
        ReviewRow(action=kept, kept=True, note="Detention report given."),
        ReviewRow(action=dropped, kept=False),
    ]
    saved = outstanding_matters_record(meeting=draft_between_published, user=officer, rows=accepted)

    assert saved == 1
    assert list(
        ReviewedAction.objects.filter(meeting=draft_between_published).values_list(
            "action_id", flat=True
        )
    ) == [kept.pk]
    assert ActionUpdate.objects.get(meeting=draft_between_published).action == kept
