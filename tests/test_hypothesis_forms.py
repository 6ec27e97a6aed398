"""Property tests of the main forms: whatever is posted, the server never answers 500 and never
saves an invalid record.

Hypothesis generates the input of the meeting form (with attendance rows), the item form (with
action rows), the action page's note and change-of-status forms (as OPCC staff and as force
staff) and the outstanding matters form: valid values, values just outside the rules, hostile
text and junk. Each example is posted through the test client inside a savepoint that is rolled
back, so examples do not leak into each other; after each one every record must pass
``full_clean()`` and the rules no form may break (every action has an owner, none is due before
its meeting, the status matches the last update).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.models import Action, ActionUpdate, Status
from actions.workflow import TRANSITIONS_BY_NAME
from meetings.models import (
    AgendaItem,
    AssuranceLevel,
    Attendance,
    AttendanceStatus,
    ItemKind,
    Meeting,
    Organisation,
    Person,
)
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    LocalPolicingAreaFactory,
    MeetingFactory,
    OfficeFactory,
    PersonFactory,
    SeriesFactory,
    TopicFactory,
    default_series,
)
from tests.hostile import PAYLOADS, item_form_data, meeting_form_data, outstanding_form_data

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no example database in the checkout; failures print their example
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

MEETING_DATE = datetime.date(2022, 11, 29)

# --- Strategies: valid values, values just outside the rules, hostile text and junk ----------

text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=310),
    st.sampled_from(PAYLOADS),
    st.sampled_from(["", " ", "\x00", "x" * 200, "x" * 201, "x" * 300, "x" * 301]),
)
junk_ids = st.sampled_from(["", "abc", "-1", "0", "999999", "9" * 30, "1.5", " 1"])
dates = st.one_of(
    st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)).map(datetime.date.isoformat),
    st.sampled_from(["", "2022-02-30", "next tuesday", "29/11/2022", "0000-00-00", "9" * 20]),
    st.text(max_size=12),
)
times = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.sampled_from(["", "25:99", "teatime", "14:00:99"]),
)


def choice(values):
    """A valid choice or something that is not one."""
    return st.one_of(st.sampled_from(list(values)), st.sampled_from(["", "made_up"]), text)


def one_of_ids(objects):
    return st.one_of(st.sampled_from([str(obj.pk) for obj in objects]), junk_ids)


def maybe_list(element):
    return st.lists(element, max_size=3)


# --- What must hold after every example ------------------------------------------------------


def assert_every_record_is_valid():
    """Every record passes full_clean() (lengths, choices, cross-field rules), and the rules no
    form may break hold."""
    records = (
        Person.objects.all(),
        Meeting.objects.all(),
        Attendance.objects.select_related("meeting", "person"),
        AgendaItem.objects.select_related("meeting", "parent__parent__parent"),
        Action.objects.select_related("origin_meeting", "origin_item", "due_meeting"),
        ActionUpdate.objects.all(),
    )
    for queryset in records:
        for record in queryset:
            record.full_clean()
    assert not Action.objects.filter(ownerships__isnull=True).exists(), "an action has no owner"
    for action in Action.objects.select_related("origin_meeting", "due_meeting"):
        meeting_date = action.origin_meeting.date
        assert action.due_date is None or action.due_date >= meeting_date
        assert action.due_meeting is None or action.due_meeting.date > meeting_date
        # The last change of status recorded is the status the action has (notes change none).
        last_change = (
            action.updates.exclude(status_before=F("status_after"))
            .order_by("created_at", "pk")
            .last()
        )
        if last_change is not None:
            assert action.status == last_change.status_after


def post_example(client, url, data, *, allowed=(200, 302)):
    """Post ``data`` in a savepoint rolled back afterwards; check the answer and the records."""
    with transaction.atomic():
        response = client.post(url, data)
        # The test client re-raises a view's exception, so a 500 fails here too.
        assert response.status_code in allowed, (response.status_code, data)
        assert_every_record_is_valid()
        transaction.set_rollback(True)
    return response


# --- The world the examples are posted into -------------------------------------------------


@pytest.fixture
def world(officer, force_user):
    cc = OfficeFactory(abbreviation="CC")
    dcc = OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable")
    earlier = MeetingFactory(date=MEETING_DATE - datetime.timedelta(days=28))
    meeting = MeetingFactory(date=MEETING_DATE)
    later = MeetingFactory(date=MEETING_DATE + datetime.timedelta(days=28))
    approved = MeetingFactory(
        date=MEETING_DATE - datetime.timedelta(days=56), status=Meeting.Status.APPROVED
    )
    item = AgendaItemFactory(meeting=meeting, title="Response times")
    other_item = AgendaItemFactory(meeting=earlier, title="Call handling")
    people = [PersonFactory(name="Pippa Mills", office=cc), PersonFactory(name="John Campion")]
    AgendaItemFactory(meeting=meeting, title="Sub-item", parent=item)
    return {
        # Signed in once: each example's session writes are rolled back with it.
        "officer": signed_in(officer),
        "force": signed_in(force_user),
        "offices": [cc, dcc],
        "meetings": [earlier, meeting, later, approved],
        "meeting": meeting,
        "item": item,
        "people": people,
        # An active series and a retired one, which a new meeting may not be put in.
        "series": [default_series(), SeriesFactory(active=False)],
        "topics": [TopicFactory(), TopicFactory()],
        "areas": [LocalPolicingAreaFactory(), LocalPolicingAreaFactory(active=False)],
        "action": ActionFactory(origin_item=item, owners=[cc]),
        "other_action": ActionFactory(origin_item=other_item, owners=[dcc]),
        # Carried forward to ``meeting``; the force user acts for CC, owner of the first.
        "carried": [
            ActionFactory(origin_item__meeting=approved, owners=[cc], status=Status.IN_PROGRESS),
            ActionFactory(origin_item__meeting=approved, owners=[dcc], status=Status.OPEN),
            ActionFactory(origin_item=other_item, owners=[cc], status=Status.AWAITING_SIGN_OFF),
        ],
    }


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# --- The meeting form with attendance rows --------------------------------------------------


@st.composite
def meeting_posts(draw, world):
    people = world["people"]
    rows = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "person": one_of_ids(people),
                    "new_name": st.one_of(st.just(""), text),
                    "new_organisation": choice(Organisation.values),
                    "capacity": st.one_of(st.just(""), text),
                    "status": choice(AttendanceStatus.values),
                }
            ),
            max_size=3,
        )
    )
    for row in rows:
        if draw(st.booleans()) and draw(st.booleans()):
            row["DELETE"] = "on"
    fields = draw(
        st.fixed_dictionaries(
            {
                "series": one_of_ids(world["series"]),
                "title": text,
                "date": dates,
                "start_time": times,
                "venue": text,
                "chair": one_of_ids(people),
                "minute_taker": one_of_ids(people),
                "minute_taker_capacity": text,
                "focus": text,
            }
        )
    )
    return meeting_form_data(rows, **fields)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_meeting_form_never_fails_or_saves_an_invalid_meeting(world, data):
    client = world["officer"]
    meeting = world["meeting"]
    post = data.draw(meeting_posts(world))
    if data.draw(st.booleans()):
        url = reverse("meetings:create")
    else:
        url = reverse("meetings:edit", args=[meeting.pk])
        post["version"] = data.draw(st.sampled_from([str(meeting.version), "", "abc", "0"]))
    post_example(client, url, post)


# --- The item form with action rows ---------------------------------------------------------


@st.composite
def item_posts(draw, world):
    offices, meetings = world["offices"], world["meetings"]
    action_ids = [world["action"], world["other_action"]]
    rows = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "action_id": st.one_of(st.just(""), one_of_ids(action_ids)),
                    "version": st.sampled_from(["", "1", "2", "abc"]),
                    "description": text,
                    "owners": st.one_of(
                        st.sampled_from([office.abbreviation for office in offices]), text
                    ),
                    "due_date": dates,
                    "due_meeting": st.one_of(st.just(""), one_of_ids(meetings)),
                }
            ),
            max_size=2,
        )
    )
    fields = draw(
        st.fixed_dictionaries(
            {
                "title": text,
                "kind": choice(ItemKind.values),
                "lead_office": st.one_of(st.just(""), one_of_ids(offices)),
                "background": text,
                "questions": text,
                "minutes": text,
                "assurance_level": choice(AssuranceLevel.values),
                "assurance_statement": text,
                "decision": text,
                "restricted": st.booleans(),
                "restricted_reason": text,
                "topics": maybe_list(one_of_ids(world["topics"])),
                "areas": maybe_list(one_of_ids(world["areas"])),
            }
        )
    )
    return item_form_data(actions=rows, **fields)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_item_form_never_fails_or_saves_an_invalid_item_or_action(world, data):
    client = world["officer"]
    meeting, item = world["meeting"], world["item"]
    post = data.draw(item_posts(world))
    choice_of_url = data.draw(st.sampled_from(["create", "sub-item", "edit"]))
    if choice_of_url == "create":
        url = reverse("meetings:item_create", args=[meeting.pk])
    elif choice_of_url == "sub-item":
        url = reverse("meetings:item_create", args=[meeting.pk]) + f"?parent={item.pk}"
    else:
        url = reverse("meetings:item_edit", args=[meeting.pk, item.pk])
        post["version"] = data.draw(st.sampled_from([str(item.version), "", "abc"]))
    post_example(client, url, post)


# --- The action page's forms ----------------------------------------------------------------

statuses = choice(Status.values)
transitions = choice(TRANSITIONS_BY_NAME)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_action_forms_never_fail_or_break_the_workflow(world, data):
    role = data.draw(st.sampled_from(["officer", "force"]))
    client = world[role]
    action = data.draw(st.sampled_from([world["action"], *world["carried"]]))
    if data.draw(st.booleans()):
        url = reverse("actions:transition", args=[action.pk])
        post = {
            "status-transition": data.draw(transitions),
            "status-note": data.draw(text),
            "status-expected_status": data.draw(statuses),
        }
    else:
        url = reverse("actions:note", args=[action.pk])
        post = {"note-note": data.draw(text)}
    updates_before = ActionUpdate.objects.count()
    # 403: a change this user may not make; 404: an action this user may not read.
    response = post_example(client, url, post, allowed=(200, 302, 403, 404))
    assert ActionUpdate.objects.count() == updates_before  # rolled back with the example
    if response.status_code == 302:
        assert role == "officer" or action in world["carried"]


# --- The outstanding matters form -----------------------------------------------------------


@PROPERTY_SETTINGS
@given(data=st.data())
def test_the_outstanding_matters_form_never_fails_or_breaks_the_workflow(world, data):
    client = world["officer"]
    meeting = world["meeting"]
    listed = data.draw(
        st.lists(st.sampled_from([*world["carried"], world["action"]]), unique=True, max_size=4)
    )
    rows = {
        action: (data.draw(st.one_of(st.just(""), text)), data.draw(transitions))
        for action in listed
    }
    post = outstanding_form_data(listed, rows)
    for action in listed:
        post[f"action-{action.pk}-expected_status"] = data.draw(
            st.one_of(st.just(action.status), statuses)
        )
    post["rows"] += data.draw(maybe_list(junk_ids))
    post_example(client, reverse("actions:outstanding", args=[meeting.pk]), post)
