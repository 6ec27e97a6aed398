"""The admin lists and edits every model; action updates are read-only there."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import (
    ActionUpdateFactory,
    AgendaItemFactory,
    AttendanceFactory,
    LocalPolicingAreaFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "meetings/office",
    "meetings/person",
    "meetings/meeting",
    "meetings/attendance",
    "meetings/agendaitem",
    "meetings/topic",
    "meetings/localpolicingarea",
    "actions/action",
    "actions/actionupdate",
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def records():
    update = ActionUpdateFactory()
    item = update.action.origin_item
    child = AgendaItemFactory(meeting=item.meeting, parent=item, title="Child item")
    return {
        "update": update,
        "item": item,
        "child": child,
        "attendance": AttendanceFactory(meeting=item.meeting),
        "topic": TopicFactory(),
        "area": LocalPolicingAreaFactory(),
    }


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_working_changelist_with_search(admin_client, records, model):
    app_label, model_name = model.split("/")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "a"}).status_code == 200


def test_agenda_items_are_listed_with_their_derived_numbers(admin_client, records):
    response = admin_client.get(reverse("admin:meetings_agendaitem_changelist"))
    assert "Child item" in response.text
    child_number = records["child"].number
    assert child_number.endswith(".1")
    assert f">{child_number}<" in response.text


def test_a_meeting_shows_attendance_and_agenda_inline(admin_client, records):
    meeting = records["item"].meeting
    response = admin_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert response.status_code == 200
    assert "attendances-TOTAL_FORMS" in response.text
    assert "items-TOTAL_FORMS" in response.text
    # Escaped as the page writes it: a generated name may hold an apostrophe (O'Neill).
    assert escape(records["attendance"].person.name) in response.text


def test_an_action_shows_its_updates_read_only(admin_client, records):
    update = records["update"]
    response = admin_client.get(reverse("admin:actions_action_change", args=[update.action.pk]))
    assert response.status_code == 200
    assert update.note in response.text
    assert 'name="updates-0-note"' not in response.text  # shown, not editable
    assert 'updates-MAX_NUM_FORMS" value="0"' in response.text


def test_action_updates_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, records):
    update = records["update"]
    add = admin_client.get(reverse("admin:actions_actionupdate_add"))
    delete = admin_client.post(
        reverse("admin:actions_actionupdate_delete", args=[update.pk]), {"post": "yes"}
    )
    change = admin_client.post(
        reverse("admin:actions_actionupdate_change", args=[update.pk]), {"note": "rewritten"}
    )
    assert add.status_code == 403
    assert delete.status_code == 403
    assert change.status_code == 403
    update.refresh_from_db()
    assert update.note != "rewritten"


def test_action_status_is_not_editable_in_the_admin(admin_client, records):
    action = records["update"].action
    response = admin_client.get(reverse("admin:actions_action_change", args=[action.pk]))
    assert 'name="status"' not in response.text
