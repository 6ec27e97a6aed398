"""The agenda builder: numbering, moving and nesting items, deleting them, read-only minutes,
who may use it and what it costs."""

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from actions.models import Action
from meetings.agenda import (
    AgendaChangeRefused,
    item_add,
    item_delete,
    item_indent,
    item_move_down,
    item_move_up,
    item_outdent,
    lock_editable_meeting,
)
from meetings.models import AgendaItem, LocalPolicingArea, Meeting, Office, Person, Topic
from meetings.numbering import number_items, ordered_tree
from tests.factories import ActionFactory, AgendaItemFactory, MeetingFactory, OfficeFactory
from tests.pages import page_text
from tests.test_item_form import item_form_data
from tests.test_meeting_form import form_data as meeting_form_data

pytestmark = pytest.mark.django_db


# --- Helpers ---------------------------------------------------------------------------------


def build(meeting, outline, parent=None):
    """Add ``outline`` — a list of (title, sub-outline) — to the meeting with factories.
    Returns the items by title."""
    items = {}
    for position, (title, children) in enumerate(outline, start=1):
        item = AgendaItemFactory(meeting=meeting, parent=parent, position=position, title=title)
        items[title] = item
        items |= build(meeting, children, item)
    return items


def numbered(meeting):
    """The agenda as [(number, title)] in reading order."""
    items = list(AgendaItem.objects.filter(meeting=meeting))
    numbers = number_items(items)
    return [(numbers[item.pk], item.title) for item, _depth in ordered_tree(items)]


def positions_are_dense(meeting):
    by_parent = {}
    for item in AgendaItem.objects.filter(meeting=meeting):
        by_parent.setdefault(item.parent_id, []).append(item.position)
    return all(sorted(group) == list(range(1, len(group) + 1)) for group in by_parent.values())


def agenda_url(meeting):
    return reverse("meetings:agenda", args=[meeting.pk])


def move(client, item, direction):
    url = reverse("meetings:item_move", args=[item.meeting_id, item.pk])
    return client.post(url, {"move": direction}, follow=True)


def delete_url(item):
    return reverse("meetings:item_delete", args=[item.meeting_id, item.pk])


@pytest.fixture
def meeting(db):
    return MeetingFactory(date=datetime.date(2022, 11, 29), status=Meeting.Status.DRAFT)


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def abc(meeting):
    """1 A, 2 B (2.1 B1, 2.2 B2), 3 C."""
    return build(meeting, [("A", []), ("B", [("B1", []), ("B2", [])]), ("C", [])])


# --- The November 2022 agenda, built through the pages ---------------------------------------

SEED = Path(settings.BASE_DIR) / "fixtures" / "meetings_2022.yaml"


def seed_november_2022():
    """The November 2022 items (reading order, with number and depth) and actions, as the
    fixture holds them."""
    records = yaml.safe_load(SEED.read_text())
    items = [
        SimpleNamespace(pk=r["pk"], **r["fields"])
        for r in records
        if r["model"] == "meetings.agendaitem" and r["fields"]["meeting"] == 11
    ]
    for item in items:
        item.parent_id = item.parent
    numbers = number_items(items)
    owners = {}
    for r in records:
        if r["model"] == "actions.actionowner":
            owners.setdefault(r["fields"]["action"], []).append(r["fields"]["office"])
    actions = [
        SimpleNamespace(owners=owners[r["pk"]], **r["fields"])
        for r in records
        if r["model"] == "actions.action" and r["fields"]["origin_meeting"] == 11
    ]
    return [(item, numbers[item.pk]) for item, _depth in ordered_tree(items)], actions


def seed_november_2022_attendance():
    """(person pk, capacity, status) of each attendance row of the seed, in order."""
    records = yaml.safe_load(SEED.read_text())
    rows = [
        r["fields"]
        for r in records
        if r["model"] == "meetings.attendance" and r["fields"]["meeting"] == 11
    ]
    rows.sort(key=lambda row: row["position"])
    return [(row["person"], row["capacity"], row["status"]) for row in rows]


def test_the_november_2022_meeting_entered_through_the_pages_reads_like_the_seed(client, officer):
    call_command("loaddata", "fixtures/reference.yaml", verbosity=0)  # offices, people, topics
    client.force_login(officer)
    attendance = seed_november_2022_attendance()
    assert len(attendance) == 8
    response = client.post(
        reverse("meetings:create"),
        meeting_form_data(
            [
                {"person": person, "capacity": capacity, "status": status}
                for person, capacity, status in attendance
            ],
            date="2022-11-29",
            start_time="14:00",
            venue="West Mercia Police HQ",
            chair=Person.objects.get(name="John Campion").pk,
            minute_taker=Person.objects.get(name="Natasha Noorbakhsh").pk,
            minute_taker_capacity="Senior Policy Officer, OPCC",
        ),
    )
    assert response.status_code == 302, page_text(response)[:500]
    meeting = Meeting.objects.get(date=datetime.date(2022, 11, 29))
    assert meeting.title == "Monthly Assurance Meeting, 29 November 2022"
    seed_items, seed_actions = seed_november_2022()

    created = {}  # fixture pk → the item made through the form
    for seed, _number in seed_items:
        actions = [
            {
                "description": action.description,
                "owners": list(Office.objects.filter(pk__in=action.owners)),
                "due_date": datetime.date.fromisoformat(action.due_date)
                if action.due_date
                else None,
            }
            for action in seed_actions
            if action.origin_item == seed.pk
        ]
        url = reverse("meetings:item_create", args=[meeting.pk])
        if seed.parent:
            url += f"?parent={created[seed.parent].pk}"
        data = item_form_data(
            title=seed.title,
            kind=seed.kind,
            background=seed.background,
            questions=seed.questions,
            minutes=seed.minutes,
            topics=Topic.objects.filter(pk__in=seed.topics),
            areas=LocalPolicingArea.objects.filter(pk__in=seed.areas),
            actions=actions,
        )
        response = client.post(url, data)
        assert response.status_code == 302, page_text(response)[:500]
        created[seed.pk] = meeting.items.get(title=seed.title)

    # The builder shows the numbers …
    builder = page_text(client.get(agenda_url(meeting)))
    assert "2.12 Preferred Staffing Levels (PSLs)" in builder
    # … and the minutes read like the seed: same numbers and titles in the same order …
    text = page_text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    places = [text.index(f"{number} {seed.title}") for seed, number in seed_items]
    assert places == sorted(places)
    assert [number for _seed, number in seed_items][:3] == ["1", "2", "2.1"]
    assert "2.12 Preferred Staffing Levels (PSLs)" in text
    assert "4 Confirmation of next meeting type / date / time / venue" in text
    assert "asked whether the drivers of this disparity were understood" in text
    # … the same attendees with their capacities …
    for person, capacity, _status in attendance:
        assert f"{Person.objects.get(pk=person).name} {capacity}" in text
    # … with the same actions, references, owners and due points.
    assert "2022-11-01 The PCC asked the Chief to share the IOM data" in text
    assert (
        "referred to her response. Status at the meeting: Open "
        "Current state of action 2022-11-01 No due point set CC"
    ) in text
    assert "2022-11-02 Update on response times to be provided at HTA in 3 months" in text
    assert "Due 28 February 2023 PCC / CC" in text
    by_reference = {a.reference: a for a in Action.objects.select_related("origin_item")}
    assert by_reference.keys() == {action.reference for action in seed_actions}
    for action in seed_actions:
        assert by_reference[action.reference].origin_item == created[action.origin_item]


# --- The agenda page -------------------------------------------------------------------------


def test_the_agenda_shows_the_items_as_a_numbered_outline(signed_in, meeting, abc):
    ActionFactory(origin_item=abc["B1"])
    text = page_text(signed_in.get(agenda_url(meeting)))
    assert "1 A" in text
    assert text.index("2 B") < text.index("2.1 B1") < text.index("2.2 B2") < text.index("3 C")
    assert "1 action arising" in text
    assert "Add an item" in text


def test_the_agenda_links_back_to_the_meeting(signed_in, meeting):
    body = signed_in.get(agenda_url(meeting)).content.decode()
    assert f'href="{reverse("meetings:detail", args=[meeting.pk])}"' in body


def test_impossible_moves_are_not_offered(signed_in, meeting, abc):
    body = signed_in.get(agenda_url(meeting)).content.decode()
    first_row = body[
        body.index(f'id="item-{abc["A"].pk}"') : body.index(f'id="item-{abc["B"].pk}"')
    ]
    assert 'value="up" class="btn btn-outline-secondary btn-sm" disabled' in first_row
    assert 'value="down" class="btn btn-outline-secondary btn-sm">' in first_row
    assert 'value="outdent" class="btn btn-outline-secondary btn-sm" disabled' in first_row


def test_the_agenda_costs_the_same_queries_for_3_items_as_for_30(
    signed_in, django_assert_num_queries, django_assert_max_num_queries
):
    small = MeetingFactory()
    large = MeetingFactory()
    for meeting, count in ((small, 3), (large, 30)):
        items = build(meeting, [(f"Item {n}", [(f"Sub-item {n}", [])]) for n in range(count)])
        for item in items.values():
            ActionFactory(origin_item=item, owners=[OfficeFactory(abbreviation="CC")])
            item.lead_office = OfficeFactory(abbreviation="DCC")
            item.save()
    signed_in.get(agenda_url(small))  # warm the session
    with django_assert_max_num_queries(8) as queries:
        assert signed_in.get(agenda_url(small)).status_code == 200
    few = len(queries)
    with django_assert_num_queries(few):
        assert signed_in.get(agenda_url(large)).status_code == 200


# --- Moving items ----------------------------------------------------------------------------


def test_moving_an_item_up_renumbers_the_agenda(signed_in, meeting, abc):
    response = move(signed_in, abc["C"], "up")
    assert response.redirect_chain[-1][0] == agenda_url(meeting) + f"#item-{abc['C'].pk}"
    assert "Moved “C” up." in page_text(response)
    assert numbered(meeting) == [
        ("1", "A"),
        ("2", "C"),
        ("3", "B"),
        ("3.1", "B1"),
        ("3.2", "B2"),
    ]
    assert text_order(page_text(response), ["1 A", "2 C", "3 B", "3.1 B1"])
    assert positions_are_dense(meeting)


def text_order(text, pieces):
    places = [text.index(piece) for piece in pieces]
    return places == sorted(places)


def test_moving_an_item_down_takes_its_sub_items_with_it(signed_in, meeting, abc):
    move(signed_in, abc["B"], "down")
    assert numbered(meeting) == [("1", "A"), ("2", "C"), ("3", "B"), ("3.1", "B1"), ("3.2", "B2")]
    move(signed_in, abc["B1"], "down")
    assert numbered(meeting)[3:] == [("3.1", "B2"), ("3.2", "B1")]
    assert positions_are_dense(meeting)


def test_indenting_makes_an_item_the_last_sub_item_of_the_one_above(signed_in, meeting, abc):
    move(signed_in, abc["C"], "indent")
    assert numbered(meeting) == [
        ("1", "A"),
        ("2", "B"),
        ("2.1", "B1"),
        ("2.2", "B2"),
        ("2.3", "C"),
    ]
    move(signed_in, abc["C"], "indent")
    assert numbered(meeting)[-1] == ("2.2a", "C")
    assert positions_are_dense(meeting)


def test_outdenting_makes_an_item_the_next_sibling_of_its_parent(signed_in, meeting, abc):
    move(signed_in, abc["B1"], "outdent")
    assert numbered(meeting) == [("1", "A"), ("2", "B"), ("2.1", "B2"), ("3", "B1"), ("4", "C")]
    assert positions_are_dense(meeting)


@pytest.mark.parametrize(
    ("title", "direction", "message"),
    [
        ("A", "up", "“A” is already first, so it cannot move up."),
        ("C", "down", "“C” is already last, so it cannot move down."),
        ("B1", "up", "“B1” is already first, so it cannot move up."),
        ("A", "indent", "there is no item above it at the same level"),
        ("B1", "indent", "there is no item above it at the same level"),
        ("A", "outdent", "“A” is already at the top level, so it cannot be outdented."),
    ],
)
def test_impossible_moves_are_refused_and_change_nothing(
    signed_in, meeting, abc, title, direction, message
):
    before = numbered(meeting)
    response = move(signed_in, abc[title], direction)
    assert message in page_text(response)
    assert numbered(meeting) == before


def test_an_unknown_move_changes_nothing(signed_in, meeting, abc):
    before = numbered(meeting)
    response = move(signed_in, abc["B"], "sideways")
    assert "Choose up, down, indent or outdent" in page_text(response)
    assert numbered(meeting) == before


def test_the_move_functions_refuse_with_a_clear_message(meeting, abc):
    for function, title, message in [
        (item_move_up, "A", "already first"),
        (item_move_down, "C", "already last"),
        (item_indent, "A", "no item above it"),
        (item_outdent, "C", "already at the top level"),
    ]:
        with pytest.raises(AgendaChangeRefused, match=message):
            function(item=abc[title])


def test_the_move_functions_keep_positions_dense_even_after_gaps(meeting):
    items = [
        AgendaItemFactory(meeting=meeting, position=p, title=t)
        for p, t in ((3, "X"), (7, "Y"), (20, "Z"))
    ]
    item_move_up(item=items[2])
    assert numbered(meeting) == [("1", "X"), ("2", "Z"), ("3", "Y")]
    assert positions_are_dense(meeting)


# --- Depth -----------------------------------------------------------------------------------


@pytest.fixture
def deep(meeting):
    """1 Top, 1.1 Middle, 1.1a Bottom, 1.2 Sibling (with 1.2a Leaf)."""
    return build(meeting, [("Top", [("Middle", [("Bottom", [])]), ("Sibling", [("Leaf", [])])])])


def test_a_sub_item_cannot_be_added_below_the_third_level(signed_in, meeting, deep):
    url = reverse("meetings:item_create", args=[meeting.pk]) + f"?parent={deep['Bottom'].pk}"
    response = signed_in.get(url, follow=True)
    assert "“Bottom” cannot have sub-items: agenda items nest at most 3 levels deep." in (
        page_text(response)
    )
    response = signed_in.post(url, item_form_data(title="Too deep"), follow=True)
    assert "cannot have sub-items" in page_text(response)
    assert not meeting.items.filter(title="Too deep").exists()
    with pytest.raises(AgendaChangeRefused, match="nest at most 3 levels"), transaction.atomic():
        lock = lock_editable_meeting(meeting.pk)
        item_add(lock=lock, item=AgendaItem(title="Too deep"), parent=deep["Bottom"])


def test_the_agenda_offers_sub_items_only_above_the_third_level(signed_in, meeting, deep):
    body = signed_in.get(agenda_url(meeting)).content.decode()
    assert f"?parent={deep['Middle'].pk}" in body
    assert f"?parent={deep['Bottom'].pk}" not in body


def test_an_item_cannot_be_indented_if_its_sub_items_would_go_too_deep(signed_in, meeting, deep):
    before = numbered(meeting)
    response = move(signed_in, deep["Sibling"], "indent")
    assert "“Sibling” cannot be indented: agenda items nest at most 3 levels deep." in (
        page_text(response)
    )
    assert numbered(meeting) == before
    move(signed_in, deep["Leaf"], "outdent")  # now Sibling has no sub-items …
    move(signed_in, deep["Sibling"], "indent")  # … so it fits under Middle
    assert ("1.1b", "Sibling") in numbered(meeting)


# --- Deleting items --------------------------------------------------------------------------


def test_deleting_an_item_asks_first_and_names_its_sub_items(signed_in, abc):
    text = page_text(signed_in.get(delete_url(abc["B"])))
    assert "Delete item 2: B?" in text
    assert "also deletes the 2 items inside it: 2.1 B1 2.2 B2" in text


def test_deleting_an_item_deletes_its_sub_items_and_renumbers(signed_in, meeting, abc):
    response = signed_in.post(delete_url(abc["B"]), follow=True)
    assert "Deleted “B” and its 2 sub-items." in page_text(response)
    assert numbered(meeting) == [("1", "A"), ("2", "C")]
    assert not AgendaItem.objects.filter(title__in=["B1", "B2"]).exists()
    assert positions_are_dense(meeting)


def test_an_item_with_actions_cannot_be_deleted(signed_in, meeting, abc):
    ActionFactory(origin_item=abc["C"], reference="2022-11-01", description="Report back")
    ActionFactory(origin_item=abc["C"], reference="2022-11-02", description="Share the plan")
    refusal = (
        "This item has 2 actions that must stay with it (2022-11-01: Report back; "
        "2022-11-02: Share the plan). Move them to another item first"
    )
    page = signed_in.get(delete_url(abc["C"]))
    assert refusal in page_text(page)
    assert "btn-danger" not in page.content.decode()  # no delete button

    before = numbered(meeting)
    response = signed_in.post(delete_url(abc["C"]), follow=True)
    assert refusal in page_text(response)
    assert numbered(meeting) == before
    assert Action.objects.count() == 2


def test_an_item_whose_sub_item_has_actions_cannot_be_deleted(meeting, abc):
    ActionFactory(origin_item=abc["B2"], reference="2022-11-01")
    with pytest.raises(
        AgendaChangeRefused,
        match=r"inside it have 1 action that must stay with it \(2022-11-01: .*\)\. Move it to",
    ):
        item_delete(item=abc["B"])
    assert AgendaItem.objects.filter(meeting=meeting).count() == 5


# --- Read-only minutes and other meetings' items ---------------------------------------------


def test_approved_minutes_cannot_be_rearranged(signed_in, meeting, abc):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.APPROVED)
    before = numbered(meeting)
    read_only = (
        "These minutes have been approved, so they are read-only. Reopen them for correction first."
    )
    page = signed_in.get(agenda_url(meeting))
    assert read_only in page_text(page)
    assert "item_move" not in page.content.decode() and "/move/" not in page.content.decode()
    for direction in ("up", "down", "indent", "outdent"):
        assert read_only in page_text(move(signed_in, abc["B2"], direction))
    assert read_only in page_text(signed_in.post(delete_url(abc["A"]), follow=True))
    assert numbered(meeting) == before
    with pytest.raises(AgendaChangeRefused, match="read-only"):
        item_move_up(item=abc["C"])


def test_items_are_found_only_through_their_own_meeting(signed_in, meeting, abc):
    other = MeetingFactory()
    for name in ("item_move", "item_delete", "item_edit"):
        url = reverse(f"meetings:{name}", args=[other.pk, abc["B"].pk])
        assert signed_in.post(url, {"move": "up"}).status_code == 404
    assert AgendaItem.objects.filter(meeting=meeting).count() == 5


# --- Who may use the builder -----------------------------------------------------------------

VIEWS = [
    ("meetings:agenda", "get", False),
    ("meetings:item_move", "post", True),
    ("meetings:item_delete", "get", True),
    ("meetings:item_delete", "post", True),
]


def view_url(name, meeting, item, with_item):
    return reverse(name, args=[meeting.pk, item.pk] if with_item else [meeting.pk])


@pytest.mark.parametrize(("name", "method", "with_item"), VIEWS)
@pytest.mark.parametrize("role", ["commissioner", "force_user", "no_role_user"])
def test_only_opcc_staff_may_use_the_agenda_builder(
    client, request, meeting, abc, name, method, with_item, role
):
    client.force_login(request.getfixturevalue(role))
    url = view_url(name, meeting, abc["C"], with_item)
    assert getattr(client, method)(url, {"move": "up"}).status_code == 403
    assert numbered(meeting) == [("1", "A"), ("2", "B"), ("2.1", "B1"), ("2.2", "B2"), ("3", "C")]


@pytest.mark.parametrize(("name", "method", "with_item"), VIEWS)
def test_signed_out_users_are_sent_to_sign_in(client, meeting, abc, name, method, with_item):
    response = getattr(client, method)(view_url(name, meeting, abc["C"], with_item))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert AgendaItem.objects.filter(meeting=meeting).count() == 5


@pytest.mark.parametrize(
    ("name", "method", "with_item", "status"),
    [
        ("meetings:agenda", "get", False, 200),
        ("meetings:item_move", "post", True, 302),
        ("meetings:item_delete", "get", True, 200),
        ("meetings:item_delete", "post", True, 302),
    ],
)
def test_opcc_staff_may_use_the_agenda_builder(
    signed_in, meeting, abc, name, method, with_item, status
):
    url = view_url(name, meeting, abc["C"], with_item)
    assert getattr(signed_in, method)(url, {"move": "up"}).status_code == status


def test_moving_needs_a_post(signed_in, meeting, abc):
    url = reverse("meetings:item_move", args=[meeting.pk, abc["C"].pk])
    assert signed_in.get(url).status_code == 405
