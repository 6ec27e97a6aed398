"""Approving, publishing and reopening minutes: who may, from which status, the guard rails
on approval, the publish confirmation page, and the history."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from meetings.models import ApprovedMinutes, Meeting, MeetingStatusChange
from minutes.publishing import (
    MinutesStatusError,
    meeting_approve,
    meeting_publish,
    meeting_reopen,
)
from tests import factories
from tests.pages import page_text, render

pytestmark = pytest.mark.django_db

DRAFT, APPROVED, PUBLISHED = Meeting.Status.DRAFT, Meeting.Status.APPROVED, Meeting.Status.PUBLISHED
HELD_ON = datetime.date(2022, 11, 29)


def held_meeting(**kwargs):
    """A meeting that has taken place, with attendance and an agenda item: minutes that may be
    approved. (A fixed past date: the factory's dates run on into the future over a long run.)"""
    kwargs.setdefault("date", HELD_ON)
    meeting = factories.MeetingFactory(**kwargs)
    factories.AttendanceFactory(meeting=meeting)
    factories.AgendaItemFactory(meeting=meeting, title="Call handling")
    return meeting


def approve(meeting, user, reason=""):
    return meeting_approve(meeting=meeting, user=user)


def publish(meeting, user, reason=""):
    return meeting_publish(meeting=meeting, user=user)


def reopen(meeting, user, reason="The PCC's question in item 3 was recorded wrongly."):
    return meeting_reopen(meeting=meeting, user=user, reason=reason)


# The domain functions


@pytest.mark.parametrize(
    "change, user, before, after",
    [
        (approve, "officer", DRAFT, APPROVED),
        (approve, "commissioner", DRAFT, APPROVED),
        (publish, "officer", APPROVED, PUBLISHED),
        (reopen, "officer", APPROVED, DRAFT),
        (reopen, "officer", PUBLISHED, DRAFT),
    ],
)
def test_an_allowed_change_moves_the_status_and_writes_one_history_entry(
    request, change, user, before, after
):
    user = request.getfixturevalue(user)
    meeting = held_meeting(status=before)

    change(meeting, user)

    meeting.refresh_from_db()
    assert meeting.status == after
    assert meeting.version == 2  # an edit form loaded before the change is now stale
    entry = MeetingStatusChange.objects.get()
    assert (entry.meeting, entry.status_before, entry.status_after) == (meeting, before, after)
    assert entry.changed_by == user


@pytest.mark.parametrize(
    "change, before, message",
    [
        (approve, APPROVED, "These minutes have already been approved."),
        (approve, PUBLISHED, "These minutes have already been approved and published."),
        (publish, DRAFT, "These minutes are still a draft: approve them before publishing them."),
        (publish, PUBLISHED, "These minutes have already been published."),
        (reopen, DRAFT, "These minutes are a draft already, so they can be edited."),
    ],
)
def test_a_change_from_the_wrong_status_is_refused_and_writes_nothing(
    officer, change, before, message
):
    meeting = held_meeting(status=before)
    with pytest.raises(MinutesStatusError, match=message):
        change(meeting, officer)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.version) == (before, 1)
    assert not MeetingStatusChange.objects.exists()


@pytest.mark.parametrize(
    "change, user, before",
    [
        (approve, "force_user", DRAFT),
        (approve, "no_role_user", DRAFT),
        (publish, "commissioner", APPROVED),
        (publish, "force_user", APPROVED),
        (reopen, "commissioner", APPROVED),
        (reopen, "force_user", PUBLISHED),
    ],
)
def test_a_change_by_the_wrong_role_is_refused_and_writes_nothing(request, change, user, before):
    meeting = held_meeting(status=before)
    with pytest.raises(MinutesStatusError, match="Only "):
        change(meeting, request.getfixturevalue(user))
    meeting.refresh_from_db()
    assert meeting.status == before
    assert not MeetingStatusChange.objects.exists()


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reopening_needs_a_reason(officer, reason):
    meeting = held_meeting(status=PUBLISHED)
    with pytest.raises(MinutesStatusError, match="Enter the reason the minutes are being reopened"):
        reopen(meeting, officer, reason=reason)
    meeting.refresh_from_db()
    assert meeting.status == PUBLISHED
    assert not MeetingStatusChange.objects.exists()


def test_the_reopening_reason_is_kept(officer):
    meeting = held_meeting(status=APPROVED)
    reopen(meeting, officer, reason="  Item 2's assurance level was wrong.  ")
    assert MeetingStatusChange.objects.get().reason == "Item 2's assurance level was wrong."


def test_the_status_is_decided_on_the_database_not_a_stale_object(officer, commissioner):
    meeting = held_meeting(status=DRAFT)
    stale_copy = Meeting.objects.get(pk=meeting.pk)
    approve(meeting, officer)
    with pytest.raises(MinutesStatusError, match="already been approved"):
        approve(stale_copy, commissioner)
    assert MeetingStatusChange.objects.count() == 1


def test_an_edit_form_loaded_before_approval_and_reopening_is_stale(client, officer):
    meeting = held_meeting(status=DRAFT, venue="Hindlip HQ")
    url = reverse("meetings:edit", args=[meeting.pk])
    client.force_login(officer)
    loaded_version = meeting.version
    approve(meeting, officer)
    reopen(meeting, officer)
    data = {
        "series": meeting.series_id,
        "title": meeting.title,
        "date": meeting.date.isoformat(),
        "venue": "Changed while approved",
        "version": loaded_version,
        "attendance-TOTAL_FORMS": "0",
        "attendance-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert "Someone else saved a change to this meeting" in page_text(response)
    meeting.refresh_from_db()
    assert meeting.venue == "Hindlip HQ"


# The views: who may, and what they do


def approve_url(meeting):
    return reverse("meetings:approve", args=[meeting.pk])


def publish_url(meeting):
    return reverse("meetings:publish", args=[meeting.pk])


def reopen_url(meeting):
    return reverse("meetings:reopen", args=[meeting.pk])


REASON = {"reason": "The minutes named the wrong ACC."}

# view → the status it starts from, the POST data, the status it leads to
VIEWS = {
    "approve": (approve_url, DRAFT, {}, APPROVED),
    "publish": (publish_url, APPROVED, {}, PUBLISHED),
    "reopen": (reopen_url, PUBLISHED, REASON, DRAFT),
}
ALLOWED = {
    "approve": {"officer", "commissioner"},
    "publish": {"officer"},
    "reopen": {"officer"},
}
USERS = ["officer", "commissioner", "force_user", "no_role_user"]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("user", USERS)
def test_each_status_change_is_open_only_to_its_roles(client, request, view, user):
    url, before, data, after = VIEWS[view]
    meeting = held_meeting(status=before)
    client.force_login(request.getfixturevalue(user))

    response = client.post(url(meeting), data)

    meeting.refresh_from_db()
    if user in ALLOWED[view]:
        assert response.status_code == 302
        assert response.url == meeting.get_absolute_url()
        assert meeting.status == after
        assert MeetingStatusChange.objects.count() == 1
    else:
        assert response.status_code == 403
        assert meeting.status == before
        assert not MeetingStatusChange.objects.exists()


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_visitors_are_sent_to_log_in_from_the_status_changes(client, view):
    url, before, data, _after = VIEWS[view]
    meeting = held_meeting(status=before)
    response = client.post(url(meeting), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))
    meeting.refresh_from_db()
    assert meeting.status == before


def test_approve_only_accepts_post(client, officer):
    meeting = held_meeting(status=DRAFT)
    client.force_login(officer)
    assert client.get(approve_url(meeting)).status_code == 405
    assert not MeetingStatusChange.objects.exists()


def test_publish_accepts_only_get_to_confirm_and_post_to_publish(client, officer):
    meeting = held_meeting(status=APPROVED)
    client.force_login(officer)
    assert client.put(publish_url(meeting)).status_code == 405
    assert client.get(publish_url(meeting)).status_code == 200
    meeting.refresh_from_db()
    assert meeting.status == APPROVED
    assert not MeetingStatusChange.objects.exists()


def test_a_status_change_of_a_meeting_that_does_not_exist_is_not_found(client, officer):
    client.force_login(officer)
    assert client.post(reverse("meetings:approve", args=[999999])).status_code == 404


def test_a_refused_change_goes_back_to_the_meeting_saying_why(client, officer):
    meeting = held_meeting(status=DRAFT)
    client.force_login(officer)
    response = client.post(publish_url(meeting), follow=True)
    assert "These minutes are still a draft: approve them before publishing them." in page_text(
        response
    )
    meeting.refresh_from_db()
    assert meeting.status == DRAFT
    assert not MeetingStatusChange.objects.exists()


def test_the_reopen_page_asks_for_the_reason(client, officer):
    meeting = held_meeting(status=PUBLISHED)
    client.force_login(officer)
    response = client.get(reopen_url(meeting))
    assert response.status_code == 200
    assert "Why are the minutes being reopened?" in page_text(response)
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


@pytest.mark.parametrize("user", ["commissioner", "force_user", "no_role_user"])
def test_only_officers_may_open_the_reopen_page(client, request, user):
    meeting = held_meeting(status=PUBLISHED)
    client.force_login(request.getfixturevalue(user))
    assert client.get(reopen_url(meeting)).status_code == 403


def test_reopening_without_a_reason_is_refused_with_the_error_summary(client, officer):
    meeting = held_meeting(status=APPROVED)
    client.force_login(officer)
    response = client.post(reopen_url(meeting), {"reason": "  "})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert '<a href="#id_reason">Enter the reason the minutes are being reopened</a>' in body
    assert "<title>Error: " in body
    meeting.refresh_from_db()
    assert meeting.status == APPROVED
    assert not MeetingStatusChange.objects.exists()


def test_reopening_a_draft_goes_back_to_the_meeting(client, officer):
    meeting = held_meeting(status=DRAFT)
    client.force_login(officer)
    response = client.post(reopen_url(meeting), REASON, follow=True)
    assert "These minutes are a draft already, so they can be edited." in page_text(response)
    assert not MeetingStatusChange.objects.exists()


# The meeting page: the toolbar and the history


def history_of(meeting, officer, commissioner):
    """Approved, reopened with a reason, approved and published again."""
    meeting_approve(meeting=meeting, user=commissioner)
    meeting_reopen(meeting=meeting, user=officer, reason="The <b>venue</b> was wrong.")
    meeting_approve(meeting=meeting, user=officer)
    meeting_publish(meeting=meeting, user=officer)


def test_the_meeting_page_shows_officers_the_history_with_the_reasons(
    client, officer, commissioner
):
    meeting = held_meeting(status=DRAFT)
    history_of(meeting, officer, commissioner)
    client.force_login(officer)
    response = client.get(meeting.get_absolute_url())
    text = page_text(response)
    assert "History" in text
    assert "pcc Draft → to Approved" in text
    assert "officer Approved → to Draft The <b>venue</b> was wrong." in text
    assert "officer Approved → to Published" in text
    assert "&lt;b&gt;venue&lt;/b&gt;" in response.content.decode()  # escaped


def test_the_meeting_page_shows_the_commissioner_the_history(client, officer, commissioner):
    meeting = held_meeting(status=DRAFT)
    history_of(meeting, officer, commissioner)
    client.force_login(commissioner)
    assert 'id="history-heading"' in client.get(meeting.get_absolute_url()).content.decode()


def test_force_users_do_not_see_the_history_or_the_tools(client, officer, commissioner, force_user):
    meeting = held_meeting(status=DRAFT)
    history_of(meeting, officer, commissioner)
    client.force_login(force_user)
    response = client.get(meeting.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="history-heading"' not in body
    assert "The &lt;b&gt;venue&lt;/b&gt; was wrong." not in body
    assert "meeting-toolbar" not in body


def test_the_toolbar_offers_officers_what_they_can_do_with_a_draft(client, officer):
    meeting = held_meeting(status=DRAFT)
    client.force_login(officer)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{reverse("meetings:edit", args=[meeting.pk])}"' in body
    assert f'action="{approve_url(meeting)}"' in body
    assert publish_url(meeting) not in body
    assert f'href="{reopen_url(meeting)}"' not in body


def test_the_toolbar_offers_officers_publishing_and_reopening_of_approved_minutes(client, officer):
    meeting = held_meeting(status=APPROVED)
    client.force_login(officer)
    body = client.get(meeting.get_absolute_url()).content.decode()
    # Publishing is a link to the page that shows what will become public, not a button.
    assert f'href="{publish_url(meeting)}"' in body
    assert f'action="{publish_url(meeting)}"' not in body
    assert f'href="{reopen_url(meeting)}"' in body
    assert f'href="{reverse("meetings:edit", args=[meeting.pk])}"' not in body
    assert f'action="{approve_url(meeting)}"' not in body


def test_the_toolbar_offers_the_commissioner_approval_only(client, commissioner):
    draft, approved = held_meeting(status=DRAFT), held_meeting(status=APPROVED)
    client.force_login(commissioner)
    body = client.get(draft.get_absolute_url()).content.decode()
    assert f'action="{approve_url(draft)}"' in body
    assert f'href="{reverse("meetings:edit", args=[draft.pk])}"' not in body
    assert "meeting-toolbar" not in client.get(approved.get_absolute_url()).content.decode()


def test_the_history_costs_the_same_queries_however_long_it_is(
    client, officer, commissioner, captured_queries, django_assert_num_queries
):
    meeting = held_meeting(status=DRAFT)
    client.force_login(officer)
    meeting_approve(meeting=meeting, user=officer)
    meeting_reopen(meeting=meeting, user=officer, reason="Once.")
    render(client, meeting.get_absolute_url())  # warm the session
    with captured_queries() as queries:
        render(client, meeting.get_absolute_url())
    short = len(queries)
    for _ in range(5):
        history_of(meeting, officer, commissioner)
        meeting_reopen(meeting=meeting, user=officer, reason="Again.")
    assert meeting.status_changes.count() == 27
    with django_assert_num_queries(short):
        render(client, meeting.get_absolute_url())


# Guard rails: approval is refused while the minutes lack what minutes must have


NO_ATTENDANCE = "No attendance has been recorded: add who attended on the meeting form."
NO_ITEMS = "The minutes have no agenda items: add them on the agenda page."


def test_minutes_with_no_attendance_cannot_be_approved(officer):
    meeting = factories.MeetingFactory(date=HELD_ON)
    factories.AgendaItemFactory(meeting=meeting)
    with pytest.raises(MinutesStatusError) as refusal:
        approve(meeting, officer)
    assert str(refusal.value) == NO_ATTENDANCE
    meeting.refresh_from_db()
    assert (meeting.status, meeting.version) == (DRAFT, 1)
    assert not MeetingStatusChange.objects.exists()
    assert not ApprovedMinutes.objects.exists()


def test_minutes_with_no_agenda_items_cannot_be_approved(officer):
    meeting = factories.MeetingFactory(date=HELD_ON)
    factories.AttendanceFactory(meeting=meeting)
    with pytest.raises(MinutesStatusError) as refusal:
        approve(meeting, officer)
    assert str(refusal.value) == NO_ITEMS
    meeting.refresh_from_db()
    assert meeting.status == DRAFT
    assert not ApprovedMinutes.objects.exists()


def test_the_minutes_of_a_meeting_not_yet_held_cannot_be_approved(officer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meeting = held_meeting(date=tomorrow)
    with pytest.raises(MinutesStatusError) as refusal:
        approve(meeting, officer)
    day = date_format(tomorrow, "j F Y")
    assert str(refusal.value) == (
        f"The meeting is on {day}: minutes can be approved once it has been held."
    )
    meeting.refresh_from_db()
    assert meeting.status == DRAFT
    assert not MeetingStatusChange.objects.exists()


def test_the_minutes_of_a_meeting_held_today_can_be_approved(officer):
    meeting = held_meeting(date=timezone.localdate())
    approve(meeting, officer)
    meeting.refresh_from_db()
    assert meeting.status == APPROVED


def test_every_problem_is_named_at_once(officer):
    meeting = factories.MeetingFactory(date=timezone.localdate() + datetime.timedelta(days=30))
    with pytest.raises(MinutesStatusError) as refusal:
        approve(meeting, officer)
    message = str(refusal.value)
    assert "minutes can be approved once it has been held" in message
    assert NO_ATTENDANCE in message
    assert NO_ITEMS in message


def test_a_refused_approval_goes_back_to_the_meeting_naming_what_is_missing(client, officer):
    meeting = factories.MeetingFactory(date=HELD_ON)
    client.force_login(officer)
    response = client.post(approve_url(meeting), follow=True)
    assert response.redirect_chain == [(meeting.get_absolute_url(), 302)]
    text = page_text(response)
    assert NO_ATTENDANCE in text
    assert NO_ITEMS in text
    assert "The minutes have been approved" not in text
    meeting.refresh_from_db()
    assert meeting.status == DRAFT
    assert not MeetingStatusChange.objects.exists()


def test_approving_stores_what_the_minutes_show(officer):
    meeting = held_meeting(status=DRAFT)
    approve(meeting, officer)
    content = ApprovedMinutes.objects.get(meeting=meeting).content
    assert [item["title"] for item in content["items"]] == ["Call handling"]
    assert len(content["attendees"]) == 1


def test_reopening_drops_the_stored_minutes(officer):
    meeting = held_meeting(status=DRAFT)
    approve(meeting, officer)
    reopen(meeting, officer)
    assert not ApprovedMinutes.objects.filter(meeting=meeting).exists()


# The publish confirmation page: what will become public, and what will be left out


@pytest.fixture
def to_publish(officer):
    """Approved minutes of 29 November 2022 with two items (one restricted, with a sub-item),
    actions arising, and outstanding matters reviewing actions of a published meeting (one
    from a restricted item) and of a meeting whose minutes are still a draft."""
    cc = factories.OfficeFactory(abbreviation="CC", title="Chief Constable")
    published = factories.MeetingFactory(date=datetime.date(2022, 9, 27), status=PUBLISHED)
    published_item = factories.AgendaItemFactory(
        meeting=published, position=1, title="Victim satisfaction"
    )
    private_item = factories.AgendaItemFactory(
        meeting=published,
        position=2,
        title="Operation Bluebell",
        restricted=True,
        restricted_reason="A live investigation.",
    )
    published_action = factories.ActionFactory(
        origin_item=published_item,
        reference="2022-09-01",
        description="Share the victim survey results.",
        owners=[cc],
    )
    private_action = factories.ActionFactory(
        origin_item=private_item,
        reference="2022-09-02",
        description="Brief the PCC on Operation Bluebell.",
        owners=[cc],
    )
    draft = factories.MeetingFactory(date=datetime.date(2022, 10, 25), status=DRAFT)
    draft_action = factories.ActionFactory(
        origin_item=factories.AgendaItemFactory(meeting=draft, position=1, title="Response times"),
        reference="2022-10-01",
        description="Review the rural response times.",
        owners=[cc],
    )

    meeting = factories.MeetingFactory(
        date=HELD_ON, title="Monthly Assurance Meeting November 2022"
    )
    factories.AttendanceFactory(meeting=meeting)
    factories.AgendaItemFactory(
        meeting=meeting, position=1, title="Outstanding matters", kind="outstanding", minutes=""
    )
    calls = factories.AgendaItemFactory(meeting=meeting, position=2, title="Call handling")
    factories.AgendaItemFactory(meeting=meeting, parent=calls, position=1, title="Abandoned calls")
    factories.ActionFactory(
        origin_item=calls,
        reference="2022-11-01",
        description="Publish the 101 abandonment rate.",
        owners=[cc],
    )
    private = factories.AgendaItemFactory(
        meeting=meeting,
        position=3,
        title="Vetting of officers",
        restricted=True,
        restricted_reason="Personal information about named officers.",
    )
    factories.AgendaItemFactory(meeting=meeting, parent=private, position=1, title="Case reviews")
    for action in (published_action, private_action, draft_action):
        factories.ActionUpdateFactory(action=action, meeting=meeting, note="An update.")
    meeting_approve(meeting=meeting, user=officer)
    return meeting


def test_the_publish_page_shows_what_will_become_public(client, officer, to_publish):
    client.force_login(officer)
    response = client.get(publish_url(to_publish))
    assert response.status_code == 200
    text = page_text(response)

    published = text.split("What will be published", 1)[1].split("Items withheld", 1)[0]
    assert "1 Outstanding matters" in published
    assert "2 Call handling" in published
    assert "2.1 Abandoned calls" in published
    assert "2022-11-01 Publish the 101 abandonment rate. CC" in published
    assert "3 Item taken in private" in published
    assert "Vetting of officers" not in published
    assert "Case reviews" not in published
    outstanding = published.split("Outstanding matters that will be published", 1)[1]
    assert "arising from the September 2022 meeting" in outstanding
    assert "2022-09-01 Share the victim survey results." in outstanding
    assert "2022-09-02" not in outstanding
    assert "2022-10-01" not in outstanding


def test_the_publish_page_shows_the_items_withheld_and_why(client, officer, to_publish):
    client.force_login(officer)
    text = page_text(client.get(publish_url(to_publish)))
    withheld = text.split("Items withheld from publication", 1)[1].split("left out", 1)[0]
    assert "3 Vetting of officers Personal information about named officers." in withheld
    assert "3.1 Case reviews It is inside item 3, which is withheld." in withheld


def test_the_publish_page_shows_the_reviewed_actions_left_out_and_why(client, officer, to_publish):
    client.force_login(officer)
    text = page_text(client.get(publish_url(to_publish)))
    left_out = text.split("Outstanding matters that will be left out", 1)[1]
    assert (
        "From the October 2022 meeting: The minutes of the October 2022 meeting are not "
        "published. Reference Action 2022-10-01 Review the rural response times."
    ) in left_out
    assert (
        "From the September 2022 meeting: The agenda item they arose at was taken in private. "
        "Reference Action 2022-09-02 Brief the PCC on Operation Bluebell."
    ) in left_out
    assert "2022-09-01" not in left_out


def test_the_publish_page_asks_to_confirm_with_a_post_form(client, officer, to_publish):
    client.force_login(officer)
    body = client.get(publish_url(to_publish)).content.decode()
    form = body.split(f'<form method="post" action="{publish_url(to_publish)}"', 1)[1]
    form = form.split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<button type="submit" class="btn btn-success">Publish the minutes</button>' in form
    to_publish.refresh_from_db()
    assert to_publish.status == APPROVED  # looking is not publishing


def test_confirming_publishes_the_minutes(client, officer, to_publish):
    client.force_login(officer)
    response = client.post(publish_url(to_publish), follow=True)
    assert "The minutes have been published." in page_text(response)
    to_publish.refresh_from_db()
    assert to_publish.status == PUBLISHED
    assert to_publish.published_pdfs.count() == 1


def test_the_publish_page_with_nothing_withheld_or_left_out_says_so(client, officer):
    meeting = held_meeting(status=DRAFT)
    approve(meeting, officer)
    client.force_login(officer)
    text = page_text(client.get(publish_url(meeting)))
    assert "No items are withheld: every item will be published." in text
    assert "None: every action reviewed at the meeting will be published." in text
    assert "No actions from earlier meetings will be published with these minutes." in text


@pytest.mark.parametrize(
    "status, message",
    [
        (DRAFT, "These minutes are still a draft: approve them before publishing them."),
        (PUBLISHED, "These minutes have already been published."),
    ],
)
def test_the_publish_page_of_minutes_that_cannot_be_published_goes_back_saying_why(
    client, officer, status, message
):
    meeting = held_meeting(status=status)
    client.force_login(officer)
    response = client.get(publish_url(meeting), follow=True)
    assert response.redirect_chain == [(meeting.get_absolute_url(), 302)]
    assert message in page_text(response)


@pytest.mark.parametrize("user", ["commissioner", "force_user", "no_role_user"])
def test_only_officers_may_open_the_publish_page(client, request, user, to_publish):
    client.force_login(request.getfixturevalue(user))
    assert client.get(publish_url(to_publish)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in_from_the_publish_page(client, to_publish):
    response = client.get(publish_url(to_publish))
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


def test_the_publish_page_of_a_meeting_that_does_not_exist_is_not_found(client, officer):
    client.force_login(officer)
    assert client.get(reverse("meetings:publish", args=[999999])).status_code == 404


def test_the_publish_page_costs_the_same_queries_however_long_the_minutes(
    client, officer, captured_queries, django_assert_num_queries
):
    cc = factories.OfficeFactory(abbreviation="CC", title="Chief Constable")

    def approved_meeting(size):
        """Minutes of ``size`` items with an action each, reviewing ``size`` actions of a
        published meeting and ``size`` of a draft one; a series each, so that neither reviews
        the other's actions."""
        series = factories.SeriesFactory()
        for day, status in ((4, PUBLISHED), (18, DRAFT)):
            earlier = factories.MeetingFactory(
                series=series, date=datetime.date(2022, 10, day), status=status
            )
            for position in range(1, size + 1):
                item = factories.AgendaItemFactory(meeting=earlier, position=position)
                factories.ActionFactory(origin_item=item, owners=[cc])
        meeting = factories.MeetingFactory(series=series, date=HELD_ON)
        factories.AttendanceFactory(meeting=meeting)
        for position in range(1, size + 1):
            item = factories.AgendaItemFactory(
                meeting=meeting, position=position, restricted=position == 2, restricted_reason="x"
            )
            factories.ActionFactory(origin_item=item, owners=[cc])
        approve(meeting, officer)
        return meeting

    short, long = approved_meeting(2), approved_meeting(12)
    client.force_login(officer)
    client.get(publish_url(short))  # warm the session

    def read(meeting):
        response = client.get(publish_url(meeting))
        assert response.status_code == 200
        assert "The minutes of the October 2022 meeting are not published." in page_text(response)

    with captured_queries() as queries:
        read(long)
    long_cost = len(queries)
    with django_assert_num_queries(long_cost):
        read(short)
