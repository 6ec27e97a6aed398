"""Filtering and grouping actions by owner, a person or an office, on the dashboard and the
action log: the one choose-list, its values old and new, the counts by owner and their links,
what a force user may see of them, and what they cost."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils.html import escape

from actions.models import Status
from meetings.models import Meeting, Organisation
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    MeetingFactory,
    OfficeFactory,
    PersonFactory,
)
from tests.pages import page_text, render
from tests.test_dashboard import days_from_today, references

pytestmark = pytest.mark.django_db

PAGES = ["home", "actions:log"]


def action_at(meeting, reference, owners, **kwargs):
    return ActionFactory(
        origin_item=AgendaItemFactory(meeting=meeting), reference=reference, owners=owners, **kwargs
    )


@pytest.fixture
def world(force_user):
    """Chief officers who own actions in their own name and through their offices; the CC
    office is the one the force user acts for."""
    approved = MeetingFactory(date=days_from_today(-40), status=Meeting.Status.APPROVED)
    cc = force_user.acts_for_offices.get()
    acc = OfficeFactory(abbreviation="ACC", title="Assistant Chief Constable")
    dcc = OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable")
    rachel = PersonFactory(name="Rachel Jones", initials="RJ", rank="ACC", office=acc)
    david = PersonFactory(name="David Brown", initials="DB", rank="DCC", office=dcc)
    action_at(approved, "RJ-OWN", [rachel], due_date=days_from_today(-2))
    action_at(approved, "ACC-OFFICE", [acc], due_date=days_from_today(20))
    action_at(approved, "RJ-AND-CC", [rachel, cc], due_date=days_from_today(30))
    action_at(approved, "DB-OWN", [david], due_date=days_from_today(10))
    action_at(approved, "ACC-BOTH-CLOSED", [acc, rachel], status=Status.CLOSED, due_date=None)
    return {
        "approved": approved,
        "cc": cc,
        "acc": acc,
        "dcc": dcc,
        "rachel": rachel,
        "david": david,
    }


def owner_select(response) -> str:
    return re.search(r'<select name="owner".*?</select>', response.content.decode(), re.S)[0]


def counts_by_label(response) -> dict[str, tuple[int, int, int]]:
    return {
        entry.owner.label: (entry.total, entry.outstanding, entry.overdue)
        for entry in response.context["owner_counts"]
    }


def by_owner_table(response) -> str:
    return re.search(
        r'<table class="[^"]*owner-counts.*?</table>', response.content.decode(), re.S
    )[0]


# --- The choose-list ---------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", PAGES)
def test_one_list_offers_the_offices_and_the_people(client, officer, world, url_name):
    client.force_login(officer)
    select = owner_select(client.get(reverse(url_name)))
    offices, people = re.findall(r'<optgroup label="(\w+)">(.*?)</optgroup>', select, re.S)
    assert offices[0] == "Offices" and people[0] == "People"
    assert (
        f'<option value="office-{world["acc"].pk}">ACC – Assistant Chief Constable' in (offices[1])
    )
    assert f'<option value="person-{world["rachel"].pk}">ACC RJ – Rachel Jones' in people[1]
    assert f'<option value="person-{world["david"].pk}">DCC DB – David Brown' in people[1]
    assert "Rachel Jones" not in offices[1]


def test_an_inactive_person_is_offered_only_while_they_own_an_action_the_reader_may_read(
    client, force_user, world
):
    retired = PersonFactory(name="Retired Readable", initials="RR", active=False)
    action_at(world["approved"], "RETIRED-OWN", [retired])
    PersonFactory(name="Retired Owning Nothing", initials="RN", active=False)
    opcc = PersonFactory(
        name="Retired Opcc Owner", organisation=Organisation.OPCC, office=None, active=False
    )
    action_at(world["approved"], "OPCC-ONLY", [opcc])  # not the force's to read
    client.force_login(force_user)
    select = owner_select(client.get(reverse("actions:log")))
    assert "Retired Readable" in select
    assert "Retired Owning Nothing" not in select
    assert "Retired Opcc Owner" not in select


# --- Filtering -------------------------------------------------------------------------------


def test_filtering_by_a_person_lists_the_actions_they_own(client, officer, world):
    client.force_login(officer)
    response = client.get(reverse("actions:log"), {"owner": f"person-{world['rachel'].pk}"})
    assert set(references(response)) == {"RJ-OWN", "RJ-AND-CC", "ACC-BOTH-CLOSED"}
    assert not response.context["form"].errors
    assert f'<option value="person-{world["rachel"].pk}" selected>' in owner_select(response)


def test_filtering_by_an_office_includes_the_person_who_holds_it_now(client, officer, world):
    client.force_login(officer)
    response = client.get(reverse("actions:log"), {"owner": f"office-{world['acc'].pk}"})
    # Its own actions and Rachel Jones's (she holds ACC), the one they share once.
    assert sorted(references(response)) == sorted(
        ["RJ-OWN", "ACC-OFFICE", "RJ-AND-CC", "ACC-BOTH-CLOSED"]
    )
    assert "4 actions match the filters." in page_text(response)


def test_the_dashboard_filters_by_a_person_among_the_outstanding_actions(client, officer, world):
    client.force_login(officer)
    response = client.get(reverse("home"), {"owner": f"person-{world['rachel'].pk}"})
    assert set(references(response)) == {"RJ-OWN", "RJ-AND-CC"}


def test_the_export_filters_by_a_person(client, officer, world):
    client.force_login(officer)
    response = client.get(reverse("actions:export"), {"owner": f"person-{world['david'].pk}"})
    content = response.content.decode()
    assert "DB-OWN" in content and "RJ-OWN" not in content


@pytest.mark.parametrize("url_name", PAGES)
def test_an_old_numeric_owner_link_means_that_office(client, officer, world, url_name):
    client.force_login(officer)
    response = client.get(reverse(url_name), {"owner": str(world["dcc"].pk)})
    assert references(response) == ["DB-OWN"]
    assert not response.context["form"].errors
    assert f'<option value="office-{world["dcc"].pk}" selected>' in owner_select(response)


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("value", ["person-999999", "office-999999", "999999", "office-x", "cc"])
def test_a_bad_owner_is_reported_and_the_other_filters_still_apply(
    client, officer, world, url_name, value
):
    client.force_login(officer)
    response = client.get(reverse(url_name), {"owner": value, "q": "DB-"})
    assert response.status_code == 200
    assert "Choose an owner from the list." in page_text(response)
    assert 'aria-describedby="id_owner-error"' in response.content.decode()
    assert references(response) == ["DB-OWN"]


# --- Counts by owner -------------------------------------------------------------------------


def test_the_log_counts_each_owner_and_an_action_under_each_of_its_owners(client, officer, world):
    client.force_login(officer)
    response = client.get(reverse("actions:log"))
    # (actions, outstanding, overdue). ACC counts Rachel Jones's too, the one they share once.
    assert counts_by_label(response) == {
        "CC – Chief Constable": (1, 1, 0),
        "ACC – Assistant Chief Constable": (4, 3, 1),
        "DCC – Deputy Chief Constable": (1, 1, 0),
        "DCC DB – David Brown": (1, 1, 0),
        "ACC RJ – Rachel Jones": (3, 2, 1),
    }
    # Offices in their order, then people by name.
    assert [entry.owner.label for entry in response.context["owner_counts"]][-2:] == [
        "DCC DB – David Brown",
        "ACC RJ – Rachel Jones",
    ]


def test_each_count_is_what_its_link_lists(client, officer, world):
    client.force_login(officer)
    response = client.get(reverse("actions:log"))
    table = by_owner_table(response)
    rows = re.findall(
        r'<th scope="row"[^>]*><a href="([^"]+)">([^<]+)</a></th>\s*<td[^>]*>(\d+)', table
    )
    assert len(rows) == 5
    for href, _label, total in rows:
        listed = client.get(href.replace("&amp;", "&"))
        assert listed.context["page_obj"].paginator.count == int(total)


def test_the_by_owner_table_is_a_table_with_a_caption_and_headers(client, officer, world):
    client.force_login(officer)
    table = by_owner_table(client.get(reverse("actions:log")))
    assert "<caption" in table and "Actions by owner" in table
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table) == [
        "Owner",
        "Actions",
        "Outstanding",
        "Overdue",
    ]
    assert table.count('<th scope="row"') == 5


def test_the_links_keep_the_other_filters_and_choose_the_owner(client, officer, world):
    client.force_login(officer)
    response = client.get(
        reverse("actions:log"), {"q": "own", "status": "open", "owner": "", "page": "1"}
    )
    table = by_owner_table(response)
    rachel = re.search(r'href="([^"]+)">ACC RJ – Rachel Jones<', table)[1].replace("&amp;", "&")
    url = urlsplit(rachel)
    assert url.path == reverse("actions:log")
    assert parse_qs(url.query) == {
        "q": ["own"],
        "status": ["open"],
        "owner": [f"person-{world['rachel'].pk}"],
    }


def test_the_dashboard_counts_outstanding_actions_and_links_to_them_in_the_log(
    client, officer, world
):
    client.force_login(officer)
    response = client.get(reverse("home"), {"overdue": "on"})
    assert counts_by_label(response) == {
        "ACC – Assistant Chief Constable": (1, 1, 1),
        "ACC RJ – Rachel Jones": (1, 1, 1),
    }
    table = by_owner_table(response)
    assert "Outstanding actions by owner" in table
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table) == [
        "Owner",
        "Outstanding",
        "Overdue",
    ]
    href = re.search(r'href="([^"]+)">ACC – Assistant', table)[1].replace("&amp;", "&")
    assert href.startswith(reverse("actions:log"))
    assert parse_qs(urlsplit(href).query) == {
        "overdue": ["on"],
        "status": ["outstanding"],
        "owner": [f"office-{world['acc'].pk}"],
    }
    assert references(client.get(href)) == ["RJ-OWN"]


@pytest.mark.parametrize("url_name", PAGES)
def test_no_actions_no_counts(client, officer, url_name):
    client.force_login(officer)
    response = client.get(reverse(url_name))
    assert response.context["owner_counts"] == []
    assert "There are no actions to count." in page_text(response)


# --- What a force user sees ------------------------------------------------------------------


@pytest.fixture
def hidden_from_the_force(world):
    """Actions a force user may not read: raised at a draft; owned by the OPCC only."""
    draft = MeetingFactory(date=days_from_today(-10), status=Meeting.Status.DRAFT)
    pcc = OfficeFactory(
        abbreviation="PCC", title="Police and Crime Commissioner", organisation=Organisation.OPCC
    )
    chief_executive = PersonFactory(
        name="Olivia Page", initials="OP", organisation=Organisation.OPCC, office=None
    )
    action_at(draft, "HIDDEN-DRAFT", [world["rachel"], world["cc"]], due_date=days_from_today(-1))
    action_at(world["approved"], "HIDDEN-PCC", [pcc], due_date=days_from_today(-1))
    action_at(world["approved"], "HIDDEN-OP", [chief_executive], due_date=days_from_today(-1))
    return {"pcc": pcc, "chief_executive": chief_executive}


@pytest.mark.parametrize("url_name", PAGES)
def test_a_force_user_never_sees_in_the_list_or_the_counts_what_they_may_not_read(
    client, force_user, world, hidden_from_the_force, url_name
):
    client.force_login(force_user)
    response = client.get(reverse(url_name))
    assert not {ref for ref in references(response) if ref.startswith("HIDDEN")}
    counts = counts_by_label(response)
    assert "PCC – Police and Crime Commissioner" not in counts
    assert not any("Olivia Page" in label for label in counts)
    assert "Olivia Page" not in by_owner_table(response)
    # The draft's action, owned by Rachel Jones and CC, is in neither count.
    assert counts["CC – Chief Constable"][0] == 1
    assert counts["ACC RJ – Rachel Jones"][2] == 1
    assert counts["ACC – Assistant Chief Constable"][2] == 1


@pytest.mark.parametrize("url_name", PAGES)
def test_a_force_user_filtering_by_an_opcc_owner_sees_nothing_of_theirs(
    client, force_user, world, hidden_from_the_force, url_name
):
    client.force_login(force_user)
    for owner in (
        f"office-{hidden_from_the_force['pcc'].pk}",
        f"person-{hidden_from_the_force['chief_executive'].pk}",
        str(hidden_from_the_force["pcc"].pk),
    ):
        response = client.get(reverse(url_name), {"owner": owner})
        assert references(response) == []
        assert response.context["owner_counts"] == []


def test_a_force_user_filtering_by_a_person_sees_only_what_they_may_read(
    client, force_user, world, hidden_from_the_force
):
    client.force_login(force_user)
    response = client.get(reverse("actions:log"), {"owner": f"person-{world['rachel'].pk}"})
    assert set(references(response)) == {"RJ-OWN", "RJ-AND-CC", "ACC-BOTH-CLOSED"}
    assert "HIDDEN-DRAFT" not in page_text(response)


# --- Cost ------------------------------------------------------------------------------------


def more_owners(world, count: int) -> None:
    """``count`` more people and offices, each owning actions, one shared with Rachel Jones."""
    for number in range(count):
        office = OfficeFactory(abbreviation=f"SUP{number}", title=f"Superintendent {number}")
        person = PersonFactory(name=f"Person {number:03d}", initials=f"P{number}", office=office)
        action_at(world["approved"], f"MORE-{number:03d}", [person, world["rachel"]])
        action_at(world["approved"], f"MORE-OFFICE-{number:03d}", [office])


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("user_fixture", ["officer", "force_user"])
def test_the_pages_cost_the_same_queries_however_many_owners(
    client,
    request,
    world,
    url_name,
    user_fixture,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    client.force_login(request.getfixturevalue(user_fixture))
    url = reverse(url_name)
    client.get(url)  # warm the session
    filtered = {"owner": f"office-{world['acc'].pk}", "q": "-"}
    with django_assert_max_num_queries(20) as queries:
        render(client, url)
    few = len(queries)
    with django_assert_max_num_queries(20) as queries:
        render(client, url, filtered)
    few_filtered = len(queries)
    more_owners(world, 30)
    response = client.get(url, {"page": "2"})
    assert len(response.context["owner_counts"]) > 60
    with django_assert_num_queries(few):
        render(client, url)
    with django_assert_num_queries(few_filtered):
        render(client, url, filtered)


def test_the_owner_labels_are_escaped(client, officer, world):
    PersonFactory(name='Sam <b>"Bold"</b>', initials="S&B", office=None)
    client.force_login(officer)
    select = owner_select(client.get(reverse("actions:log")))
    assert escape('S&B – Sam <b>"Bold"</b>') in select
    assert "<b>" not in select
