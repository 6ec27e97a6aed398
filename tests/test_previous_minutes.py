"""The standing item "minutes of the previous meeting": recording the outcome, its validation and
refusals, the line the earlier meeting's pages show (and to whom), and the warning on approving
a meeting that did not approve the previous minutes."""

import datetime
import re

import pytest
from django.urls import reverse

from meetings.models import ApprovedMinutes, Meeting, PreviousMinutesApproval
from meetings.previous_minutes import PreviousMinutesRefused, previous_minutes_record
from minutes.publishing import meeting_approve, meeting_publish
from tests.factories import AgendaItemFactory, AttendanceFactory, MeetingFactory, SeriesFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

APPROVED, AMENDED, NOT_APPROVED = "approved", "amended", "not_approved"
AMENDMENTS = "Item 3: the average answer time was 12 seconds, not 21."
REASON = "to be amended and re-circulated"


def held_meeting(series, date, **kwargs):
    """A meeting that has taken place, with attendance and an agenda item: its minutes may be
    approved."""
    meeting = MeetingFactory(series=series, date=date, title=f"{series.name}, {date:%-d %B %Y}")
    AttendanceFactory(meeting=meeting)
    AgendaItemFactory(meeting=meeting, title="Call handling")
    return meeting


@pytest.fixture
def series():
    return SeriesFactory(name="Governance Board")


@pytest.fixture
def earlier(series):
    return held_meeting(series, datetime.date(2021, 12, 14))


@pytest.fixture
def later(series, earlier):
    return held_meeting(series, datetime.date(2022, 1, 18))


def shown(response) -> str:
    """The page's text as read: ``page_text`` puts a space where a link ends, before its colon."""
    return re.sub(r"\s+([:.])", r"\1", page_text(response))


def form_url(meeting):
    return reverse("meetings:previous_minutes", args=[meeting.pk])


def record(later, earlier, outcome, **words):
    return previous_minutes_record(meeting=later, previous=earlier, outcome=outcome, **words)


def publish(meeting, user):
    meeting_approve(meeting=meeting, user=user)
    meeting_publish(meeting=meeting, user=user)


# --- Recording the outcome ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "amendments", "reason"),
    [
        ({"outcome": APPROVED}, "", ""),
        ({"outcome": AMENDED, "amendments": AMENDMENTS}, AMENDMENTS, ""),
        ({"outcome": NOT_APPROVED, "reason": REASON}, "", REASON),
    ],
    ids=["approved", "amended", "not_approved"],
)
def test_an_officer_records_each_outcome(client, officer, earlier, later, data, amendments, reason):
    client.force_login(officer)
    response = client.post(form_url(later), data)
    assert response.status_code == 302
    assert response.url == later.get_absolute_url()
    approval = later.previous_minutes_approval
    assert approval.previous == earlier
    assert (approval.outcome, approval.amendments, approval.reason) == (
        data["outcome"],
        amendments,
        reason,
    )


def test_changing_the_outcome_updates_it_and_drops_words_it_no_longer_needs(
    officer, earlier, later
):
    record(later, earlier, NOT_APPROVED, reason=REASON)
    record(later, earlier, AMENDED, amendments=AMENDMENTS, reason="left over")
    approval = PreviousMinutesApproval.objects.get()
    assert (approval.outcome, approval.amendments, approval.reason) == (AMENDED, AMENDMENTS, "")


def test_the_form_shows_the_outcome_already_recorded(client, officer, earlier, later):
    record(later, earlier, NOT_APPROVED, reason=REASON)
    client.force_login(officer)
    response = client.get(form_url(later))
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'value="not_approved"[^>]*\bchecked\b', body)
    assert REASON in body
    assert earlier.title in page_text(response)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"outcome": AMENDED, "amendments": "  ", "reason": "typed"},
            "amendments",
            "Name the amendments made",
        ),
        (
            {"outcome": NOT_APPROVED, "amendments": "typed"},
            "reason",
            "Say why the minutes were not approved",
        ),
        (
            {"amendments": "typed"},
            "outcome",
            "Choose whether the minutes of the previous meeting were approved",
        ),
    ],
    ids=["amended-without-amendments", "not-approved-without-reason", "no-outcome"],
)
def test_a_missing_answer_is_explained_at_the_top_and_beside_the_field(
    client, officer, earlier, later, data, field, message
):
    client.force_login(officer)
    response = client.post(form_url(later), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: " in body
    assert "There is a problem" in body
    assert body.count(message) == 2  # in the summary and beside the field
    assert f'href="#id_{field}{"_0" if field == "outcome" else ""}"' in body
    assert "typed" in body  # what was typed is kept
    assert not PreviousMinutesApproval.objects.exists()


def test_the_domain_function_refuses_missing_words_too(earlier, later):
    with pytest.raises(PreviousMinutesRefused, match="Name the amendments made"):
        record(later, earlier, AMENDED, amendments=" ")
    with pytest.raises(PreviousMinutesRefused, match="Say why the minutes were not approved"):
        record(later, earlier, NOT_APPROVED)


# --- Refusals ----------------------------------------------------------------------------------


def test_refused_once_the_minutes_are_approved(client, officer, earlier, later):
    meeting_approve(meeting=later, user=officer)
    with pytest.raises(PreviousMinutesRefused, match="read-only"):
        record(later, earlier, APPROVED)

    client.force_login(officer)
    response = client.get(form_url(later))
    assert response.status_code == 302
    response = client.post(form_url(later), {"outcome": NOT_APPROVED, "reason": REASON})
    assert response.status_code == 409
    assert "read-only" in page_text(response)
    assert REASON in response.content.decode()  # what was typed is kept
    assert not PreviousMinutesApproval.objects.exists()


def test_refused_for_a_meeting_of_another_series(earlier, later):
    elsewhere = held_meeting(SeriesFactory(name="Holding to Account"), datetime.date(2022, 1, 4))
    with pytest.raises(PreviousMinutesRefused, match="previous meeting of the same series"):
        record(later, elsewhere, APPROVED)
    assert not PreviousMinutesApproval.objects.exists()


def test_refused_for_a_meeting_that_is_not_the_immediately_previous_one(series, earlier, later):
    third = held_meeting(series, datetime.date(2022, 2, 16))
    with pytest.raises(PreviousMinutesRefused, match="previous meeting of the same series"):
        record(third, earlier, APPROVED)
    record(third, later, APPROVED)
    assert third.previous_minutes_approval.previous == later


def test_the_first_meeting_of_a_series_has_no_previous_minutes(client, officer, earlier):
    client.force_login(officer)
    response = client.get(form_url(earlier), follow=True)
    assert "no previous minutes to approve" in page_text(response)


def test_only_the_opcc_may_record_the_outcome(client, commissioner, force_user, earlier, later):
    for user in (commissioner, force_user):
        client.force_login(user)
        assert client.post(form_url(later), {"outcome": APPROVED}).status_code == 403
    assert not PreviousMinutesApproval.objects.exists()


def test_the_toolbar_links_to_the_form_for_the_opcc_on_editable_minutes(
    client, officer, earlier, later
):
    client.force_login(officer)
    body = client.get(later.get_absolute_url()).content.decode()
    assert "Previous minutes&#x27; approval" in body or "Previous minutes' approval" in body
    assert form_url(later) in body
    meeting_approve(meeting=later, user=officer)
    assert form_url(later) not in client.get(later.get_absolute_url()).content.decode()


# --- What the earlier meeting shows -------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "words", "line"),
    [
        (APPROVED, {}, "Confirmed as a true record at the meeting of 18 January 2022"),
        (
            AMENDED,
            {"amendments": AMENDMENTS},
            f"Approved with amendments at the meeting of 18 January 2022: {AMENDMENTS}",
        ),
        (
            NOT_APPROVED,
            {"reason": REASON},
            f"Not approved at the meeting of 18 January 2022: {REASON}",
        ),
    ],
    ids=["approved", "amended", "not_approved"],
)
def test_the_earlier_meeting_shows_the_outcome(
    client, officer, earlier, later, outcome, words, line
):
    meeting_approve(meeting=earlier, user=officer)
    record(later, earlier, outcome, **words)
    client.force_login(officer)
    response = client.get(earlier.get_absolute_url())
    assert line in shown(response)
    body = response.content.decode()
    # Outside the stored minutes, linking the later meeting.
    assert body.index("previous-minutes-outcome") < body.index('<article class="minutes"')
    assert f'href="{later.get_absolute_url()}"' in body


def test_the_outcome_is_not_stored_in_the_earlier_meetings_minutes(officer, earlier, later):
    meeting_approve(meeting=earlier, user=officer)
    stored = ApprovedMinutes.objects.get(meeting=earlier).content
    record(later, earlier, NOT_APPROVED, reason=REASON)
    assert ApprovedMinutes.objects.get(meeting=earlier).content == stored
    assert REASON not in repr(stored)


def test_the_line_is_hidden_from_the_force_and_public_while_the_later_meeting_is_a_draft(
    client, officer, force_user, earlier, later
):
    publish(earlier, officer)
    record(later, earlier, NOT_APPROVED, reason=REASON)
    public_url = reverse("public:detail", args=[earlier.pk])
    line = "Not approved at the meeting of 18 January 2022"

    assert line not in page_text(client.get(public_url))
    client.force_login(force_user)
    assert line not in page_text(client.get(earlier.get_absolute_url()))
    client.force_login(officer)
    assert line in page_text(client.get(earlier.get_absolute_url()))

    meeting_approve(meeting=later, user=officer)
    client.force_login(force_user)
    assert line in page_text(client.get(earlier.get_absolute_url()))
    client.logout()
    assert line not in page_text(client.get(public_url))

    meeting_publish(meeting=later, user=officer)
    response = client.get(public_url)
    assert f"{line}: {REASON}" in shown(response)
    assert f'href="{reverse("public:detail", args=[later.pk])}"' in response.content.decode()


# --- Approving a meeting that did not approve the previous minutes ------------------------------


def test_approving_a_meeting_that_did_not_approve_the_previous_minutes_warns(
    client, officer, earlier, later
):
    record(later, earlier, NOT_APPROVED, reason=REASON)
    client.force_login(officer)
    response = client.post(reverse("meetings:approve", args=[later.pk]), follow=True)
    text = page_text(response)
    assert "The minutes have been approved" in text
    assert (
        "The minutes of the previous meeting (Governance Board, 14 December 2021) were not "
        f"approved: {REASON}"
    ) in text
    later.refresh_from_db()
    assert later.status == Meeting.Status.APPROVED


@pytest.mark.parametrize("outcome", [None, APPROVED])
def test_no_warning_when_the_previous_minutes_were_approved_or_not_recorded(
    client, officer, earlier, later, outcome
):
    if outcome:
        record(later, earlier, outcome)
    client.force_login(officer)
    response = client.post(reverse("meetings:approve", args=[later.pk]), follow=True)
    assert "were not approved" not in page_text(response)


def test_no_warning_when_the_approval_is_refused(client, officer, earlier, later):
    record(later, earlier, NOT_APPROVED, reason=REASON)
    meeting_approve(meeting=later, user=officer)
    client.force_login(officer)
    response = client.post(reverse("meetings:approve", args=[later.pk]), follow=True)
    assert "already been approved" in page_text(response)
    assert "were not approved" not in page_text(response)
