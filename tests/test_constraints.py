"""The database holds the domain's rules even when code forgets them."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from actions.models import Action, ActionUpdate
from meetings.models import Attendance, Meeting, Office
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    OfficeFactory,
)

pytestmark = pytest.mark.django_db


def test_a_person_has_one_attendance_row_per_meeting():
    attendance = AttendanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=attendance.meeting, person=attendance.person)


def test_office_abbreviations_are_unique():
    OfficeFactory(abbreviation="DCC")
    with pytest.raises(IntegrityError), transaction.atomic():
        Office.objects.create(abbreviation="DCC", title="Another", organisation="force")


def test_action_references_are_unique():
    action = ActionFactory(reference="2022-11-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            reference="2022-11-01",
            origin_meeting=action.origin_meeting,
            description="A second action with the same reference",
        )


def test_a_meeting_with_actions_cannot_be_deleted():
    action = ActionFactory()
    with pytest.raises(ProtectedError):
        action.origin_meeting.delete()
    assert Meeting.objects.filter(pk=action.origin_meeting_id).exists()


def test_a_meeting_without_actions_can_be_deleted_with_its_agenda():
    item = AgendaItemFactory()
    item.meeting.delete()
    assert not Meeting.objects.filter(pk=item.meeting_id).exists()


def test_an_office_that_owns_actions_cannot_be_deleted():
    office = OfficeFactory(abbreviation="DCC")
    ActionFactory(owners=[office])
    with pytest.raises(ProtectedError):
        office.delete()


def test_an_action_with_updates_cannot_be_deleted():
    update = ActionUpdateFactory()
    with pytest.raises(ProtectedError):
        update.action.delete()
    assert ActionUpdate.objects.filter(pk=update.pk).exists()


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (MeetingFactory, "status"),
        (MeetingFactory, "kind"),
        (AttendanceFactory, "status"),
        (AgendaItemFactory, "assurance_level"),
        (AgendaItemFactory, "kind"),
        (ActionFactory, "status"),
    ],
)
def test_choice_fields_refuse_values_outside_their_choices(factory, field):
    record = factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(record).objects.filter(pk=record.pk).update(**{field: "made_up"})


def test_a_restricted_item_needs_a_reason():
    item = AgendaItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(item).objects.filter(pk=item.pk).update(restricted=True, restricted_reason="")
