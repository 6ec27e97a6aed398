"""The directory (OPCC): people and offices, searched and paged, edited through forms that
follow the product's pattern, and a change of office that keeps who held it before."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assurance import roles
from meetings.directory import office_holding_change
from meetings.models import Office, OfficeHolding, Organisation, Person
from tests.factories import OfficeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE = reverse("meetings:directory_people")
OFFICES = reverse("meetings:directory_offices")
NEW_PERSON = reverse("meetings:directory_person_create")
NEW_OFFICE = reverse("meetings:directory_office_create")

D1 = datetime.date(2022, 4, 1)
D2 = datetime.date(2023, 9, 1)


def person_url(person):
    return reverse("meetings:directory_person_edit", args=[person.pk])


def office_url(office):
    return reverse("meetings:directory_office_edit", args=[office.pk])


def person_data(**overrides):
    data = {
        "name": "Richard Jones",
        "initials": "RJ",
        "rank": "ACC",
        "organisation": Organisation.FORCE,
        "email": "richard.jones@example.org.uk",
        "active": "on",
        "office": "",
        "since": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def opcc_client(client, officer):
    client.force_login(officer)
    return client


# The domain function ------------------------------------------------------------------------


def test_taking_a_first_office_opens_a_holding_and_sets_the_office():
    person = PersonFactory(office=None)
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")

    holding = office_holding_change(person=person, office=cc, since=D1)

    person.refresh_from_db()
    assert person.office == cc
    assert (holding.person, holding.office, holding.since, holding.until) == (person, cc, D1, None)


def test_a_change_of_office_ends_the_old_holding_on_the_new_date():
    person = PersonFactory(office=None)
    acc = OfficeFactory(abbreviation="ACC", title="Assistant Chief Constable")
    dcc = OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable")
    office_holding_change(person=person, office=acc, since=D1)

    office_holding_change(person=person, office=dcc, since=D2)

    holdings = list(OfficeHolding.objects.filter(person=person).order_by("since"))
    assert [(h.office, h.since, h.until) for h in holdings] == [(acc, D1, D2), (dcc, D2, None)]
    person.refresh_from_db()
    assert person.office == dcc


def test_taking_away_the_office_ends_the_holding_and_opens_none():
    person = PersonFactory(office=None)
    acc = OfficeFactory(abbreviation="ACC")
    office_holding_change(person=person, office=acc, since=D1)

    assert office_holding_change(person=person, office=None, since=D2) is None

    person.refresh_from_db()
    assert person.office is None
    assert list(OfficeHolding.objects.values_list("until", flat=True)) == [D2]


def test_keeping_the_same_office_writes_nothing():
    person = PersonFactory(office=None)
    acc = OfficeFactory(abbreviation="ACC")
    office_holding_change(person=person, office=acc, since=D1)

    assert office_holding_change(person=person, office=acc, since=D2) is None

    assert list(OfficeHolding.objects.values_list("since", "until")) == [(D1, None)]


def test_a_new_office_dated_before_the_current_one_is_refused_and_nothing_changes():
    person = PersonFactory(office=None)
    acc = OfficeFactory(abbreviation="ACC")
    dcc = OfficeFactory(abbreviation="DCC")
    office_holding_change(person=person, office=acc, since=D2)

    with pytest.raises(ValidationError):
        office_holding_change(person=person, office=dcc, since=D1)

    person.refresh_from_db()
    assert person.office == acc
    assert list(OfficeHolding.objects.values_list("office", "until")) == [(acc.pk, None)]


# People -------------------------------------------------------------------------------------


def test_officer_adds_a_person_who_holds_an_office(opcc_client):
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")

    response = opcc_client.post(NEW_PERSON, person_data(office=cc.pk, since="2022-04-01"))

    assert response.status_code == 302
    assert response.url == PEOPLE
    person = Person.objects.get(name="Richard Jones")
    assert (person.initials, person.rank, person.office) == ("RJ", "ACC", cc)
    assert list(person.holdings.values_list("office", "since", "until")) == [(cc.pk, D1, None)]


def test_office_taken_without_a_date_is_held_from_today(opcc_client):
    cc = OfficeFactory(abbreviation="CC")

    opcc_client.post(NEW_PERSON, person_data(office=cc.pk))

    holding = OfficeHolding.objects.get()
    assert holding.since == timezone.localdate()


def test_officer_edits_a_person(opcc_client):
    person = PersonFactory(name="Richard Jones", office=None)

    response = opcc_client.post(
        person_url(person), person_data(name="Richard H Jones", initials="RHJ", active="")
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.initials, person.active) == ("Richard H Jones", "RHJ", False)
    assert not OfficeHolding.objects.exists()


def test_a_change_of_office_through_the_form_keeps_the_history(opcc_client):
    acc = OfficeFactory(abbreviation="ACC", title="Assistant Chief Constable")
    dcc = OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable")
    opcc_client.post(NEW_PERSON, person_data(office=acc.pk, since="2022-04-01"))
    person = Person.objects.get()

    opcc_client.post(person_url(person), person_data(office=dcc.pk, since="2023-09-01"))

    first, second = OfficeHolding.objects.filter(person=person).order_by("since")
    assert (first.office, first.since, first.until) == (acc, D1, D2)
    assert (second.office, second.since, second.until) == (dcc, D2, None)
    person.refresh_from_db()
    assert person.office == dcc
    # The office's page shows who holds it now and who held it before, newest first.
    page = opcc_client.get(office_url(acc)).content.decode()
    assert "No one holds this office now" in page
    assert "1 April 2022" in page and "1 September 2023" in page


def test_the_office_page_lists_its_holders_newest_first(opcc_client):
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    first = PersonFactory(name="Anthony Bangham", office=None)
    second = PersonFactory(name="Pippa Mills", office=None)
    office_holding_change(person=first, office=cc, since=D1)
    office_holding_change(person=first, office=None, since=D2)
    office_holding_change(person=second, office=cc, since=D2)

    response = opcc_client.get(office_url(cc))

    history = response.context["history"]
    assert [h.person.name for h in history] == ["Pippa Mills", "Anthony Bangham"]
    assert [p.name for p in response.context["holders"]] == ["Pippa Mills"]


def test_person_form_errors_keep_what_was_typed(opcc_client):
    response = opcc_client.post(
        NEW_PERSON, person_data(name="", initials="RJX", email="not-an-email", since="31/02/2023")
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: New person" in page
    assert "There is a problem" in page
    assert "Enter the person&#x27;s name" in page
    assert "Enter an email address in the correct format" in page
    assert "Enter the date they took the office as a real date" in page
    assert 'value="RJX"' in page
    assert 'value="not-an-email"' in page
    assert 'value="31/02/2023"' in page
    assert 'href="#id_name"' in page
    assert not Person.objects.exists()


def test_a_new_office_dated_before_the_current_one_is_refused_beside_the_date(opcc_client):
    acc = OfficeFactory(abbreviation="ACC")
    dcc = OfficeFactory(abbreviation="DCC")
    person = PersonFactory(name="Richard Jones", office=None)
    office_holding_change(person=person, office=acc, since=D2)

    response = opcc_client.post(person_url(person), person_data(office=dcc.pk, since="2022-04-01"))

    assert response.status_code == 200
    assert "must be on or after 1 September 2023" in response.content.decode()
    assert response.context["form"].errors["since"]
    person.refresh_from_db()
    assert person.office == acc


def test_an_office_cannot_be_taken_from_a_future_date(opcc_client):
    cc = OfficeFactory(abbreviation="CC")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = opcc_client.post(NEW_PERSON, person_data(office=cc.pk, since=tomorrow.isoformat()))

    assert "must be today or in the past" in response.content.decode()
    assert not Person.objects.exists()


def test_search_finds_people_by_initials(opcc_client):
    PersonFactory(name="Richard Jones", initials="RJ")
    PersonFactory(name="Debbie Bryan", initials="DB")

    response = opcc_client.get(PEOPLE, {"q": "rj"})

    assert [p.name for p in response.context["page_obj"]] == ["Richard Jones"]


def test_search_finds_people_by_office(opcc_client):
    treasurer = OfficeFactory(abbreviation="T", title="Treasurer", organisation=Organisation.OPCC)
    PersonFactory(name="Andrew Dale", office=treasurer)
    PersonFactory(name="Debbie Bryan")

    by_title = opcc_client.get(PEOPLE, {"q": "treasurer"})
    by_abbreviation = opcc_client.get(PEOPLE, {"q": "T"})

    assert [p.name for p in by_title.context["page_obj"]] == ["Andrew Dale"]
    assert "Andrew Dale" in [p.name for p in by_abbreviation.context["page_obj"]]


def test_the_people_list_is_paged(opcc_client):
    PersonFactory.create_batch(55, office=None)

    first = opcc_client.get(PEOPLE)
    second = opcc_client.get(PEOPLE, {"page": 2})

    assert len(first.context["page_obj"].object_list) == 50
    assert len(second.context["page_obj"].object_list) == 5


# Offices ------------------------------------------------------------------------------------


def test_officer_creates_an_office(opcc_client):
    response = opcc_client.post(
        NEW_OFFICE,
        {"title": "Treasurer", "abbreviation": "TR", "organisation": "opcc", "position": "3"},
    )

    assert response.status_code == 302
    assert response.url == OFFICES
    office = Office.objects.get(abbreviation="TR")
    assert (office.title, office.organisation, office.position) == ("Treasurer", "opcc", 3)


def test_officer_edits_an_office(opcc_client):
    office = OfficeFactory(abbreviation="DBS", title="Director of Business Services")

    response = opcc_client.post(
        office_url(office),
        {"title": "Director of Resources", "abbreviation": "DBS", "organisation": "force"},
    )

    assert response.status_code == 302
    office.refresh_from_db()
    assert (office.title, office.position) == ("Director of Resources", 0)


def test_an_abbreviation_in_use_in_another_case_is_refused(opcc_client):
    OfficeFactory(abbreviation="CC", title="Chief Constable")

    response = opcc_client.post(
        NEW_OFFICE, {"title": "Chief Clerk", "abbreviation": "cc", "organisation": "force"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: New office" in page
    assert "There is already an office with the abbreviation CC" in page
    assert 'value="Chief Clerk"' in page
    assert Office.objects.count() == 1


def test_an_office_keeps_its_own_abbreviation_when_edited(opcc_client):
    office = OfficeFactory(abbreviation="CC", title="Chief Constable")

    response = opcc_client.post(
        office_url(office),
        {"title": "Chief Constable", "abbreviation": "CC", "organisation": "force"},
    )

    assert response.status_code == 302


def test_office_search_finds_by_abbreviation_and_holder(opcc_client):
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    OfficeFactory(abbreviation="TR", title="Treasurer")
    PersonFactory(name="Pippa Mills", office=cc)

    by_abbreviation = opcc_client.get(OFFICES, {"q": "tr"})
    by_holder = opcc_client.get(OFFICES, {"q": "mills"})

    assert [o.abbreviation for o in by_abbreviation.context["page_obj"]] == ["TR"]
    assert [o.abbreviation for o in by_holder.context["page_obj"]] == ["CC"]


# Who may, and how many queries ---------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.COMMISSIONER, roles.FORCE])
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_the_opcc_may_use_the_directory(client, role, method):
    client.force_login(UserFactory(username="someone", groups=[role]))
    person = PersonFactory(name="Richard Jones")
    office = person.office
    for url in [PEOPLE, OFFICES, NEW_PERSON, NEW_OFFICE, person_url(person), office_url(office)]:
        assert getattr(client, method)(url, person_data(name="Changed")).status_code == 403
    person.refresh_from_db()
    assert person.name == "Richard Jones"


def _people_with_offices(count):
    for n in range(count):
        person = PersonFactory(office=None)
        office_holding_change(person=person, office=OfficeFactory(), since=D1)
        if n % 2:
            office_holding_change(person=person, office=OfficeFactory(), since=D2)


@pytest.mark.parametrize("url", [PEOPLE, OFFICES])
def test_directory_lists_issue_the_same_queries_for_3_or_30_rows(
    opcc_client, captured_queries, django_assert_num_queries, url
):
    _people_with_offices(3)
    opcc_client.get(url)  # the first request of a session may do more: count the second
    with captured_queries() as queries:
        assert opcc_client.get(url).status_code == 200
    few = len(queries)
    _people_with_offices(27)

    with django_assert_num_queries(few):
        response = opcc_client.get(url)

    assert len(response.context["page_obj"].object_list) >= 30


def test_office_page_queries_do_not_grow_with_its_history(
    opcc_client, captured_queries, django_assert_num_queries
):
    office = OfficeFactory()

    def add_holders(count):
        for _ in range(count):
            person = PersonFactory(office=None)
            office_holding_change(person=person, office=office, since=D1)
            office_holding_change(person=person, office=None, since=D2)
        office_holding_change(person=PersonFactory(office=None), office=office, since=D2)

    add_holders(3)
    opcc_client.get(office_url(office))  # the first request of a session may do more
    with captured_queries() as queries:
        assert opcc_client.get(office_url(office)).status_code == 200
    few = len(queries)
    add_holders(27)

    with django_assert_num_queries(few):
        response = opcc_client.get(office_url(office))

    assert len(response.context["history"]) == 32
    assert len(response.context["holders"]) == 2
