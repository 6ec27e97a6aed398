"""The page cache (assurance.caching): pages are served from it between changes, never after one,
and never to a user it was not rendered for."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from actions.models import Action, Status
from actions.workflow import action_add_note
from assurance import caching, roles
from assurance.models import ContentVersion
from meetings.models import AgendaItem, Meeting
from minutes.publishing import meeting_approve, meeting_reopen
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def get(client, url):
    """The page's HTML."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def as_if_changed_by_another_process(monkeypatch, change):
    """Make ``change`` and commit it, then forget that this process made it: only the content
    version in the database can tell this process's cache about it, as for a change made by
    another gunicorn worker."""
    before = caching._local_version
    change()
    monkeypatch.setattr(caching, "_local_version", before)


@pytest.fixture
def action(db):
    meeting = MeetingFactory(status=Meeting.Status.APPROVED, date=datetime.date(2022, 3, 1))
    return ActionFactory(
        origin_item=AgendaItemFactory(meeting=meeting), reference="2022-03-01", status=Status.OPEN
    )


def test_the_dashboard_is_served_from_the_cache_until_an_action_changes(
    client, officer, action, captured_queries
):
    client.force_login(officer)
    get(client, reverse("home"))  # the session is warmed
    cache.clear()
    with captured_queries() as queries:
        get(client, reverse("home"))
    rendering = len(queries)
    with captured_queries() as queries:
        again = client.get(reverse("home")).content.decode()
    # The session, the user, the groups and the content version: nothing about actions.
    assert len(queries) < rendering
    assert not [query for query in queries if "actions_" in query["sql"]]
    assert "Budget figures shared" not in again

    action_add_note(action_id=action.pk, user=officer, note="Budget figures shared")

    after = get(client, reverse("home"))
    assert "Budget figures shared" in after


def test_a_change_committed_by_another_process_reaches_a_cached_dashboard(
    client, officer, action, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    assert "Budget figures shared" not in get(client, reverse("home"))
    version = caching.content_version()

    def change():
        with django_capture_on_commit_callbacks(execute=True):
            action_add_note(action_id=action.pk, user=officer, note="Budget figures shared")

    as_if_changed_by_another_process(monkeypatch, change)

    assert caching.content_version() > version
    assert "Budget figures shared" in get(client, reverse("home"))


def test_an_uncommitted_change_elsewhere_leaves_the_cached_page_alone(
    client, officer, action, monkeypatch
):
    """The other side of the test above: without the commit's raise of the content version the
    cached page is served, so that test would fail if the raise were lost."""
    client.force_login(officer)
    get(client, reverse("home"))
    as_if_changed_by_another_process(
        monkeypatch,
        lambda: action_add_note(action_id=action.pk, user=officer, note="Budget figures shared"),
    )
    assert "Budget figures shared" not in get(client, reverse("home"))


def test_each_user_has_their_own_dashboard(client, commissioner, force_user):
    draft = MeetingFactory(status=Meeting.Status.DRAFT, date=datetime.date(2022, 5, 3))
    ActionFactory(origin_item=AgendaItemFactory(meeting=draft), reference="2022-05-DRAFT")
    client.force_login(commissioner)
    assert "2022-05-DRAFT" in get(client, reverse("home"))

    client.force_login(force_user)
    assert "2022-05-DRAFT" not in get(client, reverse("home"))


def test_the_filters_are_part_of_what_is_cached(client, officer, action):
    ActionFactory(origin_item=action.origin_item, reference="2022-03-02", description="Drones")
    client.force_login(officer)
    everything = get(client, reverse("home"))
    drones = get(client, reverse("home") + "?q=Drones")
    assert "2022-03-01" in everything and "2022-03-02" in everything
    assert "2022-03-02" in drones and "2022-03-01" not in drones


def test_the_minutes_follow_an_edit_and_differ_by_role(client, officer, force_user):
    # Draft minutes are built from the records, so an edit shows at once; approved ones are
    # read as they were stored when approved.
    meeting = MeetingFactory(date=datetime.date(2022, 3, 1))
    AttendanceFactory(meeting=meeting)
    item = AgendaItemFactory(meeting=meeting, title="Road safety")
    client.force_login(officer)
    officers_page = get(client, meeting.get_absolute_url())
    assert 'id="change-history"' in officers_page and "Road safety" in officers_page

    item.title = "Hate crime"
    item.save()
    assert "Hate crime" in get(client, meeting.get_absolute_url())

    meeting_approve(meeting=meeting, user=officer)
    approved_page = get(client, meeting.get_absolute_url())
    assert approved_page != officers_page and "Hate crime" in approved_page

    client.force_login(force_user)
    forces_page = get(client, meeting.get_absolute_url())
    assert "Hate crime" in forces_page
    assert 'id="change-history"' not in forces_page


def test_published_minutes_are_cached_and_gone_once_reopened(client, officer, captured_queries):
    meeting = MeetingFactory(status=Meeting.Status.PUBLISHED)
    AgendaItemFactory(meeting=meeting, title="Road safety")
    url = reverse("public:detail", args=[meeting.pk])
    with captured_queries() as queries:
        first = get(client, url)
    rendering = len(queries)
    with captured_queries() as queries:
        again = get(client, url)
    serving = len(queries)
    assert "Road safety" in again and again == first
    assert serving < rendering

    meeting_reopen(meeting=meeting, user=officer, reason="A correction to item 1.")
    assert client.get(url).status_code == 404


def test_writes_that_send_no_save_signal_still_change_the_content(db):
    meeting = MeetingFactory()
    before = caching._local_version
    AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, title="Bulk", position=1)])
    assert caching._local_version != before


def test_signing_in_leaves_the_content_as_it_was(client, django_capture_on_commit_callbacks):
    user = UserFactory(username="reader", groups=[roles.OPCC])
    user.set_password("a long enough password")
    user.save()
    version, local = caching.content_version(), caching._local_version
    with django_capture_on_commit_callbacks(execute=True):
        assert client.login(username="reader", password="a long enough password")
    assert (caching.content_version(), caching._local_version) == (version, local)


def test_a_change_of_role_changes_the_content(db, django_capture_on_commit_callbacks):
    user = UserFactory(username="reader")
    version = caching.content_version()
    with django_capture_on_commit_callbacks(execute=True):
        user.groups.add(Group.objects.get(name=roles.FORCE))
    assert caching.content_version() == version + 1


def test_the_content_version_starts_again_after_its_row_is_lost(db):
    ContentVersion.objects.all().delete()
    assert caching.content_version() == 0
    caching._raise_committed_version()
    assert caching.content_version() == 1
    assert Action.objects.count() == 0  # nothing else was touched


def test_the_action_log_is_kept_until_an_action_is_added(client, officer, action, captured_queries):
    client.force_login(officer)
    assert "2022-03-01" in get(client, reverse("actions:log"))
    with captured_queries() as queries:
        client.get(reverse("actions:log"))
    assert not [query for query in queries if "actions_" in query["sql"]]

    ActionFactory(origin_item=action.origin_item, reference="2022-03-02")
    assert "2022-03-02" in get(client, reverse("actions:log"))


def test_a_restored_database_is_not_served_pages_kept_before_the_restore(
    client, officer, action, monkeypatch
):
    ContentVersion.objects.update_or_create(pk=1, defaults={"value": 41})
    client.force_login(officer)
    assert "Renamed in the backup" not in get(client, reverse("home"))
    version = caching.content_version()

    def restore():
        # What a restore leaves: the same records but for this one, written without the ORM's
        # signals, and the counter's row made again with the count it had (a backup leaves it out).
        Action.objects.filter(pk=action.pk).update(description="Renamed in the backup")
        ContentVersion.objects.all().delete()
        ContentVersion.objects.create(pk=1, value=version)

    as_if_changed_by_another_process(monkeypatch, restore)

    assert caching.content_version() == version
    assert "Renamed in the backup" in get(client, reverse("home"))
