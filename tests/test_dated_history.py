"""Dated history: every update takes effect on a date apart from when it was typed, so older
records can be entered late and in any order (DESIGN.md, "ActionUpdate" and "Carry-forward").

Covers the workflow's rules for that date, the action page's "Date it took effect" field (OPCC
officers only), the timeline's two dates, and what carry-forward, statuses at a meeting and
"closed in the last 90 days" make of meetings entered out of order.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from actions import workflow
from actions.models import Action, ReviewedAction, Status, start_of_day
from actions.tracking import RECENTLY_CLOSED_DAYS, closed_since
from meetings.models import Meeting
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    MeetingFactory,
    SeriesFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
ARISEN_ON = datetime.date(2022, 1, 18)


def today() -> datetime.date:
    return timezone.localdate()


def long_date(date) -> str:
    return date_format(date, "j F Y")


def action_raised_at(meeting, **kwargs) -> Action:
    """An action owned by the CC, raised at ``meeting``."""
    return ActionFactory(origin_item=AgendaItemFactory(meeting=meeting), **kwargs)


def published_action(status=Status.OPEN, **kwargs) -> Action:
    """An action raised at published minutes of 18 January 2022, which force staff may read."""
    meeting = MeetingFactory(date=ARISEN_ON, status=Meeting.Status.PUBLISHED)
    return action_raised_at(meeting, status=status, **kwargs)


def refusal(call, **arguments) -> workflow.WorkflowError:
    with pytest.raises(workflow.WorkflowError) as refused:
        call(**arguments)
    return refused.value


def snapshot(action):
    action.refresh_from_db()
    return action.status, action.version, action.updates.count(), action.closed_at


def refused_update(action, officer, call, transition, **arguments) -> workflow.WorkflowError:
    """The refusal of a note (``call`` "note") or of ``transition`` on ``action``, having checked
    that the action is left as it was."""
    before = snapshot(action)
    arguments = {"action_id": action.pk, "user": officer, "note": "Done.", **arguments}
    if call == "note":
        error = refusal(workflow.action_add_note, **arguments)
    else:
        error = refusal(workflow.action_transition, transition=transition, **arguments)
    assert snapshot(action) == before
    return error


def timeline_text(response) -> str:
    """The page's text with the space page_text leaves before a comma after a tag removed."""
    return re.sub(r" ,", ",", page_text(response))


def post_note(client, action, note, effective_on):
    """The action page's note form, sent with ``effective_on`` as typed."""
    return client.post(
        reverse("actions:note", args=[action.pk]),
        {"note-note": note, "note-effective_on": effective_on},
    )


def post_sign_off(client, action, note, expected_status, effective_on):
    """The action page's status form signing the action off, dated ``effective_on`` as typed."""
    return client.post(
        reverse("actions:transition", args=[action.pk]),
        {
            "status-transition": "sign_off",
            "status-note": note,
            "status-expected_status": expected_status,
            "status-effective_on": effective_on,
        },
    )


def start_on_1_june_2022(action, officer):
    """The officer moves ``action`` to in progress, dated 1 June 2022."""
    workflow.action_transition(
        action_id=action.pk,
        transition="start",
        user=officer,
        effective_on=datetime.date(2022, 6, 1),
    )


def closed_recently_tile(client) -> int:
    """The number on the dashboard's "closed in the last 90 days" tile."""
    body = client.get(reverse("home")).content.decode()
    match = re.search(
        r'dashboard-tile-closed_recently".*?<span class="d-block display-6 fw-bold">(\d+)</span>',
        body,
        flags=re.S,
    )
    assert match, "the dashboard shows the closed-recently tile"
    return int(match.group(1))


def closed_in_the_last_90_days() -> int:
    since = timezone.now() - datetime.timedelta(days=RECENTLY_CLOSED_DAYS)
    return closed_since(Action.objects.all(), since).count()


# The workflow's rules for the date an update takes effect


def test_an_update_takes_effect_today_unless_dated_otherwise(officer):
    action = published_action()
    update = workflow.action_add_note(action_id=action.pk, user=officer, note="Progress.")
    assert update.effective_on == today()
    assert not update.recorded_later


def test_an_officer_may_date_a_note_back_to_the_day_the_action_arose(officer):
    action = published_action()
    update = workflow.action_add_note(
        action_id=action.pk, user=officer, note="Briefing shared.", effective_on=ARISEN_ON
    )
    assert update.effective_on == ARISEN_ON
    assert update.recorded_later


@pytest.mark.parametrize("call", ["note", "transition"])
def test_an_update_cannot_take_effect_in_the_future(officer, call):
    action = published_action()
    error = refused_update(action, officer, call, "sign_off", effective_on=today() + DAY)
    assert error.code == "effective_on"
    assert error.message == "The date it took effect cannot be in the future."


@pytest.mark.parametrize("call", ["note", "transition"])
def test_an_update_cannot_take_effect_before_the_action_arose(officer, call):
    action = published_action()
    error = refused_update(action, officer, call, "start", effective_on=ARISEN_ON - DAY)
    assert error.code == "effective_on"
    assert error.message == (
        "The date it took effect cannot be before the action arose, on 18 January 2022."
    )


def test_a_change_of_status_cannot_be_dated_before_the_last_change_of_status(officer):
    action = published_action()
    start_on_1_june_2022(action, officer)
    before = snapshot(action)
    error = refusal(
        workflow.action_transition,
        action_id=action.pk,
        transition="sign_off",
        user=officer,
        note="Report received.",
        effective_on=datetime.date(2022, 5, 31),
    )
    assert error.code == "effective_on"
    assert error.message == (
        "The action's status last changed on 1 June 2022: a change of status cannot be dated "
        "before that."
    )
    assert snapshot(action) == before
    # The same day is not before it.
    workflow.action_transition(
        action_id=action.pk,
        transition="sign_off",
        user=officer,
        note="Report received.",
        effective_on=datetime.date(2022, 6, 1),
    )
    action.refresh_from_db()
    assert action.status == Status.CLOSED


def test_a_note_may_be_dated_before_the_last_change_of_status(officer):
    action = published_action()
    start_on_1_june_2022(action, officer)
    update = workflow.action_add_note(
        action_id=action.pk,
        user=officer,
        note="Scoping meeting held.",
        effective_on=datetime.date(2022, 3, 1),
    )
    assert (update.effective_on, update.status_before, update.status_after) == (
        datetime.date(2022, 3, 1),
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
    )
    assert list(action.updates.values_list("effective_on", flat=True)) == [
        datetime.date(2022, 3, 1),
        datetime.date(2022, 6, 1),
    ]


@pytest.mark.parametrize("call", ["note", "transition"])
def test_no_update_is_recorded_at_a_meeting_that_has_not_taken_place(officer, call):
    action = published_action()
    future = MeetingFactory(date=today() + 7 * DAY, status=Meeting.Status.DRAFT)
    error = refused_update(action, officer, call, "sign_off", meeting=future)
    assert error.code == "read_only"
    assert error.message == (
        f"This meeting is on {long_date(future.date)}: updates can be recorded at it once it "
        "has taken place."
    )
    assert not ReviewedAction.objects.exists()


def test_an_update_at_a_meeting_takes_effect_on_the_meetings_date(officer):
    action = published_action()
    meeting = MeetingFactory(date=datetime.date(2022, 3, 15), status=Meeting.Status.DRAFT)
    update = workflow.action_transition(
        action_id=action.pk,
        transition="sign_off",
        user=officer,
        note="Signed off at the meeting.",
        meeting=meeting,
        effective_on=datetime.date(2022, 2, 1),  # the meeting's date wins
    )
    assert update.effective_on == meeting.date
    action.refresh_from_db()
    assert action.closed_at == start_of_day(meeting.date)


# The action page's "Date it took effect"


def test_officers_get_the_date_it_took_effect_on_both_forms_set_to_today(client, officer):
    action = published_action()
    client.force_login(officer)
    response = client.get(reverse("actions:detail", args=[action.pk]))
    body = response.content.decode()
    for prefix in ("note", "status"):
        field = re.search(rf'<input type="date" name="{prefix}-effective_on"[^>]*>', body)
        assert field, f"the {prefix} form has a date input"
        assert f'value="{today().isoformat()}"' in field.group(0)
        assert f'aria-describedby="id_{prefix}-effective_on-hint"' in field.group(0)
        assert f'id="id_{prefix}-effective_on"' in field.group(0)
        assert re.search(
            rf'<label [^>]*for="id_{prefix}-effective_on"[^>]*>Date it took effect', body
        ), f"the {prefix} form's date is labelled"
        assert re.search(rf'id="id_{prefix}-effective_on-hint"[^>]*>Leave this as today', body)
    assert "Leave this as today unless you are entering older records" in page_text(response)


@pytest.mark.parametrize("user_fixture", ["force_user", "commissioner"])
def test_force_staff_and_the_commissioner_get_no_date_it_took_effect(client, request, user_fixture):
    action = published_action()
    client.force_login(request.getfixturevalue(user_fixture))
    body = client.get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert 'action="{}"'.format(reverse("actions:note", args=[action.pk])) in body
    assert "effective_on" not in body
    assert "Date it took effect" not in body


def test_force_staff_cannot_back_date_a_note(client, force_user):
    action = published_action(Status.IN_PROGRESS)
    client.force_login(force_user)
    response = post_note(client, action, "Analysis done.", "2022-01-20")
    assert response.status_code == 302
    assert action.updates.get().effective_on == today()


def test_the_commissioner_cannot_back_date_a_sign_off(client, commissioner):
    action = published_action(Status.AWAITING_SIGN_OFF)
    client.force_login(commissioner)
    response = post_sign_off(client, action, "Data shared.", Status.AWAITING_SIGN_OFF, "2022-02-01")
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.updates.get().effective_on == today()
    assert timezone.localdate(action.closed_at) == today()


def test_an_officer_enters_an_older_note_and_the_timeline_shows_both_dates(client, officer):
    action = published_action()
    client.force_login(officer)
    workflow.action_add_note(action_id=action.pk, user=officer, note="Typed and dated today.")
    response = post_note(client, action, "From the January file.", "2022-01-18")
    assert response.status_code == 302
    update = action.updates.get(note="From the January file.")
    assert update.effective_on == ARISEN_ON
    assert update.author == officer

    text = timeline_text(client.get(reverse("actions:detail", args=[action.pk])))
    assert f"18 January 2022, recorded {long_date(today())} by officer" in text
    # Listed in the order the updates took effect, not the order they were typed.
    assert text.index("From the January file.") < text.index("Typed and dated today.")
    # An update typed on the day it took effect shows one date.
    assert f"officer, {long_date(today())}," in text


def test_a_date_left_blank_means_today(client, officer):
    action = published_action()
    client.force_login(officer)
    response = post_note(client, action, "Progress.", "")
    assert response.status_code == 302
    assert action.updates.get().effective_on == today()


def test_a_future_date_is_shown_beside_the_date_field_keeping_what_was_typed(client, officer):
    action = published_action()
    client.force_login(officer)
    tomorrow = (today() + DAY).isoformat()
    response = post_note(client, action, "Typed & kept", tomorrow)
    assert response.status_code == 200
    body = response.content.decode()
    assert page_text(response).startswith("Error: ")
    assert 'href="#id_note-effective_on">The date it took effect cannot be in the future.' in body
    assert re.search(
        r'id="id_note-effective_on-error">.*The date it took effect cannot be in the future.',
        body,
        flags=re.S,
    )
    assert f'value="{tomorrow}"' in body
    assert "Typed &amp; kept</textarea>" in body
    assert action.updates.count() == 0


def test_a_date_that_is_not_a_real_date_is_shown_beside_the_date_field(client, officer):
    action = published_action()
    client.force_login(officer)
    response = post_note(client, action, "Progress.", "31/02/2022")
    assert response.status_code == 200
    assert 'href="#id_note-effective_on">Enter the date it took effect as a real date' in (
        response.content.decode()
    )
    assert 'value="31/02/2022"' in response.content.decode()
    assert action.updates.count() == 0


def test_a_change_of_status_dated_before_the_last_one_is_shown_beside_the_date(client, officer):
    action = published_action()
    start_on_1_june_2022(action, officer)
    client.force_login(officer)
    response = post_sign_off(client, action, "Report received.", Status.IN_PROGRESS, "2022-05-02")
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        'href="#id_status-effective_on">The action&#x27;s status last changed on 1 June 2022'
        in (body)
    )
    assert 'value="2022-05-02"' in body
    assert re.search(r'value="sign_off"[^>]*\schecked', body)
    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS


def test_a_sign_off_back_dated_200_days_is_not_closed_in_the_last_90_days(client, officer):
    back_dated, signed_today = published_action(), published_action()
    client.force_login(officer)
    two_hundred_days_ago = today() - 200 * DAY
    for action, effective_on in ((back_dated, two_hundred_days_ago), (signed_today, today())):
        response = post_sign_off(
            client, action, "Closed from the paper file.", Status.OPEN, effective_on.isoformat()
        )
        assert response.status_code == 302
    back_dated.refresh_from_db()
    assert back_dated.status == Status.CLOSED
    assert back_dated.closed_at == start_of_day(two_hundred_days_ago)
    assert closed_recently_tile(client) == 1  # only the one signed off today
    assert closed_in_the_last_90_days() == 1


# Acceptance: three meetings of one series entered in the order 3, 1, 2


def test_meetings_entered_out_of_order_carry_forward_and_count_by_their_dates(client, officer):
    series = SeriesFactory()
    m0 = MeetingFactory(series=series, date=datetime.date(2022, 1, 18))
    a0 = action_raised_at(m0, reference="A0")
    dates = {
        1: datetime.date(2022, 3, 15),
        2: datetime.date(2022, 5, 17),
        3: datetime.date(2022, 7, 19),
    }

    # Each meeting is entered with the action raised at it; meeting 3 first, then 1, then 2.
    meetings, raised = {0: m0}, {0: a0}
    for number in (3, 1, 2):
        meetings[number] = MeetingFactory(series=series, date=dates[number])
        raised[number] = action_raised_at(meetings[number], reference=f"A{number}")
    m1, m2, m3 = meetings[1], meetings[2], meetings[3]
    a1, a2, a3 = raised[1], raised[2], raised[3]

    # At each meeting the action raised at the one before is signed off, recorded in the same
    # out-of-order sequence: at meeting 3, then at 1, then at 2.
    for number in (3, 1, 2):
        workflow.action_transition(
            action_id=raised[number - 1].pk,
            transition="sign_off",
            user=officer,
            note=f"Signed off at meeting {number}.",
            meeting=meetings[number],
        )

    # What each meeting proposes: the actions outstanding when it opened, and those updated at it.
    def carried(meeting):
        return {action.reference for action in Action.objects.carried_forward_to(meeting)}

    assert carried(m0) == set()
    assert carried(m1) == {a0.reference}
    assert carried(m2) == {a1.reference}
    assert carried(m3) == {a2.reference}
    for number in (1, 2, 3):
        reviewed = ReviewedAction.objects.filter(meeting=meetings[number])
        assert [row.action for row in reviewed] == [raised[number - 1]]

    # Each action's status at each meeting: open until the meeting it was signed off at.
    def statuses_on(date):
        annotated = Action.objects.with_status_on(date).filter(origin_meeting__date__lte=date)
        return {action.reference: action.status_on for action in annotated}

    assert statuses_on(m1.date - DAY) == {a0.reference: Status.OPEN}
    assert statuses_on(m1.date) == {a0.reference: Status.CLOSED, a1.reference: Status.OPEN}
    assert statuses_on(m2.date - DAY) == {a0.reference: Status.CLOSED, a1.reference: Status.OPEN}
    assert statuses_on(m2.date) == {
        a0.reference: Status.CLOSED,
        a1.reference: Status.CLOSED,
        a2.reference: Status.OPEN,
    }
    assert statuses_on(m3.date - DAY) == {
        a0.reference: Status.CLOSED,
        a1.reference: Status.CLOSED,
        a2.reference: Status.OPEN,
    }
    assert statuses_on(m3.date) == {
        a0.reference: Status.CLOSED,
        a1.reference: Status.CLOSED,
        a2.reference: Status.CLOSED,
        a3.reference: Status.OPEN,
    }

    # Each was closed on the day of the meeting it was signed off at, long ago.
    for number in (1, 2, 3):
        action = raised[number - 1]
        action.refresh_from_db()
        assert action.status == Status.CLOSED
        assert action.closed_at == start_of_day(dates[number])

    # None of these historical closures is "closed in the last 90 days".
    assert closed_in_the_last_90_days() == 0
    client.force_login(officer)
    assert closed_recently_tile(client) == 0
