"""Search across meetings, agenda items and actions: what it finds, who sees what, the snippet,
the filters and the page. Runs the PostgreSQL full-text engine or the SQLite fallback, whichever
database the suite runs on: the assertions hold for both."""

import datetime
import html
import re
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from meetings.models import Meeting, Topic
from minutes import search as search_module
from minutes.search import HITS_PER_PAGE, search
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    LocalPolicingAreaFactory,
    MeetingFactory,
    OfficeFactory,
    SeriesFactory,
    TopicFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db

NOVEMBER_2022 = "Monthly Assurance Meeting November 2022"
MAY_2018 = "Monthly Assurance Meeting May 2018"
SEARCH = reverse("meetings:search")


@pytest.fixture
def draft_and_approved():
    """A draft meeting and an approved one, each with a marker word in every searchable place:
    the meeting, an item, an action owned by a force office and an update to it."""
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    made = {}
    for status, marker in (
        (Meeting.Status.DRAFT, "zanzibarmarker"),
        (Meeting.Status.APPROVED, "quokkamarker"),
    ):
        meeting = MeetingFactory(status=status, title=f"Meeting about {marker}")
        item = AgendaItemFactory(
            meeting=meeting, title=f"Item on {marker}", minutes=f"Findings on {marker}."
        )
        action = ActionFactory(
            origin_item=item, owners=[cc], description=f"Report on {marker} by March."
        )
        ActionUpdateFactory(action=action, note=f"Progress on {marker} is good.")
        made[status] = (meeting, item, action)
    return made


def kinds_and_titles(hits):
    return {(hit.kind, hit.title) for hit in hits}


# --- What it finds ---------------------------------------------------------------------------


def test_search_finds_op_reset_in_the_november_2022_minutes(seeds, officer):
    hits = search("Op Reset", user=officer)
    outcomes = [hit for hit in hits if hit.kind == "item" and hit.title == "2.3 Outcomes"]
    assert len(outcomes) == 1
    assert outcomes[0].meeting.title == NOVEMBER_2022
    assert {hit.meeting.title for hit in hits} == {NOVEMBER_2022}


def test_search_finds_athena_in_the_may_2018_minutes(seeds, officer):
    hits = search("Athena", user=officer)
    athena = [hit for hit in hits if hit.kind == "item" and hit.title == "2.1d Athena"]
    assert len(athena) == 1
    assert athena[0].meeting.title == MAY_2018
    item = Meeting.objects.get(title=MAY_2018).items.get(title="Athena")
    assert athena[0].url == f"{item.meeting.get_absolute_url()}#item-{item.pk}"


def test_the_search_page_links_each_hit_to_its_item_in_the_minutes(client, seeds, officer):
    client.force_login(officer)
    response = client.get(SEARCH, {"q": "Op Reset"})
    assert response.status_code == 200
    text = page_text(response)
    assert f"Agenda item 2.3 Outcomes {NOVEMBER_2022}, 29 November 2022" in text
    meeting = Meeting.objects.get(title=NOVEMBER_2022)
    outcomes = meeting.items.get(title="Outcomes")
    assert f'href="/meetings/{meeting.pk}/#item-{outcomes.pk}"' in response.content.decode()


def test_search_matches_questions_background_and_action_descriptions(officer):
    item = AgendaItemFactory(
        background="The wombatbackground figures.", questions="What about wombatquestion?"
    )
    action = ActionFactory(description="Send the wombataction paper.")
    assert kinds_and_titles(search("wombatbackground", user=officer)) == {
        ("item", f"1 {item.title}")
    }
    assert len(search("wombatquestion", user=officer)) == 1
    assert kinds_and_titles(search("wombataction", user=officer)) == {("action", action.reference)}


def test_an_action_is_found_through_the_note_of_an_update(client, officer):
    action = ActionFactory(description="Review the estate strategy.")
    ActionUpdateFactory(action=action, note="The numbatnote review has started.")
    ActionUpdateFactory(action=action, note="The numbatnote review is finished.")
    hits = search("numbatnote", user=officer)
    assert [(hit.kind, hit.title) for hit in hits] == [("action", action.reference)]
    assert "Matched in an update" in hits[0].context
    client.force_login(officer)
    response = client.get(SEARCH, {"q": "numbatnote"})
    assert f'href="{action.get_absolute_url()}"' in response.content.decode()


def test_a_meeting_is_found_by_its_title_focus_or_venue(officer):
    meeting = MeetingFactory(focus="The kiwifocus theme", venue="Kiwivenue House")
    assert kinds_and_titles(search("kiwifocus", user=officer)) == {("meeting", meeting.title)}
    assert kinds_and_titles(search("kiwivenue", user=officer)) == {("meeting", meeting.title)}


def test_an_empty_query_finds_nothing(officer):
    AgendaItemFactory()
    assert search("   ", user=officer) == []


# --- Who sees what -----------------------------------------------------------------------------


def test_a_force_users_search_never_returns_draft_content(draft_and_approved, force_user):
    assert search("zanzibarmarker", user=force_user) == []
    found = search("quokkamarker", user=force_user)
    assert {hit.kind for hit in found} == {"meeting", "item", "action"}


def test_the_opcc_and_the_commissioner_find_draft_content(
    draft_and_approved, officer, commissioner
):
    meeting, item, action = draft_and_approved[Meeting.Status.DRAFT]
    for user in (officer, commissioner):
        assert kinds_and_titles(search("zanzibarmarker", user=user)) == {
            ("meeting", meeting.title),
            ("item", f"1 {item.title}"),
            ("action", action.reference),
        }


def test_the_search_page_shows_a_force_user_nothing_of_a_draft(
    client, draft_and_approved, force_user
):
    meeting, item, action = draft_and_approved[Meeting.Status.DRAFT]
    client.force_login(force_user)
    response = client.get(SEARCH, {"q": "zanzibarmarker"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nothing matched" in page_text(response)
    for leak in (meeting.get_absolute_url(), action.get_absolute_url(), item.title, "Findings"):
        assert leak not in body


def test_a_force_user_does_not_find_actions_owned_only_by_the_opcc(force_user):
    pcc = OfficeFactory(abbreviation="PCC", organisation="opcc")
    item = AgendaItemFactory(meeting__status=Meeting.Status.PUBLISHED, title="Estates")
    ActionFactory(origin_item=item, owners=[pcc], description="The dingoaction letter.")
    assert search("dingoaction", user=force_user) == []


def test_restricted_items_are_found_by_signed_in_staff_who_can_read_the_meeting(force_user):
    item = AgendaItemFactory(
        meeting__status=Meeting.Status.APPROVED,
        restricted=True,
        restricted_reason="Operationally sensitive",
        minutes="The emumarker operation.",
    )
    hits = search("emumarker", user=force_user)
    assert [(hit.kind, hit.restricted) for hit in hits] == [("item", True)]
    assert hits[0].meeting == item.meeting


def test_a_user_without_a_role_finds_nothing(draft_and_approved, no_role_user):
    assert search("quokkamarker", user=no_role_user) == []


# --- Snippets ----------------------------------------------------------------------------------


def test_the_snippet_highlights_the_term(officer):
    AgendaItemFactory(minutes="Before the meeting the koalaterm figures rose. Then more.")
    (hit,) = search("koalaterm", user=officer)
    assert "<mark>koalaterm</mark>" in hit.snippet


def test_the_snippet_escapes_html_typed_into_the_minutes(client, officer):
    AgendaItemFactory(minutes="Before <script>marker</script> & <b>after</b>.")
    (hit,) = search("marker", user=officer)
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;<mark>marker</mark>&lt;/script&gt; &amp; &lt;b&gt;after" in hit.snippet
    client.force_login(officer)
    body = client.get(SEARCH, {"q": "marker"}).content.decode()
    assert "<script>marker" not in body
    assert "&lt;script&gt;<mark>marker</mark>&lt;/script&gt;" in body


def test_the_snippet_of_long_minutes_is_cut_around_the_match(officer):
    filler = "The force reported steady progress on its plans. " * 40
    AgendaItemFactory(minutes=f"{filler}The platypusterm appeared here. {filler}")
    (hit,) = search("platypusterm", user=officer)
    assert "<mark>platypusterm</mark>" in hit.snippet
    assert len(hit.snippet) < 600


def test_the_query_typed_is_escaped_on_the_page(client, officer):
    client.force_login(officer)
    response = client.get(SEARCH, {"q": "<img src=x onerror=alert(1)>"})
    body = response.content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


# --- Filters -----------------------------------------------------------------------------------


@pytest.fixture
def two_meetings_about_widgets():
    """Two published meetings, different in series, year, topic and area, both discussing
    widgets: one of the monthly series, one of a thematic series."""
    monthly = MeetingFactory(date=datetime.date(2021, 3, 2), status="published")
    thematic = MeetingFactory(
        series=SeriesFactory(name="Thematic Assurance Meeting"),
        date=datetime.date(2023, 6, 6),
        status="published",
    )
    items = {}
    for name, meeting, topic, area in (
        ("monthly", monthly, "Call handling", "Shropshire"),
        ("thematic", thematic, "Response times", "Herefordshire"),
    ):
        item = AgendaItemFactory(meeting=meeting, minutes="The widgetword numbers were high.")
        item.topics.add(TopicFactory(name=topic, slug=topic.lower().replace(" ", "-")))
        item.areas.add(LocalPolicingAreaFactory(name=area, slug=area.lower()))
        ActionFactory(origin_item=item, description="A widgetword briefing.")
        items[name] = item
    return items


def meetings_found(hits):
    names = {"Monthly Assurance Meeting": "monthly", "Thematic Assurance Meeting": "thematic"}
    return {names[hit.meeting.series.name] for hit in hits}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"monthly", "thematic"}),
        ({"series": "thematic"}, {"thematic"}),
        ({"year": 2021}, {"monthly"}),
        ({"topic": "call-handling"}, {"monthly"}),
        ({"area": "herefordshire"}, {"thematic"}),
        ({"series": "thematic", "year": 2021}, set()),
    ],
)
def test_filters_narrow_the_results(client, two_meetings_about_widgets, officer, filters, expected):
    if "series" in filters:  # the series is chosen by its id
        item = two_meetings_about_widgets[filters["series"]]
        filters = filters | {"series": item.meeting.series_id}
    client.force_login(officer)
    response = client.get(SEARCH, {"q": "widgetword", **filters})
    assert response.status_code == 200
    assert not response.context["form"].errors
    hits = response.context["hits"]
    assert meetings_found(hits) == expected
    # Items and actions are narrowed alike.
    assert {hit.kind for hit in hits} == ({"item", "action"} if expected else set())


def test_a_topic_filter_narrows_meetings_to_those_discussing_it(officer):
    tagged = AgendaItemFactory(meeting__title="Wallaby review one")
    tagged.topics.add(TopicFactory(slug="confidence", name="Confidence"))
    AgendaItemFactory(meeting__title="Wallaby review two")
    hits = search("wallaby", user=officer, topic=Topic.objects.get(slug="confidence"))
    assert kinds_and_titles(hits) == {("meeting", "Wallaby review one")}


def test_bad_filter_values_are_reported_with_the_error_summary(client, officer):
    MeetingFactory(date=datetime.date(2022, 5, 3))
    client.force_login(officer)
    response = client.get(
        SEARCH, {"q": "what I typed", "year": "1999", "series": "nonsense", "topic": "no-such"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    text = page_text(response)
    assert text.startswith("Error: Search")
    assert "There is a problem" in text
    assert '<a href="#id_year">Choose a year from the list.</a>' in body
    assert '<a href="#id_series">Choose a series from the list.</a>' in body
    assert '<a href="#id_topic">Choose a topic from the list.</a>' in body
    assert 'value="what I typed"' in body
    assert response.context["hits"] is None


def test_a_search_with_no_words_asks_for_some(client, officer):
    client.force_login(officer)
    response = client.get(SEARCH, {"q": "", "year": ""})
    assert '<a href="#id_q">Enter a word or phrase to search for.</a>' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_first_visit_shows_the_form_without_errors(client, officer):
    client.force_login(officer)
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert "There is a problem" not in page_text(response)
    body = response.content.decode()
    assert re.search(r'<label [^>]*for="id_q"[^>]*>Search for</label>', body)
    assert re.search(r'<input type="search" name="q"[^>]*id="id_q"', body)


def test_no_match_says_so_and_suggests_what_to_try(client, officer):
    AgendaItemFactory()
    client.force_login(officer)
    text = page_text(client.get(SEARCH, {"q": "xylophonium"}))
    assert "Nothing matched “xylophonium”" in text
    assert "checking the spelling" in text


# --- Pages and cost -----------------------------------------------------------------------------


def meetings_matching(count):
    """``count`` published meetings, each matching "gecko" three times: the meeting, a
    sub-item and the action arising (through its description and an update). Every match is
    in a field of the same weight, so on PostgreSQL they rank alike and every page of results
    holds each kind, as on SQLite."""
    office = OfficeFactory(abbreviation="CC")
    for _ in range(count):
        item = AgendaItemFactory(
            meeting__status=Meeting.Status.PUBLISHED, meeting__focus="The gecko theme"
        )
        AgendaItemFactory(meeting=item.meeting, parent=item, questions="What of the gecko?")
        action = ActionFactory(origin_item=item, owners=[office], description="A gecko report.")
        ActionUpdateFactory(action=action, note="The gecko report is drafted.")


def search_page(client, **params):
    response = client.get(SEARCH, {"q": "gecko", **params})
    assert response.status_code == 200
    return response


def urls(response):
    return [hit.url for hit in response.context["hits"]]


def page_links(response):
    """The query strings of the paging links, parsed."""
    body = response.content.decode().split('class="pagination-nav')[1]
    return [parse_qs(html.unescape(href)[1:]) for href in re.findall(r'href="(\?[^"]*)"', body)]


def test_the_results_come_a_page_at_a_time_and_the_total_counts_them_all(client, officer):
    meetings_matching(8)
    client.force_login(officer)
    first = search_page(client)
    second = search_page(client, page=2)
    assert len(first.context["hits"]) == HITS_PER_PAGE == 20
    assert len(second.context["hits"]) == 4
    assert not set(urls(first)) & set(urls(second))
    # The two pages are the whole search, in its order.
    assert urls(first) + urls(second) == [hit.url for hit in search("gecko", user=officer)]
    for number, response in enumerate((first, second), start=1):
        text = page_text(response)
        assert "24 results for “gecko”: 8 meetings, 8 agenda items and 8 actions." in text
        assert f"Page {number} of 2" in text
    assert "Showing 1 to 20." in page_text(first)
    assert "Showing 21 to 24." in page_text(second)
    assert page_text(second).startswith("Search: gecko (page 2 of 2)")
    assert 'start="21"' in second.content.decode()
    assert 'rel="next"' in first.content.decode()
    assert 'rel="prev"' in second.content.decode()


def test_one_page_of_results_has_no_paging_links(client, officer):
    meetings_matching(2)
    client.force_login(officer)
    response = search_page(client)
    assert len(response.context["hits"]) == 6
    assert "pagination-nav" not in response.content.decode()
    assert "Showing" not in page_text(response)


def test_the_paging_links_keep_the_query_and_the_filters(client, officer):
    topic = TopicFactory(slug="call-handling", name="Call handling")
    meeting = MeetingFactory(
        status="published", series=SeriesFactory(), date=datetime.date(2021, 3, 2)
    )
    for _ in range(HITS_PER_PAGE + 5):
        AgendaItemFactory(meeting=meeting, minutes="The gecko figures.").topics.add(topic)
    filters = {"series": str(meeting.series_id), "year": "2021", "topic": "call-handling"}
    client.force_login(officer)
    response = search_page(client, **filters)
    expected = {"q": ["gecko"]} | {name: [value] for name, value in filters.items()}
    links = page_links(response)
    assert links
    assert all(link == expected | {"page": [link["page"][0]]} for link in links)
    assert {"page": ["2"]} | expected in links
    second = search_page(client, **filters, page=2)
    assert len(second.context["hits"]) == 5
    assert all(link == expected | {"page": [link["page"][0]]} for link in page_links(second))


def test_the_counts_and_the_cap_notice_cover_every_match_not_only_the_page(
    client, officer, monkeypatch
):
    monkeypatch.setattr(search_module, "MAX_HITS_PER_KIND", 10)
    meetings_matching(12)
    client.force_login(officer)
    for page in (1, 2):
        response = search_page(client, page=page)
        assert response.context["counts"] == {"meeting": 10, "item": 10, "action": 10}
        assert response.context["capped"]
        text = page_text(response)
        assert "30 results for “gecko”: 10 meetings, 10 agenda items and 10 actions." in text
        assert "Only the best" in text


def test_a_search_under_the_cap_has_no_cap_notice(client, officer):
    meetings_matching(2)
    client.force_login(officer)
    response = search_page(client)
    assert not response.context["capped"]
    assert "Only the best" not in page_text(response)


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("0", 2), ("99", 2), ("", 1)])
def test_a_page_number_out_of_range_shows_the_nearest_page(client, officer, page, shown):
    meetings_matching(8)
    client.force_login(officer)
    response = search_page(client, page=page)
    assert response.context["page_obj"].number == shown


def test_a_hostile_snippet_on_a_later_page_is_escaped(client, officer):
    meeting = MeetingFactory(status="published")
    for _ in range(HITS_PER_PAGE):
        AgendaItemFactory(meeting=meeting, position=1, minutes="Plain gecko figures.")
    AgendaItemFactory(
        meeting=meeting, position=99, minutes="Before <script>gecko</script> & after."
    )
    client.force_login(officer)
    response = search_page(client, page=2)
    body = response.content.decode()
    assert len(response.context["hits"]) == 1
    assert "<script>gecko" not in body
    assert "&lt;script&gt;<mark>gecko</mark>&lt;/script&gt; &amp; after" in body


@pytest.mark.parametrize("user_fixture", ["officer", "force_user"])
def test_a_page_of_results_costs_the_same_queries_for_5_matching_meetings_as_for_60(
    client, request, user_fixture, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(user_fixture))
    meetings_matching(5)
    search_page(client)  # warm the session
    with django_assert_max_num_queries(15) as queries:
        response = search_page(client)
    few = len(queries)
    assert len(response.context["hits"]) == 5 * 3  # meeting, sub-item, action
    assert not response.context["page_obj"].has_other_pages()
    meetings_matching(55)
    for page in (1, 5, 9):
        with django_assert_num_queries(few, info=f"page {page}"):
            response = search_page(client, page=page)
        assert response.context["page_obj"].paginator.count == 60 * 3
        assert len(response.context["hits"]) == HITS_PER_PAGE


# --- Who may open the page ---------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["officer", "commissioner", "force_user"])
def test_every_role_may_search(client, request, user_fixture, draft_and_approved):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(SEARCH, {"q": "quokkamarker"})
    assert response.status_code == 200
    assert len(response.context["hits"]) == 3


def test_a_user_without_a_role_is_told_they_have_no_access(client, no_role_user):
    client.force_login(no_role_user)
    response = client.get(SEARCH, {"q": "anything"})
    assert response.status_code == 200
    assert "Your account has not been given a role yet" in page_text(response)
    assert "<form" not in response.content.decode().split('id="main-content"')[1]


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(SEARCH, {"q": "Athena"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
