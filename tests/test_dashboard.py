"""The dashboard: its counts and their links, what each role sees, and what it costs."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionOwner, ActionUpdate, Status
from meetings.models import AgendaItem, Meeting, Organisation
from tests import factories
from tests.pages import page_text, render

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def action_at(meeting, **kwargs):
    return factories.ActionFactory(
        origin_item=factories.AgendaItemFactory(meeting=meeting), **kwargs
    )


def references(response) -> list[str]:
    """The references of the actions listed on the page, in order."""
    return [row.action.reference for row in response.context["rows"]]


def tile_counts(response) -> dict[str, int]:
    return {entry.tile.key: entry.count for entry in response.context["tiles"]}


@pytest.fixture
def boundaries(db):
    """One action on each side of each tile's boundary, seen by the OPCC."""
    origin = factories.MeetingFactory(date=days_from_today(-100), status=Meeting.Status.APPROVED)
    next_meeting = factories.MeetingFactory(date=days_from_today(10))
    factories.MeetingFactory(date=days_from_today(40))  # a later meeting is not the next one
    now = timezone.now()
    action_at(origin, reference="DUE-TODAY", due_date=days_from_today(0))
    action_at(origin, reference="DUE-YESTERDAY", due_date=days_from_today(-1))
    action_at(
        origin,
        reference="DUE-BACK-NEXT",
        status=Status.IN_PROGRESS,
        due_date=days_from_today(30),
        due_meeting=next_meeting,
    )
    action_at(
        origin,
        reference="AWAITING",
        status=Status.AWAITING_SIGN_OFF,
        due_date=days_from_today(20),
    )
    action_at(origin, reference="NO-DUE-POINT", due_date=None)
    action_at(origin, reference="DUE-AFTER-NEXT", due_date=days_from_today(11))
    action_at(
        origin,
        reference="CLOSED-89",
        status=Status.CLOSED,
        due_date=days_from_today(-1),
        closed_at=now - 89 * DAY,
    )
    action_at(
        origin,
        reference="CLOSED-91",
        status=Status.CLOSED,
        due_date=days_from_today(-1),
        closed_at=now - 91 * DAY,
    )
    action_at(origin, reference="WITHDRAWN", status=Status.WITHDRAWN, due_date=days_from_today(-1))


EXPECTED_TILES = {
    "outstanding": {
        "DUE-TODAY",
        "DUE-YESTERDAY",
        "DUE-BACK-NEXT",
        "AWAITING",
        "NO-DUE-POINT",
        "DUE-AFTER-NEXT",
    },
    "overdue": {"DUE-YESTERDAY"},
    "awaiting_sign_off": {"AWAITING"},
    "due_next": {"DUE-TODAY", "DUE-YESTERDAY", "DUE-BACK-NEXT"},
    "closed_recently": {"CLOSED-89"},
}


def test_each_tile_counts_the_actions_on_its_side_of_the_boundary(client, officer, boundaries):
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert tile_counts(response) == {key: len(refs) for key, refs in EXPECTED_TILES.items()}


@pytest.mark.parametrize("key", list(EXPECTED_TILES))
def test_each_tile_links_to_a_log_of_exactly_its_actions(client, officer, boundaries, key):
    client.force_login(officer)
    dashboard = client.get(reverse("home"))
    tile = next(entry for entry in dashboard.context["tiles"] if entry.tile.key == key)
    link = f"{reverse('actions:log')}?{tile.tile.query_string}"
    assert f'href="{link.replace("&", "&amp;")}"' in dashboard.content.decode()

    log = client.get(link)
    assert log.context["page_obj"].paginator.count == tile.count
    assert set(references(log)) == EXPECTED_TILES[key]
    assert f"{tile.count} action" in page_text(log)


def test_the_dashboard_lists_outstanding_actions_by_due_date_undated_last(
    client, officer, boundaries
):
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert references(response) == [
        "DUE-YESTERDAY",
        "DUE-TODAY",
        "DUE-AFTER-NEXT",
        "AWAITING",
        "DUE-BACK-NEXT",
        "NO-DUE-POINT",
    ]


def test_overdue_is_said_in_words_with_an_icon_that_has_a_text_alternative(
    client, officer, boundaries
):
    client.force_login(officer)
    response = client.get(reverse("home"), {"overdue": "on"})
    body = response.content.decode()
    assert references(response) == ["DUE-YESTERDAY"]
    assert 'role="img" aria-label="Warning:"' in body
    assert "Warning: Overdue" not in page_text(response)  # the label is not visible text …
    assert "Open Overdue" in page_text(response)  # … the word is


def test_no_next_meeting_means_nothing_is_due_at_it(client, officer):
    action_at(factories.MeetingFactory(date=days_from_today(-30)), due_date=days_from_today(-1))
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert tile_counts(response)["due_next"] == 0
    assert "There is no upcoming meeting to show." in page_text(response)


def test_the_next_meeting_is_the_first_readable_one_from_today(client, force_user):
    factories.MeetingFactory(
        date=days_from_today(-1), status=Meeting.Status.PUBLISHED, title="Yesterday"
    )
    factories.MeetingFactory(
        date=days_from_today(0), status=Meeting.Status.DRAFT, title="Draft today"
    )
    factories.MeetingFactory(
        date=days_from_today(7),
        status=Meeting.Status.APPROVED,
        title="Next week's meeting",
        venue="Hindlip Hall",
        start_time=datetime.time(10, 30),
    )
    factories.MeetingFactory(
        date=days_from_today(14), status=Meeting.Status.APPROVED, title="Fortnight"
    )
    client.force_login(force_user)
    response = client.get(reverse("home"))
    next_meeting = response.context["horizon"].next_meeting
    assert next_meeting.title == "Next week's meeting"
    text = page_text(response)
    assert "Monthly Assurance Meeting" in text  # its series
    assert "10:30" in text and "Hindlip Hall" in text
    assert f'href="{next_meeting.get_absolute_url()}"' in response.content.decode()


def test_the_last_meetings_assurance_levels_are_counted_and_link_to_their_items(client, officer):
    older = factories.MeetingFactory(date=days_from_today(-60))
    factories.AgendaItemFactory(meeting=older, assurance_level=AgendaItem.Assurance.NOT_ASSURED)
    last = factories.MeetingFactory(date=days_from_today(-5), title="Last month")
    factories.MeetingFactory(
        date=days_from_today(-2), title="Nothing assessed"
    )  # no levels recorded
    factories.AgendaItemFactory(meeting=last, position=1, title="Apologies")
    parent = factories.AgendaItemFactory(meeting=last, position=2, title="Performance")
    assured = [
        factories.AgendaItemFactory(
            meeting=last, parent=parent, position=position, title=title, assurance_level="assured"
        )
        for position, title in [(1, "Call handling"), (2, "Response times")]
    ]
    partly = factories.AgendaItemFactory(
        meeting=last,
        position=3,
        title="Victims",
        assurance_level=AgendaItem.Assurance.PARTLY_ASSURED,
    )
    client.force_login(officer)
    response = client.get(reverse("home"))
    summary = response.context["assurance"]
    assert summary.meeting == last
    counts = {group.level: len(group.items) for group in summary.groups}
    assert counts == {"assured": 2, "partly": 1, "not_assured": 0}
    text = page_text(response)
    assert "Assured: 2 items" in text and "Partly assured: 1 item" in text
    assert "Not assured: 0 items" in text
    body = response.content.decode()
    for item, number in [(assured[0], "2.1"), (assured[1], "2.2"), (partly, "3")]:
        assert f'href="{last.get_absolute_url()}#item-{item.pk}">{number} {item.title}</a>' in body


def test_the_ten_most_recent_updates_are_shown_newest_first(client, officer):
    action = action_at(factories.MeetingFactory(date=days_from_today(-30)), reference="UPD-1")
    now = timezone.now()
    author = factories.UserFactory(username="jo", first_name="Jo", last_name="Bloggs")
    for hours in range(12):
        factories.ActionUpdateFactory(
            action=action,
            author=author,
            created_at=now - datetime.timedelta(hours=hours),
            note=f"Note number {hours} " + "word " * 40,
        )
    factories.ActionUpdateFactory(
        action=action,
        author=author,
        created_at=now + datetime.timedelta(minutes=1),
        status_before=Status.OPEN,
        status_after=Status.IN_PROGRESS,
        note="Work has started.",
    )
    client.force_login(officer)
    response = client.get(reverse("home"))
    updates = response.context["updates"]
    assert len(updates) == 10
    assert updates[0].note == "Work has started."
    assert [update.created_at for update in updates] == sorted(
        (update.created_at for update in updates), reverse=True
    )
    text = page_text(response)
    assert "Open to in progress" in text
    assert "Jo Bloggs" in text
    assert "Note number 10" not in text  # the eleventh and later are not shown
    assert "word " * 30 not in text  # notes are cut to their first words


# --- Force users: their offices first, and nothing they may not read ------------------------


@pytest.fixture
def force_world(force_user):
    """Actions a force user may and may not read."""
    approved = factories.MeetingFactory(date=days_from_today(-40), status=Meeting.Status.APPROVED)
    draft = factories.MeetingFactory(date=days_from_today(-10), status=Meeting.Status.DRAFT)
    cc = force_user.acts_for_offices.get()
    dcc = factories.OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable")
    pcc = factories.OfficeFactory(
        abbreviation="PCC", title="Police and Crime Commissioner", organisation=Organisation.OPCC
    )
    partner = factories.OfficeFactory(
        abbreviation="CSP", title="Community Safety Partnership", organisation=Organisation.PARTNER
    )
    action_at(approved, reference="DCC-EARLY", owners=[dcc], due_date=days_from_today(-5))
    action_at(approved, reference="CC-LATE", owners=[cc], due_date=days_from_today(50))
    action_at(approved, reference="CC-SOON", owners=[cc], due_date=days_from_today(5))
    hidden = [
        action_at(draft, reference="HIDDEN-DRAFT", owners=[cc], due_date=days_from_today(-3)),
        action_at(approved, reference="HIDDEN-OPCC", owners=[pcc], due_date=days_from_today(-3)),
        action_at(
            approved, reference="HIDDEN-PARTNER", owners=[partner], due_date=days_from_today(-3)
        ),
    ]
    for action in hidden:
        factories.ActionUpdateFactory(action=action, note="A hidden update.")
    return {"hidden": {action.reference for action in hidden}}


def test_a_force_user_sees_the_offices_they_act_for_first(client, force_user, force_world):
    client.force_login(force_user)
    response = client.get(reverse("home"))
    assert references(response) == ["CC-SOON", "CC-LATE", "DCC-EARLY"]
    assert page_text(response).count("Your office") == 2


def test_a_force_user_never_sees_actions_they_may_not_read(client, force_user, force_world):
    client.force_login(force_user)
    dashboard = client.get(reverse("home"))
    log = client.get(reverse("actions:log"))
    export = client.get(reverse("actions:export")).content.decode()
    assert tile_counts(dashboard)["outstanding"] == 3
    assert tile_counts(dashboard)["overdue"] == 1
    for hidden in force_world["hidden"]:
        assert hidden not in page_text(dashboard)
        assert hidden not in page_text(log)
        assert hidden not in export
    assert "A hidden update." not in page_text(dashboard)


def test_the_opcc_sees_every_action(client, officer, force_world):
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert set(force_world["hidden"]) <= set(references(response))


# --- Filters, paging -------------------------------------------------------------------------


def test_the_dashboard_filters_its_outstanding_actions(client, officer):
    meeting = factories.MeetingFactory(date=days_from_today(-20))
    topic = factories.TopicFactory(name="Call handling", slug="call-handling")
    item = factories.AgendaItemFactory(meeting=meeting)
    item.topics.add(topic)
    factories.ActionFactory(origin_item=item, reference="ON-TOPIC")
    action_at(meeting, reference="OFF-TOPIC")
    factories.ActionFactory(origin_item=item, reference="ON-TOPIC-CLOSED", status=Status.CLOSED)
    client.force_login(officer)
    response = client.get(reverse("home"), {"topic": topic.pk})
    assert references(response) == ["ON-TOPIC"]


def test_the_dashboard_refuses_statuses_that_are_not_outstanding(client, officer):
    client.force_login(officer)
    response = client.get(reverse("home"), {"status": Status.CLOSED})
    assert "Choose a status from the list." in page_text(response)
    assert response.content.decode().count('href="#id_status"') == 1
    assert page_text(response).startswith("Error: Dashboard")


def test_the_dashboard_pages_by_25_and_keeps_the_filters_in_the_page_links(client, officer):
    meeting = factories.MeetingFactory(date=days_from_today(-20))
    item = factories.AgendaItemFactory(meeting=meeting)
    for number in range(30):
        factories.ActionFactory(origin_item=item, reference=f"PAGE-{number:02d}", due_date=None)
    action_at(meeting, reference="OTHER")
    client.force_login(officer)
    first = client.get(reverse("home"), {"q": "page-"})
    assert len(references(first)) == 25
    assert "?q=page-&amp;page=2" in first.content.decode()
    second = client.get(reverse("home"), {"q": "page-", "page": 2})
    assert references(second) == [f"PAGE-{number:02d}" for number in range(25, 30)]
    assert 'aria-current="page"' in second.content.decode()


def test_origin_item_numbers_are_derived_from_the_agenda(client, officer):
    meeting = factories.MeetingFactory(date=days_from_today(-20))
    parent = factories.AgendaItemFactory(meeting=meeting, position=2)
    factories.AgendaItemFactory(meeting=meeting, position=1)
    factories.AgendaItemFactory(meeting=meeting, parent=parent, position=1)
    child = factories.AgendaItemFactory(meeting=meeting, parent=parent, position=2)
    factories.ActionFactory(origin_item=child)
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert [row.origin_number for row in response.context["rows"]] == ["2.2"]
    assert f'#item-{child.pk}">item 2.2</a>' in response.content.decode()


# --- Who may open it -------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["officer", "commissioner", "force_user"])
def test_every_role_has_a_dashboard(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Outstanding actions" in page_text(response)


def test_a_user_without_a_role_is_told_so_and_shown_no_actions(client, no_role_user):
    factories.ActionFactory(reference="SECRET-1")
    client.force_login(no_role_user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Your account has not been given a role yet" in text
    assert "SECRET-1" not in text


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


def test_signing_in_lands_on_the_dashboard(client, officer):
    response = client.post(
        reverse("login"), {"username": "officer", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response.url == reverse("home") == "/"


# --- Query counts ----------------------------------------------------------------------------


def bulk_actions(count: int, *, prefix: str = "BULK") -> list[Action]:
    """``count`` actions spread over three meetings' nested agendas and four offices (one the
    OPCC's), each with an update, created with bulk_create so that 500 take a moment."""
    offices = [
        factories.OfficeFactory(abbreviation=abbreviation, title=f"Office {abbreviation}")
        for abbreviation in ("CC", "DCC", "ACC")
    ] + [factories.OfficeFactory(abbreviation="PCC", organisation=Organisation.OPCC)]
    topic = factories.TopicFactory(name="Response times", slug="response-times")
    items = []
    for months_ago in (1, 2, 3):
        meeting = factories.MeetingFactory(
            date=days_from_today(-30 * months_ago), status=Meeting.Status.APPROVED
        )
        parent = factories.AgendaItemFactory(meeting=meeting, position=1)
        items += [parent, factories.AgendaItemFactory(meeting=meeting, parent=parent, position=1)]
        parent.topics.add(topic)
    due_meeting = factories.MeetingFactory(date=days_from_today(20))
    statuses = list(Status)
    actions = Action.objects.bulk_create(
        Action(
            reference=f"{prefix}-{number:04d}",
            origin_meeting_id=items[number % len(items)].meeting_id,
            origin_item=items[number % len(items)],
            description=f"Bulk action {number}, about call handling.",
            due_date=days_from_today(number % 40 - 20) if number % 7 else None,
            due_meeting=due_meeting if number % 5 == 0 else None,
            status=statuses[number % len(statuses)],
            closed_at=timezone.now() - (number % 120) * DAY if number % 5 == 3 else None,
        )
        for number in range(count)
    )
    ActionOwner.objects.bulk_create(
        ActionOwner(action=action, office=offices[(number + extra) % len(offices)])
        for number, action in enumerate(actions)
        for extra in range(1 + (number % 3 == 0))  # every third action has two owners
    )
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action=action,
            note="Progress reported.",
            status_before=action.status,
            status_after=action.status,
            created_at=timezone.now() - (number % 50) * DAY,
        )
        for number, action in enumerate(actions)
    )
    return actions


@pytest.mark.parametrize("user_fixture", ["officer", "force_user"])
def test_the_dashboard_costs_the_same_queries_for_10_actions_as_for_500(
    client,
    request,
    user_fixture,
    captured_queries,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    user = request.getfixturevalue(user_fixture)
    user.acts_for_offices.add(factories.OfficeFactory(abbreviation="CC"))
    client.force_login(user)
    bulk_actions(10, prefix="FEW")
    client.get(reverse("home"))  # warm the session
    filters = {"q": "call", "owner": user.acts_for_offices.get().pk}
    with django_assert_max_num_queries(20) as queries:  # the content version, a count a tile (five)
        render(client, reverse("home"))
    few = len(queries)
    with captured_queries() as queries:
        render(client, reverse("home"), filters)
    few_filtered = len(queries)
    bulk_actions(490, prefix="MANY")
    assert Action.objects.count() == 500
    with django_assert_num_queries(few):
        render(client, reverse("home"))
    with django_assert_num_queries(few_filtered):
        render(client, reverse("home"), filters)
    print(f"dashboard queries for {user_fixture}: {few} with 10 actions and with 500")
