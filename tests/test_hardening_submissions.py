"""A form sent twice writes once, and the admin keeps the product's rules.

Every form that creates or appends carries a one-time token: the same form sent again (a double
click, a resend) records nothing and is redirected where the first sending went; a sending shown
again with errors leaves its token unused; a form without a token is saved as before. In the
admin the minutes' status is read-only, approved or published minutes cannot be changed without
reopening them, and every save raises the record's version, so an officer's older form is
refused as stale.
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionUpdate, Status
from assurance.models import Submission
from assurance.submissions import ALREADY_SENT_MESSAGE, KEPT_FOR, TOKEN_FIELD
from assurance.versioning import STALE_EDIT_MESSAGE
from meetings.models import (
    AgendaItem,
    Meeting,
    MeetingStatusChange,
    Office,
    Person,
    PreviousMinutesApproval,
    Series,
)
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    OfficeFactory,
    UserFactory,
    default_series,
    written_owners,
)
from tests.hostile import (
    item_edit_data,
    item_form_data,
    meeting_edit_data,
    meeting_form_data,
    series_form_data,
)
from tests.pages import page_text
from tests.test_concurrency import run_at_once, signed_in

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rf'<input type="hidden" name="{TOKEN_FIELD}" value="([^"]+)">')
STALE_ITEM = STALE_EDIT_MESSAGE.format(thing="item")
STALE_MEETING = STALE_EDIT_MESSAGE.format(thing="meeting")


def token_in(response, form_action: str | None = None) -> str:
    """The one-time token of the page's form (the form posting to ``form_action`` if given)."""
    body = response.content.decode()
    if form_action is not None:
        body = body[body.index(f'action="{form_action}"') :]
    match = TOKEN.search(body)
    assert match, "the form carries no one-time token"
    return match.group(1)


def sent_twice(client, url, data):
    """Post ``data`` twice, as a double click does; return both responses."""
    return client.post(url, data), client.post(url, data)


def assert_second_shows_the_first(first, second):
    assert first.status_code == 302
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def draft():
    return MeetingFactory(date=datetime.date(2022, 11, 29), status=Meeting.Status.DRAFT)


@pytest.fixture
def action():
    return ActionFactory(status=Status.OPEN, origin_item__meeting__status=Meeting.Status.PUBLISHED)


# --- The action page --------------------------------------------------------------------------


def test_a_progress_note_sent_twice_with_the_same_token_is_recorded_once(officer_client, action):
    note_url = reverse("actions:note", args=[action.pk])
    token = token_in(officer_client.get(action.get_absolute_url()), note_url)

    first, second = sent_twice(
        officer_client, note_url, {"note-note": "Briefing sent.", TOKEN_FIELD: token}
    )

    assert_second_shows_the_first(first, second)
    assert first["Location"] == action.get_absolute_url()
    assert ActionUpdate.objects.filter(action=action, note="Briefing sent.").count() == 1
    page = officer_client.get(second["Location"])
    assert ALREADY_SENT_MESSAGE in page_text(page)


def test_a_change_of_status_sent_twice_is_made_once(officer_client, action):
    transition_url = reverse("actions:transition", args=[action.pk])
    token = token_in(officer_client.get(action.get_absolute_url()), transition_url)
    data = {
        "status-transition": "start",
        "status-note": "Work has begun.",
        "status-expected_status": Status.OPEN,
        TOKEN_FIELD: token,
    }

    first, second = sent_twice(officer_client, transition_url, data)

    assert_second_shows_the_first(first, second)
    assert ActionUpdate.objects.filter(action=action).count() == 1
    action.refresh_from_db()
    assert (action.status, action.version) == (Status.IN_PROGRESS, 2)


def test_the_two_forms_of_the_action_page_carry_different_tokens(officer_client, action):
    page = officer_client.get(action.get_absolute_url())
    note = token_in(page, reverse("actions:note", args=[action.pk]))
    transition = token_in(page, reverse("actions:transition", args=[action.pk]))
    again = token_in(
        officer_client.get(action.get_absolute_url()), reverse("actions:note", args=[action.pk])
    )
    assert len({note, transition, again}) == 3


def test_an_invalid_first_sending_leaves_the_token_unused(officer_client, action):
    note_url = reverse("actions:note", args=[action.pk])
    token = token_in(officer_client.get(action.get_absolute_url()), note_url)

    refused = officer_client.post(note_url, {"note-note": "  ", TOKEN_FIELD: token})
    assert refused.status_code == 200
    assert not Submission.objects.filter(token=token).exists()

    # Corrected and sent again with the same token (a browser resending the form as it was).
    first, second = sent_twice(
        officer_client, note_url, {"note-note": "Briefing sent.", TOKEN_FIELD: token}
    )
    assert_second_shows_the_first(first, second)
    assert ActionUpdate.objects.filter(action=action).count() == 1


def test_a_refused_sending_leaves_the_token_unused(client, force_user):
    """A force user of another office may not add a note: the 403 claims nothing."""
    client.force_login(force_user)
    other = ActionFactory(owners=[OfficeFactory(abbreviation="DCC")])
    note_url = reverse("actions:note", args=[other.pk])
    response = client.post(note_url, {"note-note": "Mine.", TOKEN_FIELD: "t" * 43})
    assert response.status_code in (403, 404)
    assert not Submission.objects.exists()


def test_a_form_sent_without_a_token_is_saved_as_before(officer_client, action):
    note_url = reverse("actions:note", args=[action.pk])
    first, second = sent_twice(officer_client, note_url, {"note-note": "Briefing sent."})
    assert (first.status_code, second.status_code) == (302, 302)
    # Nothing to tell the two apart: an old page or a hand-made request writes each time.
    assert ActionUpdate.objects.filter(action=action).count() == 2
    assert not Submission.objects.exists()


@pytest.mark.parametrize("token", ["short", "x" * 65, "bad token with spaces!!", "\x00" * 30])
def test_a_token_we_never_made_is_treated_as_none(officer_client, action, token):
    note_url = reverse("actions:note", args=[action.pk])
    response = officer_client.post(note_url, {"note-note": "Briefing sent.", TOKEN_FIELD: token})
    assert response.status_code == 302
    assert ActionUpdate.objects.filter(action=action).count() == 1
    assert not Submission.objects.exists()


def test_another_users_token_does_not_show_them_the_first_result(officer_client, action):
    note_url = reverse("actions:note", args=[action.pk])
    token = token_in(officer_client.get(action.get_absolute_url()), note_url)
    officer_client.post(note_url, {"note-note": "First.", TOKEN_FIELD: token})

    colleague = Client()
    colleague.force_login(UserFactory(username="colleague", groups=["opcc"]))
    response = colleague.post(note_url, {"note-note": "Second.", TOKEN_FIELD: token})

    assert response.status_code == 302
    assert list(
        ActionUpdate.objects.filter(action=action).order_by("pk").values_list("note", flat=True)
    ) == ["First.", "Second."]


def test_tokens_older_than_a_day_are_forgotten(
    officer_client, action, django_capture_on_commit_callbacks
):
    old = UserFactory(username="old")
    Submission.objects.create(token="o" * 43, user=old, redirect_to="/")
    Submission.objects.update(created_at=timezone.now() - KEPT_FOR - datetime.timedelta(1))
    note_url = reverse("actions:note", args=[action.pk])
    token = token_in(officer_client.get(action.get_absolute_url()), note_url)

    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(note_url, {"note-note": "Briefing sent.", TOKEN_FIELD: token})

    assert list(Submission.objects.values_list("token", flat=True)) == [token]


# --- The minute-taking forms ------------------------------------------------------------------


def test_a_new_meeting_sent_twice_is_created_once(officer_client):
    create_url = reverse("meetings:create")
    token = token_in(officer_client.get(create_url))
    data = meeting_form_data(title="Governance Board November 2022") | {TOKEN_FIELD: token}

    first, second = sent_twice(officer_client, create_url, data)

    assert_second_shows_the_first(first, second)
    meeting = Meeting.objects.get(title="Governance Board November 2022")
    assert first["Location"] == meeting.get_absolute_url()


def test_a_meeting_edit_sent_twice_is_saved_once_without_a_stale_edit_message(
    officer_client, draft
):
    edit_url = reverse("meetings:edit", args=[draft.pk])
    token = token_in(officer_client.get(edit_url))
    data = meeting_edit_data(draft, venue="Council House") | {TOKEN_FIELD: token}

    first, second = sent_twice(officer_client, edit_url, data)

    assert_second_shows_the_first(first, second)
    draft.refresh_from_db()
    assert (draft.venue, draft.version) == ("Council House", 2)


def test_a_new_item_with_actions_sent_twice_is_created_once_with_its_actions(officer_client, draft):
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    create_url = reverse("meetings:item_create", args=[draft.pk])
    token = token_in(officer_client.get(create_url))
    rows = [
        {"description": "Share the IOM data.", "owners": written_owners([cc])},
        {"description": "Report back on 101.", "owners": written_owners([cc])},
    ]
    data = item_form_data(title="Integrated offender management", actions=rows)
    data[TOKEN_FIELD] = token

    first, second = sent_twice(officer_client, create_url, data)

    assert_second_shows_the_first(first, second)
    item = AgendaItem.objects.get(meeting=draft)
    assert sorted(
        Action.objects.filter(origin_item=item).values_list("description", flat=True)
    ) == [
        "Report back on 101.",
        "Share the IOM data.",
    ]
    assert Action.objects.count() == 2


def test_add_another_sent_twice_adds_one_item_and_goes_to_it(officer_client, draft):
    create_url = reverse("meetings:item_create", args=[draft.pk])
    data = item_form_data(title="Call handling") | {
        TOKEN_FIELD: token_in(officer_client.get(create_url)),
        "add_another": "1",
    }
    first, second = sent_twice(officer_client, create_url, data)
    assert_second_shows_the_first(first, second)
    item = AgendaItem.objects.get(meeting=draft)
    assert first["Location"] == reverse("meetings:item_edit", args=[draft.pk, item.pk])


def test_an_item_edit_sent_twice_is_saved_once_without_a_stale_edit_message(officer_client, draft):
    OfficeFactory(abbreviation="CC", title="Chief Constable")
    item = AgendaItemFactory(meeting=draft, title="Call handling")
    edit_url = reverse("meetings:item_edit", args=[draft.pk, item.pk])
    token = token_in(officer_client.get(edit_url))
    data = item_edit_data(
        item, actions=[{"description": "Report back.", "owners": "CC"}], minutes="Discussed."
    )
    data[TOKEN_FIELD] = token

    first, second = sent_twice(officer_client, edit_url, data)

    assert_second_shows_the_first(first, second)
    item.refresh_from_db()
    assert (item.minutes, item.version) == ("Discussed.", 2)
    assert item.actions.count() == 1


def test_the_outstanding_matters_sent_twice_record_each_update_once(officer_client, draft):
    earlier = AgendaItemFactory(
        meeting__date=datetime.date(2022, 6, 1), meeting__status=Meeting.Status.PUBLISHED
    )
    carried = ActionFactory(origin_item=earlier, status=Status.OPEN)
    url = reverse("actions:outstanding", args=[draft.pk])
    data = {
        "rows": [str(carried.pk)],
        "add-reference": "",
        f"action-{carried.pk}-kept": "on",
        f"action-{carried.pk}-note": "The CC reported progress.",
        f"action-{carried.pk}-transition": "",
        f"action-{carried.pk}-expected_status": carried.status,
        TOKEN_FIELD: token_in(officer_client.get(url), url),
    }

    first, second = sent_twice(officer_client, url, data)

    assert_second_shows_the_first(first, second)
    assert ActionUpdate.objects.filter(action=carried, meeting=draft).count() == 1


def test_the_previous_minutes_outcome_sent_twice_is_recorded_once(officer_client, draft):
    MeetingFactory(date=datetime.date(2022, 10, 25), status=Meeting.Status.APPROVED)
    url = reverse("meetings:previous_minutes", args=[draft.pk])
    data = {"outcome": "approved", "amendments": "", "reason": ""}
    data[TOKEN_FIELD] = token_in(officer_client.get(url))

    first, second = sent_twice(officer_client, url, data)

    assert_second_shows_the_first(first, second)
    assert PreviousMinutesApproval.objects.filter(meeting=draft).count() == 1


@pytest.mark.parametrize(
    ("url_name", "data", "model"),
    [
        (
            "meetings:directory_person_create",
            {
                "name": "Richard Jones",
                "initials": "RJ",
                "rank": "ACC",
                "organisation": "force",
                "email": "",
                "active": "on",
                "office": "",
                "since": "",
            },
            Person,
        ),
        (
            "meetings:directory_office_create",
            {"title": "Treasurer", "abbreviation": "TR", "organisation": "opcc", "position": "3"},
            Office,
        ),
        (
            "meetings:series_create",
            series_form_data(),
            Series,
        ),
    ],
)
def test_a_new_directory_entry_or_series_sent_twice_is_created_once(
    officer_client, url_name, data, model
):
    url = reverse(url_name)
    before = model.objects.count()
    data = data | {TOKEN_FIELD: token_in(officer_client.get(url))}

    first, second = sent_twice(officer_client, url, data)

    assert_second_shows_the_first(first, second)
    assert model.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_sendings_of_one_form_write_once():
    """Eight sendings of one progress note at the same moment: the first to claim the token
    writes; the others wait for it and are sent where it went. PostgreSQL only, as SQLite
    serialises every write."""
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL's row locks; CI runs it there.")
    default_series()  # a transactional test's database has lost the migrations' rows
    officer = UserFactory(username="officer", groups=["opcc"])
    action = ActionFactory(origin_item__meeting__status=Meeting.Status.PUBLISHED)
    note_url = reverse("actions:note", args=[action.pk])
    data = {"note-note": "Briefing sent.", TOKEN_FIELD: "s" * 43}

    def job():
        response = signed_in(officer).post(note_url, data)
        return response.status_code, response.get("Location")

    results = run_at_once([job] * 8)

    assert results == [(302, action.get_absolute_url())] * 8
    assert ActionUpdate.objects.filter(action=action).count() == 1


# --- The admin ---------------------------------------------------------------------------------


class _FormReader(HTMLParser):
    """What a browser would post for the admin's change form: its fields' current values."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or not attrs.get("name"):
            if tag == "option" and self.select and "selected" in attrs:
                self.fields.append((self.select, attrs.get("value", "")))
            return
        name, kind = attrs["name"], attrs.get("type", "text")
        if tag == "input" and kind not in ("submit", "button", "file", "image", "reset"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select = name
        elif tag == "textarea":
            self.textarea = name
            self.fields.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.fields and self.fields[-1][0] == self.textarea:
            name, value = self.fields[-1]
            # The newline after <textarea> is not part of the value.
            self.fields[-1] = (name, value + (data[1:] if not value and data[:1] == "\n" else data))


def admin_form(response, model_name: str) -> dict:
    """The admin change form as loaded (one value per field, lists for several)."""
    reader = _FormReader(f"{model_name}_form")
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def admin_url(model: str, *args, view="change") -> str:
    return reverse(f"admin:{model.replace('.', '_')}_{view}", args=args)


def test_the_admin_cannot_set_minutes_straight_to_published(admin_client, draft):
    url = admin_url("meetings.meeting", draft.pk)
    page = admin_client.get(url)
    assert 'name="status"' not in page.content.decode()
    data = admin_form(page, "meeting") | {"status": Meeting.Status.PUBLISHED, "venue": "HQ"}

    response = admin_client.post(url, data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.venue, draft.status) == ("HQ", Meeting.Status.DRAFT)
    assert not MeetingStatusChange.objects.exists()


def test_published_minutes_are_read_only_in_the_admin(admin_client):
    meeting = MeetingFactory(status=Meeting.Status.PUBLISHED, venue="Hindlip HQ")
    item = AgendaItemFactory(meeting=meeting, title="Call handling")
    attendance = AttendanceFactory(meeting=meeting, capacity="Chief Constable")
    action = ActionFactory(origin_item=item, description="Report back.")
    records = [
        ("meetings.meeting", meeting, "meeting", {"venue": "Elsewhere"}),
        ("meetings.agendaitem", item, "agendaitem", {"title": "Rewritten"}),
        ("meetings.attendance", attendance, "attendance", {"capacity": "Rewritten"}),
        ("actions.action", action, "action", {"description": "Rewritten"}),
    ]
    for model, record, model_name, change in records:
        url = admin_url(model, record.pk)
        page = admin_client.get(url)
        assert page.status_code == 200
        field = next(iter(change))
        assert f'name="{field}"' not in page.content.decode(), model  # shown, not editable

        response = admin_client.post(url, admin_form(page, model_name) | change)

        assert response.status_code == 403, model
        record.refresh_from_db()
        assert getattr(record, field) != "Rewritten", model
        deleting = admin_client.post(admin_url(model, record.pk, view="delete"), {"post": "yes"})
        assert deleting.status_code == 403, model
        assert type(record).objects.filter(pk=record.pk).exists(), model
    meeting.refresh_from_db()
    assert (meeting.venue, meeting.version) == ("Hindlip HQ", 1)


def test_the_admin_cannot_add_an_item_to_published_minutes(admin_client):
    meeting = MeetingFactory(status=Meeting.Status.PUBLISHED)
    url = admin_url("meetings.agendaitem", view="add")
    data = admin_form(admin_client.get(url), "agendaitem")
    data |= {"meeting": str(meeting.pk), "title": "Added afterwards", "position": "1"}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert Meeting.READ_ONLY_MESSAGE in page_text(response)
    assert not AgendaItem.objects.filter(meeting=meeting).exists()


def test_the_admin_cannot_delete_items_of_published_minutes_from_the_list(admin_client):
    item = AgendaItemFactory(meeting__status=Meeting.Status.APPROVED)
    response = admin_client.post(
        admin_url("meetings.agendaitem", view="changelist"),
        {"action": "delete_selected", "_selected_action": [str(item.pk)], "post": "yes"},
    )
    assert response.status_code in (200, 403)
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_an_admin_save_raises_the_version_so_an_officers_older_item_form_is_refused(
    client, officer, admin_client, draft
):
    item = AgendaItemFactory(meeting=draft, title="Call handling", minutes="As first typed.")
    client.force_login(officer)
    edit_url = reverse("meetings:item_edit", args=[draft.pk, item.pk])
    client.get(edit_url)
    officers_form = item_edit_data(item, minutes="The officer's version.")  # at version 1

    url = admin_url("meetings.agendaitem", item.pk)
    data = admin_form(admin_client.get(url), "agendaitem") | {"minutes": "The admin's correction."}
    assert admin_client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.version == 2

    response = client.post(edit_url, officers_form)

    assert response.status_code == 200
    assert STALE_ITEM in page_text(response)
    item.refresh_from_db()
    assert item.minutes == "The admin's correction."


def test_an_admin_save_of_a_meeting_makes_an_officers_older_meeting_form_stale(
    client, officer, admin_client, draft
):
    client.force_login(officer)
    officers_form = meeting_edit_data(draft, venue="The officer's venue")

    url = admin_url("meetings.meeting", draft.pk)
    data = admin_form(admin_client.get(url), "meeting") | {"venue": "The admin's venue"}
    assert admin_client.post(url, data).status_code == 302

    response = client.post(reverse("meetings:edit", args=[draft.pk]), officers_form)

    assert STALE_MEETING in page_text(response)
    draft.refresh_from_db()
    assert (draft.venue, draft.version) == ("The admin's venue", 2)


def test_an_item_changed_in_the_meeting_page_of_the_admin_has_its_version_raised(
    admin_client, draft
):
    item = AgendaItemFactory(meeting=draft, title="Call handling")
    url = admin_url("meetings.meeting", draft.pk)
    data = admin_form(admin_client.get(url), "meeting") | {"items-0-title": "Call handling (101)"}

    assert admin_client.post(url, data).status_code == 302

    item.refresh_from_db()
    assert (item.title, item.version) == ("Call handling (101)", 2)


def test_the_admin_refuses_to_save_over_an_officers_newer_change(
    officer_client, admin_client, draft
):
    item = AgendaItemFactory(meeting=draft, title="Call handling")
    url = admin_url("meetings.agendaitem", item.pk)
    admins_form = admin_form(admin_client.get(url), "agendaitem") | {"minutes": "The admin's."}
    officer_client.post(
        reverse("meetings:item_edit", args=[draft.pk, item.pk]),
        item_edit_data(item, minutes="The officer's."),
    )

    response = admin_client.post(url, admins_form)

    assert response.status_code == 200
    assert "Someone else saved a change to this agenda item" in page_text(response)
    item.refresh_from_db()
    assert (item.minutes, item.version) == ("The officer's.", 2)


@pytest.mark.parametrize(
    "model", ["meetings.series", "meetings.meeting", "meetings.agendaitem", "actions.action"]
)
def test_every_admin_save_of_a_versioned_record_raises_its_version(admin_client, draft, model):
    record = {
        "meetings.series": lambda: draft.series,
        "meetings.meeting": lambda: draft,
        "meetings.agendaitem": lambda: AgendaItemFactory(meeting=draft),
        "actions.action": lambda: ActionFactory(origin_item=AgendaItemFactory(meeting=draft)),
    }[model]()
    version = record.version
    url = admin_url(model, record.pk)

    response = admin_client.post(url, admin_form(admin_client.get(url), model.split(".")[1]))

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.version == version + 1
