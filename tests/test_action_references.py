"""Action references: YYYY-MM-NN from the meeting's date, numbered across the month."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from actions.arising import action_create
from actions.references import next_action_reference
from meetings.agenda import AgendaChangeRefused, lock_editable_meeting
from meetings.models import Meeting
from tests.factories import ActionFactory, AgendaItemFactory, MeetingFactory, OfficeFactory

pytestmark = pytest.mark.django_db


def raise_action(item, user, description="Report back at the next meeting."):
    with transaction.atomic():
        return action_create(
            lock=lock_editable_meeting(item.meeting_id),
            item=item,
            description=description,
            owners=[OfficeFactory(abbreviation="CC", title="Chief Constable")],
            due_date=None,
            due_meeting=None,
            user=user,
        )


def test_the_first_action_of_a_month_is_number_01():
    meeting = MeetingFactory(date=datetime.date(2022, 11, 29))
    assert next_action_reference(meeting) == "2022-11-01"


def test_the_next_reference_follows_the_highest_in_the_month():
    item = AgendaItemFactory(meeting__date=datetime.date(2022, 11, 29))
    ActionFactory(origin_item=item, reference="2022-11-01")
    ActionFactory(origin_item=item, reference="2022-11-02")
    assert next_action_reference(item.meeting) == "2022-11-03"


def test_a_gap_in_the_sequence_is_not_refilled():
    item = AgendaItemFactory(meeting__date=datetime.date(2022, 11, 29))
    ActionFactory(origin_item=item, reference="2022-11-05")
    assert next_action_reference(item.meeting) == "2022-11-06"


def test_other_months_and_other_kinds_of_reference_do_not_count():
    item = AgendaItemFactory(meeting__date=datetime.date(2022, 11, 29))
    ActionFactory(origin_item=item, reference="2022-10-07")
    ActionFactory(origin_item=item, reference="2022-12-01")
    ActionFactory(origin_item=item, reference="2022-11-legacy")
    assert next_action_reference(item.meeting) == "2022-11-01"


def test_two_meetings_in_one_month_share_the_sequence(officer):
    monthly = AgendaItemFactory(meeting__date=datetime.date(2022, 11, 1))
    thematic = AgendaItemFactory(meeting__date=datetime.date(2022, 11, 29))
    assert raise_action(monthly, officer).reference == "2022-11-01"
    assert raise_action(thematic, officer).reference == "2022-11-02"
    assert raise_action(monthly, officer).reference == "2022-11-03"


def test_the_sequence_goes_past_99():
    item = AgendaItemFactory(meeting__date=datetime.date(2022, 11, 29))
    ActionFactory(origin_item=item, reference="2022-11-99")
    assert next_action_reference(item.meeting) == "2022-11-100"


def test_raising_an_action_is_refused_in_approved_minutes(officer):
    item = AgendaItemFactory(meeting__status=Meeting.Status.APPROVED)
    with pytest.raises(AgendaChangeRefused, match="read-only"):
        raise_action(item, officer)


def test_only_opcc_staff_raise_actions(commissioner):
    item = AgendaItemFactory()
    with pytest.raises(PermissionDenied):
        raise_action(item, commissioner)


def test_an_action_needs_what_is_to_be_done(officer):
    item = AgendaItemFactory()
    with pytest.raises(ValidationError) as refused:
        raise_action(item, officer, description="  ")
    assert refused.value.message_dict == {"description": ["Enter what is to be done"]}
