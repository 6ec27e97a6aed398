"""Approving, publishing and reopening minutes: who may, from which status, and the history."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting, MeetingStatusChange
from meetings.publishing import (
    MinutesStatusError,
    meeting_approve,
    meeting_publish,
    meeting_reopen,
)
from tests.factories import MeetingFactory
from tests.pages import page_text

pytestmark = pytest.mark.django_db

DRAFT, APPROVED, PUBLISHED = Meeting.Status.DRAFT, Meeting.Status.APPROVED, Meeting.Status.PUBLISHED


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
    meeting = MeetingFactory(status=before)

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
    meeting = MeetingFactory(status=before)
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
    meeting = MeetingFactory(status=before)
    with pytest.raises(MinutesStatusError, match="Only "):
        change(meeting, request.getfixturevalue(user))
    meeting.refresh_from_db()
    assert meeting.status == before
    assert not MeetingStatusChange.objects.exists()


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reopening_needs_a_reason(officer, reason):
    meeting = MeetingFactory(status=PUBLISHED)
    with pytest.raises(MinutesStatusError, match="Enter the reason the minutes are being reopened"):
        reopen(meeting, officer, reason=reason)
    meeting.refresh_from_db()
    assert meeting.status == PUBLISHED
    assert not MeetingStatusChange.objects.exists()


def test_the_reopening_reason_is_kept(officer):
    meeting = MeetingFactory(status=APPROVED)
    reopen(meeting, officer, reason="  Item 2's assurance level was wrong.  ")
    assert MeetingStatusChange.objects.get().reason == "Item 2's assurance level was wrong."


def test_the_status_is_decided_on_the_database_not_a_stale_object(officer, commissioner):
    meeting = MeetingFactory(status=DRAFT)
    stale_copy = Meeting.objects.get(pk=meeting.pk)
    approve(meeting, officer)
    with pytest.raises(MinutesStatusError, match="already been approved"):
        approve(stale_copy, commissioner)
    assert MeetingStatusChange.objects.count() == 1


def test_an_edit_form_loaded_before_approval_and_reopening_is_stale(client, officer):
    meeting = MeetingFactory(status=DRAFT, venue="Hindlip HQ")
    url = reverse("meetings:edit", args=[meeting.pk])
    client.force_login(officer)
    loaded_version = meeting.version
    approve(meeting, officer)
    reopen(meeting, officer)
    data = {
        "kind": meeting.kind,
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
    meeting = MeetingFactory(status=before)
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
    meeting = MeetingFactory(status=before)
    response = client.post(url(meeting), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))
    meeting.refresh_from_db()
    assert meeting.status == before


@pytest.mark.parametrize("url", [approve_url, publish_url])
def test_approve_and_publish_only_accept_post(client, officer, url):
    meeting = MeetingFactory(status=DRAFT)
    client.force_login(officer)
    assert client.get(url(meeting)).status_code == 405
    assert not MeetingStatusChange.objects.exists()


def test_a_status_change_of_a_meeting_that_does_not_exist_is_not_found(client, officer):
    client.force_login(officer)
    assert client.post(reverse("meetings:approve", args=[999999])).status_code == 404


def test_a_refused_change_goes_back_to_the_meeting_saying_why(client, officer):
    meeting = MeetingFactory(status=DRAFT)
    client.force_login(officer)
    response = client.post(publish_url(meeting), follow=True)
    assert "These minutes are still a draft: approve them before publishing them." in page_text(
        response
    )
    meeting.refresh_from_db()
    assert meeting.status == DRAFT
    assert not MeetingStatusChange.objects.exists()


def test_the_reopen_page_asks_for_the_reason(client, officer):
    meeting = MeetingFactory(status=PUBLISHED)
    client.force_login(officer)
    response = client.get(reopen_url(meeting))
    assert response.status_code == 200
    assert "Why are the minutes being reopened?" in page_text(response)
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


@pytest.mark.parametrize("user", ["commissioner", "force_user", "no_role_user"])
def test_only_officers_may_open_the_reopen_page(client, request, user):
    meeting = MeetingFactory(status=PUBLISHED)
    client.force_login(request.getfixturevalue(user))
    assert client.get(reopen_url(meeting)).status_code == 403


def test_reopening_without_a_reason_is_refused_with_the_error_summary(client, officer):
    meeting = MeetingFactory(status=APPROVED)
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
    meeting = MeetingFactory(status=DRAFT)
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
    meeting = MeetingFactory(status=DRAFT)
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
    meeting = MeetingFactory(status=DRAFT)
    history_of(meeting, officer, commissioner)
    client.force_login(commissioner)
    assert 'id="history-heading"' in client.get(meeting.get_absolute_url()).content.decode()


def test_force_users_do_not_see_the_history_or_the_tools(client, officer, commissioner, force_user):
    meeting = MeetingFactory(status=DRAFT)
    history_of(meeting, officer, commissioner)
    client.force_login(force_user)
    response = client.get(meeting.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="history-heading"' not in body
    assert "The &lt;b&gt;venue&lt;/b&gt; was wrong." not in body
    assert "meeting-toolbar" not in body


def test_the_toolbar_offers_officers_what_they_can_do_with_a_draft(client, officer):
    meeting = MeetingFactory(status=DRAFT)
    client.force_login(officer)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{reverse("meetings:edit", args=[meeting.pk])}"' in body
    assert f'action="{approve_url(meeting)}"' in body
    assert f'action="{publish_url(meeting)}"' not in body
    assert f'href="{reopen_url(meeting)}"' not in body


def test_the_toolbar_offers_officers_publishing_and_reopening_of_approved_minutes(client, officer):
    meeting = MeetingFactory(status=APPROVED)
    client.force_login(officer)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert f'action="{publish_url(meeting)}"' in body
    assert f'href="{reopen_url(meeting)}"' in body
    assert f'href="{reverse("meetings:edit", args=[meeting.pk])}"' not in body
    assert f'action="{approve_url(meeting)}"' not in body


def test_the_toolbar_offers_the_commissioner_approval_only(client, commissioner):
    draft, approved = MeetingFactory(status=DRAFT), MeetingFactory(status=APPROVED)
    client.force_login(commissioner)
    body = client.get(draft.get_absolute_url()).content.decode()
    assert f'action="{approve_url(draft)}"' in body
    assert f'href="{reverse("meetings:edit", args=[draft.pk])}"' not in body
    assert "meeting-toolbar" not in client.get(approved.get_absolute_url()).content.decode()


def test_the_history_costs_the_same_queries_however_long_it_is(client, officer, commissioner):
    meeting = MeetingFactory(status=DRAFT)
    client.force_login(officer)

    def queries_to_render():
        cache.clear()  # the queries of rendering the page, not of serving it from the cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        return len(queries)

    meeting_approve(meeting=meeting, user=officer)
    meeting_reopen(meeting=meeting, user=officer, reason="Once.")
    queries_to_render()  # warm the session
    short = queries_to_render()
    for _ in range(5):
        history_of(meeting, officer, commissioner)
        meeting_reopen(meeting=meeting, user=officer, reason="Again.")
    assert meeting.status_changes.count() == 27
    assert queries_to_render() == short
