"""Topic and area pages: every agenda item that discussed a topic or a local policing area, across
the meetings the user may read, oldest first, with its number, assurance level and actions."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import AgendaItem, Meeting
from tests import factories
from tests.pages import page_text
from tests.seed_data import load_seeds

pytestmark = pytest.mark.django_db


def topic_url(slug):
    return reverse("meetings:topic", args=[slug])


def area_url(slug):
    return reverse("meetings:area", args=[slug])


@pytest.fixture
def call_handling():
    return factories.TopicFactory(name="Call handling", slug="call-handling")


def discussed(topic, date, title, *, status=Meeting.Status.PUBLISHED, nested=False, **fields):
    """An item on ``topic`` at a meeting on ``date``; nested under another item if asked."""
    meeting = factories.MeetingFactory(date=date, status=status)
    parent = None
    if nested:
        parent = factories.AgendaItemFactory(meeting=meeting, position=1, title="Performance")
    factories.AgendaItemFactory(meeting=meeting, position=0, title="Welcome")
    item = factories.AgendaItemFactory(
        meeting=meeting, parent=parent, position=2 if parent is None else 1, title=title, **fields
    )
    item.topics.add(topic)
    return item


def test_the_topic_page_lists_items_across_meetings_oldest_first_with_their_actions(
    client, officer, call_handling
):
    cc = factories.OfficeFactory(abbreviation="CC", title="Chief Constable")
    pcc = factories.OfficeFactory(abbreviation="PCC", title="Police and Crime Commissioner")
    later = discussed(
        call_handling,
        datetime.date(2022, 11, 29),
        "101 call answering",
        nested=True,
        assurance_level=AgendaItem.Assurance.PARTLY_ASSURED,
        minutes="The CC set out the recruitment plan for the OCC.",
    )
    earlier = discussed(
        call_handling,
        datetime.date(2018, 5, 29),
        "999 performance",
        assurance_level=AgendaItem.Assurance.NOT_ASSURED,
    )
    middle = discussed(call_handling, datetime.date(2020, 1, 14), "Call handling review")
    factories.ActionFactory(
        origin_item=later,
        reference="2022-11-05",
        description="Report 101 answer times monthly.",
        owners=[cc, pcc],
        status="in_progress",
    )
    factories.ActionFactory(origin_item=earlier, reference="2018-05-04", status="closed")
    factories.AgendaItemFactory(meeting=later.meeting, title="Not about calls")

    client.force_login(officer)
    response = client.get(topic_url("call-handling"))
    assert response.status_code == 200
    text = page_text(response)
    assert text.index("999 performance") < text.index("Call handling review")
    assert text.index("Call handling review") < text.index("101 call answering")
    assert "Not about calls" not in text
    assert "3 agenda items at 3 meetings discussed this topic, oldest first." in text
    # Derived numbers: the nested item is 2.1 in its meeting, the others 2.
    assert "2 999 performance" in text
    assert "2.1 101 call answering" in text
    assert "Assurance: Not assured" in text
    assert "Assurance: Partly assured" in text
    assert "The CC set out the recruitment plan for the OCC." in text
    assert "2022-11-05 Report 101 answer times monthly. CC / PCC In progress" in text
    assert "2018-05-04" in text and "Closed" in text
    assert "No actions arose from this item." in text  # the 2020 item
    body = response.content.decode()
    assert f'href="{later.get_absolute_url()}"' in body
    assert f'href="{middle.meeting.get_absolute_url()}"' in body


def test_the_topic_page_of_the_seeds_shows_call_handling_in_2018_and_2022(client, officer):
    load_seeds()
    client.force_login(officer)
    text = page_text(client.get(topic_url("call-handling")))
    may_2018 = text.index("2.1f Call handling Monthly Assurance Meeting May 2018")
    assert may_2018 < text.index("2.5 Call handling Monthly Assurance Meeting November 2022")


def test_the_area_page_lists_the_items_about_the_area(client, officer):
    shropshire = factories.LocalPolicingAreaFactory(name="Shropshire", slug="shropshire")
    item = factories.AgendaItemFactory(
        meeting__status="published", title="Rural crime in Shropshire"
    )
    item.areas.add(shropshire)
    factories.AgendaItemFactory(meeting=item.meeting, title="Elsewhere")
    client.force_login(officer)
    response = client.get(area_url("shropshire"))
    text = page_text(response)
    assert "Shropshire" in text
    assert "Rural crime in Shropshire" in text
    assert "Elsewhere" not in text
    assert "discussed this local policing area" in text


def test_a_force_user_never_sees_draft_items_on_a_topic_page(client, force_user, call_handling):
    discussed(call_handling, datetime.date(2022, 1, 4), "Published item")
    discussed(call_handling, datetime.date(2022, 2, 1), "Draft item", status="draft")
    client.force_login(force_user)
    text = page_text(client.get(topic_url("call-handling")))
    assert "Published item" in text
    assert "Draft item" not in text


def test_the_opcc_sees_draft_items_marked_as_draft(client, officer, call_handling):
    discussed(call_handling, datetime.date(2022, 2, 1), "Draft item", status="draft")
    client.force_login(officer)
    text = page_text(client.get(topic_url("call-handling")))
    assert "Draft item" in text
    assert "Draft minutes" in text


def test_a_force_user_sees_only_the_actions_they_may_read(client, force_user, call_handling):
    item = discussed(call_handling, datetime.date(2022, 1, 4), "Published item")
    factories.ActionFactory(
        origin_item=item, reference="F-1", owners=[factories.OfficeFactory(abbreviation="CC")]
    )
    pcc = factories.OfficeFactory(abbreviation="PCC", organisation="opcc")
    factories.ActionFactory(origin_item=item, reference="O-1", owners=[pcc])
    client.force_login(force_user)
    text = page_text(client.get(topic_url("call-handling")))
    assert "F-1" in text
    assert "O-1" not in text


def test_a_topic_nobody_discussed_says_so(client, officer, call_handling):
    client.force_login(officer)
    text = page_text(client.get(topic_url("call-handling")))
    assert "No agenda item in the meetings you can read has discussed this topic yet." in text


def test_an_unknown_topic_or_area_is_404(client, officer):
    client.force_login(officer)
    assert client.get(topic_url("no-such-topic")).status_code == 404
    assert client.get(area_url("no-such-area")).status_code == 404


def test_the_topic_index_links_each_topic_with_the_items_the_user_may_read(
    client, force_user, call_handling
):
    factories.TopicFactory(name="Response times", slug="response-times")
    discussed(call_handling, datetime.date(2022, 1, 4), "Published one")
    discussed(call_handling, datetime.date(2022, 3, 1), "Published two")
    discussed(call_handling, datetime.date(2022, 2, 1), "Draft", status="draft")
    client.force_login(force_user)
    response = client.get(reverse("meetings:topics"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Call handling 2 Response times 0" in text  # by name; the draft's item not counted
    assert f'href="{topic_url("call-handling")}"' in response.content.decode()


def test_the_area_index_keeps_the_areas_order_and_marks_retired_ones(client, officer):
    factories.LocalPolicingAreaFactory(name="Shropshire", slug="shropshire", position=2)
    factories.LocalPolicingAreaFactory(name="Herefordshire", slug="herefordshire", position=1)
    factories.LocalPolicingAreaFactory(name="North", slug="north", position=3, active=False)
    client.force_login(officer)
    text = page_text(client.get(reverse("meetings:areas")))
    assert "Herefordshire 0 Shropshire 0 North (no longer in use) 0" in text


def meetings_on_topic(topic, count, start):
    office = factories.OfficeFactory(abbreviation="CC")
    for index in range(count):
        item = discussed(
            topic, start + datetime.timedelta(days=28 * index), f"Item {index}", nested=True
        )
        item.areas.add(factories.LocalPolicingAreaFactory(slug="shropshire", name="Shropshire"))
        factories.ActionFactory(
            origin_item=item, owners=[office, factories.OfficeFactory(abbreviation="DCC")]
        )
        factories.ActionFactory(origin_item=item, owners=[office])


@pytest.mark.parametrize("user_fixture", ["officer", "force_user"])
@pytest.mark.parametrize("url", [topic_url("call-handling"), area_url("shropshire")])
def test_a_topic_or_area_page_costs_the_same_queries_for_2_meetings_as_for_20(
    client,
    request,
    call_handling,
    user_fixture,
    url,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    client.force_login(request.getfixturevalue(user_fixture))
    meetings_on_topic(call_handling, 2, datetime.date(2019, 1, 8))
    client.get(url)  # warm the session
    with django_assert_max_num_queries(12) as queries:
        assert client.get(url).status_code == 200
    few = len(queries)
    meetings_on_topic(call_handling, 18, datetime.date(2020, 1, 7))
    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200
    assert page_text(client.get(url)).count("Item ") >= 20


@pytest.mark.parametrize("url_name", ["meetings:topics", "meetings:areas"])
def test_an_index_page_costs_the_same_queries_for_2_topics_as_for_20(
    client, officer, url_name, captured_queries, django_assert_num_queries
):
    client.force_login(officer)
    for index in range(2):
        factories.TopicFactory(slug=f"t{index}")
        factories.LocalPolicingAreaFactory(slug=f"a{index}")
    client.get(reverse(url_name))
    with captured_queries() as queries:
        assert client.get(reverse(url_name)).status_code == 200
    few = len(queries)
    for index in range(2, 20):
        factories.TopicFactory(slug=f"t{index}")
        factories.LocalPolicingAreaFactory(slug=f"a{index}")
    with django_assert_num_queries(few):
        assert client.get(reverse(url_name)).status_code == 200


URLS = [
    reverse("meetings:topics"),
    reverse("meetings:areas"),
    topic_url("call-handling"),
    area_url("shropshire"),
]


@pytest.fixture
def topic_and_area(call_handling):
    item = discussed(call_handling, datetime.date(2022, 1, 4), "Published item")
    item.areas.add(factories.LocalPolicingAreaFactory(name="Shropshire", slug="shropshire"))


@pytest.mark.parametrize("user_fixture", ["officer", "commissioner", "force_user"])
@pytest.mark.parametrize("url", URLS)
def test_every_role_may_read_the_topic_and_area_pages(
    client, request, topic_and_area, user_fixture, url
):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(url)
    assert response.status_code == 200
    assert "Your account has not been given a role yet" not in page_text(response)


@pytest.mark.parametrize("url", URLS)
def test_a_user_without_a_role_is_told_they_have_no_access(
    client, topic_and_area, no_role_user, url
):
    client.force_login(no_role_user)
    response = client.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert "Your account has not been given a role yet" in text
    assert "Published item" not in text


@pytest.mark.parametrize("url", URLS)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, topic_and_area, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
