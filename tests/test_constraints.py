"""The database holds the domain's rules even when code forgets them."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from actions.models import Action, ActionUpdate, ReviewedAction
from meetings.models import Attendance, Meeting, Office, Series
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_person_has_one_attendance_row_per_meeting():
    attendance = factories.AttendanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(meeting=attendance.meeting, person=attendance.person)


def test_office_abbreviations_are_unique():
    factories.OfficeFactory(abbreviation="DCC")
    with pytest.raises(IntegrityError), transaction.atomic():
        Office.objects.create(abbreviation="DCC", title="Another", organisation="force")


def test_action_references_are_unique():
    action = factories.ActionFactory(reference="2022-11-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            reference="2022-11-01",
            origin_meeting=action.origin_meeting,
            description="A second action with the same reference",
        )


def test_a_meeting_with_actions_cannot_be_deleted():
    action = factories.ActionFactory()
    with pytest.raises(ProtectedError):
        action.origin_meeting.delete()
    assert Meeting.objects.filter(pk=action.origin_meeting_id).exists()


def test_a_meeting_without_actions_can_be_deleted_with_its_agenda():
    item = factories.AgendaItemFactory()
    item.meeting.delete()
    assert not Meeting.objects.filter(pk=item.meeting_id).exists()


def test_an_office_that_owns_actions_cannot_be_deleted():
    office = factories.OfficeFactory(abbreviation="DCC")
    factories.ActionFactory(owners=[office])
    with pytest.raises(ProtectedError):
        office.delete()


def test_an_action_with_updates_cannot_be_deleted():
    update = factories.ActionUpdateFactory()
    with pytest.raises(ProtectedError):
        update.action.delete()
    assert ActionUpdate.objects.filter(pk=update.pk).exists()


def test_a_meeting_belongs_to_a_series():
    meeting = factories.MeetingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(series=None)


def test_a_series_with_meetings_cannot_be_deleted():
    series = factories.SeriesFactory()
    factories.MeetingFactory(series=series)
    with pytest.raises(ProtectedError):
        series.delete()
    assert Series.objects.filter(pk=series.pk).exists()


def test_series_reference_codes_are_unique_but_may_be_left_blank():
    factories.SeriesFactory(reference_code="GB")
    with pytest.raises(IntegrityError), transaction.atomic():
        Series.objects.create(name="Another board", reference_code="GB")
    Series.objects.create(name="First blank", reference_code="")
    Series.objects.create(name="Second blank", reference_code="")


def test_an_action_is_reviewed_once_at_a_meeting():
    action = factories.ActionFactory()
    later = factories.MeetingFactory(date=action.origin_meeting.date.replace(year=2030))
    ReviewedAction.objects.create(meeting=later, action=action)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewedAction.objects.create(meeting=later, action=action)


def test_a_reviewed_action_cannot_be_deleted_from_under_the_minutes():
    action = factories.ActionFactory()
    later = factories.MeetingFactory(date=action.origin_meeting.date.replace(year=2030))
    ReviewedAction.objects.create(meeting=later, action=action)
    with pytest.raises(ProtectedError):
        action.delete()


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (factories.MeetingFactory, "status"),
        (factories.AttendanceFactory, "status"),
        (factories.AgendaItemFactory, "assurance_level"),
        (factories.AgendaItemFactory, "kind"),
        (factories.ActionFactory, "status"),
    ],
)
def test_choice_fields_refuse_values_outside_their_choices(factory, field):
    record = factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(record).objects.filter(pk=record.pk).update(**{field: "made_up"})


def test_a_restricted_item_needs_a_reason():
    item = factories.AgendaItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(item).objects.filter(pk=item.pk).update(restricted=True, restricted_reason="")
