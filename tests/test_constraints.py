"""The database holds the domain's rules even when code forgets them."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from actions.models import Action, ActionUpdate, ReviewedAction
from meetings.models import Attendance, Meeting, Office, Series
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    OfficeFactory,
    SeriesFactory,
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


def test_a_meeting_belongs_to_a_series():
    meeting = MeetingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(series=None)


def test_a_series_with_meetings_cannot_be_deleted():
    series = SeriesFactory()
    MeetingFactory(series=series)
    with pytest.raises(ProtectedError):
        series.delete()
    assert Series.objects.filter(pk=series.pk).exists()


def test_series_reference_codes_are_unique_but_may_be_left_blank():
    SeriesFactory(reference_code="GB")
    with pytest.raises(IntegrityError), transaction.atomic():
        Series.objects.create(name="Another board", reference_code="GB")
    Series.objects.create(name="First blank", reference_code="")
    Series.objects.create(name="Second blank", reference_code="")


def test_an_action_is_reviewed_once_at_a_meeting():
    action = ActionFactory()
    later = MeetingFactory(date=action.origin_meeting.date.replace(year=2030))
    ReviewedAction.objects.create(meeting=later, action=action)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewedAction.objects.create(meeting=later, action=action)


def test_a_reviewed_action_cannot_be_deleted_from_under_the_minutes():
    action = ActionFactory()
    later = MeetingFactory(date=action.origin_meeting.date.replace(year=2030))
    ReviewedAction.objects.create(meeting=later, action=action)
    with pytest.raises(ProtectedError):
        action.delete()


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (MeetingFactory, "status"),
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
