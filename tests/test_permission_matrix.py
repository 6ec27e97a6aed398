"""Who may open every URL of the product: the single place a new URL must be added to.

Each row names a URL, how to call it, and the status each kind of user gets: anonymous, an OPCC
officer, the Commissioner, a force user acting for the action's owner office, and a force user
acting for another office. `test_every_url_is_in_the_matrix` fails when a URL is missing here.
"""

import pytest
from django.urls import reverse

from assurance import roles
from meetings.models import Meeting, Person
from tests import factories
from tests.test_login_required import named_patterns

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "opcc", "commissioner", "force_own", "force_other"]
LOGIN = "login"  # a redirect to the login page


def row(name, method, args, anonymous, opcc, commissioner, force_own, force_other, data=None):
    expected = dict(
        zip(ROLES, [anonymous, opcc, commissioner, force_own, force_other], strict=True)
    )
    return pytest.param(name, method, args, data or {}, expected, id=name)


def action_rows(action):
    """The action page, its change of status and its note, for the action ``action`` names."""
    start = {"status-transition": "start", "status-expected_status": "open"}
    return [
        row("actions:detail", "get", [action], LOGIN, 200, 200, 200, 200),
        row("actions:transition", "post", [action], LOGIN, 302, 403, 302, 403, data=start),
        row(
            "actions:note", "post", [action], LOGIN, 302, 302, 302, 403, data={"note-note": "Done."}
        ),
    ]


# args name records made by the `records` fixture: draft/approved meetings, their items, the
# action (owned by CC, raised in the approved minutes), a series.
MATRIX = [
    row("home", "get", [], LOGIN, 200, 200, 200, 200),
    row("login", "get", [], 200, 200, 200, 200, 200),
    row("logout", "post", [], 302, 302, 302, 302, 302),
    row("keep_alive", "get", [], LOGIN, 204, 204, 204, 204),
    # Open to monitors without signing in; it tells anyone only "ok" or "unhealthy".
    row("health", "get", [], 200, 200, 200, 200, 200),
    row("password_change", "get", [], LOGIN, 200, 200, 200, 200),
    row("password_change_done", "get", [], LOGIN, 200, 200, 200, 200),
    row("meetings:list", "get", [], LOGIN, 200, 200, 200, 200),
    row("meetings:detail", "get", ["approved"], LOGIN, 200, 200, 200, 200),
    row("meetings:create", "get", [], LOGIN, 200, 403, 403, 403),
    row("meetings:edit", "get", ["draft"], LOGIN, 200, 403, 403, 403),
    row("meetings:approve", "post", ["draft"], LOGIN, 302, 302, 403, 403),
    row("meetings:publish", "post", ["approved"], LOGIN, 302, 403, 403, 403),
    row("meetings:reopen", "get", ["approved"], LOGIN, 200, 403, 403, 403),
    row("meetings:agenda", "get", ["draft"], LOGIN, 200, 403, 403, 403),
    row("meetings:item_create", "get", ["draft"], LOGIN, 200, 403, 403, 403),
    row("meetings:item_edit", "get", ["draft", "draft_item"], LOGIN, 200, 403, 403, 403),
    row(
        "meetings:item_move",
        "post",
        ["draft", "draft_item"],
        LOGIN,
        302,
        403,
        403,
        403,
        data={"move": "down"},
    ),
    row("meetings:item_delete", "get", ["draft", "draft_item"], LOGIN, 200, 403, 403, 403),
    *action_rows("action"),
    # An action a person owns: force_own is that person's delegate (their staff officer).
    *action_rows("person_action"),
    row("actions:outstanding", "get", ["draft"], LOGIN, 200, 403, 403, 403),
    row("actions:log", "get", [], LOGIN, 200, 200, 200, 200),
    row("meetings:pdf", "get", ["approved"], LOGIN, 200, 200, 200, 200),
    row("public:list", "get", [], 200, 200, 200, 200, 200),
    row("public:detail", "get", ["published"], 200, 200, 200, 200, 200),
    row("public:pdf", "get", ["published"], 200, 200, 200, 200, 200),
    row("meetings:search", "get", [], LOGIN, 200, 200, 200, 200),
    row("meetings:calendar", "get", [], LOGIN, 200, 200, 200, 200),
    row("meetings:meeting_ics", "get", ["approved"], LOGIN, 200, 200, 200, 200),
    row("meetings:topics", "get", [], LOGIN, 200, 200, 200, 200),
    row("meetings:topic", "get", ["topic"], LOGIN, 200, 200, 200, 200),
    row("meetings:areas", "get", [], LOGIN, 200, 200, 200, 200),
    row("meetings:area", "get", ["area"], LOGIN, 200, 200, 200, 200),
    row("actions:export", "get", [], LOGIN, 200, 200, 200, 200),
    row("meetings:series_list", "get", [], LOGIN, 200, 403, 403, 403),
    row("meetings:series_create", "get", [], LOGIN, 200, 403, 403, 403),
    row("meetings:series_edit", "get", ["series"], LOGIN, 200, 403, 403, 403),
    row("meetings:previous_minutes", "get", ["later_draft"], LOGIN, 200, 403, 403, 403),
    row("meetings:directory_people", "get", [], LOGIN, 200, 403, 403, 403),
    row("meetings:directory_person_create", "get", [], LOGIN, 200, 403, 403, 403),
    row("meetings:directory_person_edit", "get", ["person"], LOGIN, 200, 403, 403, 403),
    row("meetings:directory_offices", "get", [], LOGIN, 200, 403, 403, 403),
    row("meetings:directory_office_create", "get", [], LOGIN, 200, 403, 403, 403),
    row("meetings:directory_office_edit", "get", ["office"], LOGIN, 200, 403, 403, 403),
]


@pytest.fixture
def records():
    cc = factories.OfficeFactory(abbreviation="CC", title="Chief Constable")
    draft_item = factories.AgendaItemFactory(
        meeting__status=Meeting.Status.DRAFT, title="Draft item"
    )
    factories.AgendaItemFactory(meeting=draft_item.meeting, title="Second draft item")
    approved_item = factories.AgendaItemFactory(meeting__status=Meeting.Status.APPROVED)
    action = factories.ActionFactory(origin_item=approved_item, owners=[cc])
    # Owned by a person who holds no office, so only their delegates act for them.
    chief_officer = factories.PersonFactory(name="Dana Whitlock", initials="DW", office=None)
    person_action = factories.ActionFactory(origin_item=approved_item, owners=[chief_officer])
    return {
        "draft": draft_item.meeting.pk,
        "draft_item": draft_item.pk,
        "approved": approved_item.meeting.pk,
        "action": action.pk,
        "person_action": person_action.pk,
        "published": factories.MeetingFactory(status=Meeting.Status.PUBLISHED).pk,
        "topic": factories.TopicFactory(slug="call-handling").slug,
        "area": factories.LocalPolicingAreaFactory(slug="shropshire").slug,
        "series": factories.SeriesFactory().pk,
        # A draft with a meeting before it in its series, whose minutes it approves.
        "later_draft": factories.MeetingFactory(series=draft_item.meeting.series).pk,
        "person": factories.PersonFactory(office=cc).pk,
        "office": cc.pk,
    }


def user_for(role):
    if role == "anonymous":
        return None
    group = {"force_own": roles.FORCE, "force_other": roles.FORCE}.get(role, role)
    user = factories.UserFactory(username=role, groups=[group])
    if role == "force_own":
        factories.OfficeFactory(abbreviation="CC").delegates.add(user)
        Person.objects.get(initials="DW").delegates.add(user)
    if role == "force_other":
        factories.OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable").delegates.add(
            user
        )
    return user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "args", "data", "expected"), MATRIX)
def test_who_may_open_each_url(client, records, role, name, method, args, data, expected):
    user = user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=[records[arg] for arg in args])
    response = getattr(client, method)(url, data)
    if expected[role] == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected[role], response.content[:300]


def test_every_url_is_in_the_matrix():
    in_matrix = {param.values[0] for param in MATRIX}
    assert {name for name, _pattern in named_patterns()} == in_matrix
