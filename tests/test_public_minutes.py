"""The public minutes at /public/: published meetings only, restricted items withheld, nothing
internal, no sign-in needed."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from actions.models import ReviewedAction
from assurance.caching import content_changed
from meetings.models import AgendaItem, ApprovedMinutes, Meeting
from minutes.publishing import meeting_approve, meeting_publish, meeting_reopen
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    OfficeFactory,
    SeriesFactory,
    UserFactory,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db

# In every restricted text below; must never reach a public response. One word, so a PDF's
# line breaking cannot split it.
MARKER = "Zqxwithheld7731"
AUTHOR = "updateauthor9"


def build_restricted_meetings() -> SimpleNamespace:
    """Two published meetings. The first has an ordinary item and a restricted one (every text
    field and its action carrying MARKER) with a sub-item; the second carries both items'
    actions forward as outstanding matters, with updates given at it."""
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    earlier = MeetingFactory(
        date=datetime.date(2022, 9, 27),
        title="Monthly Assurance Meeting September 2022",
        status=Meeting.Status.PUBLISHED,
    )
    AttendanceFactory(meeting=earlier)
    AgendaItemFactory(
        meeting=earlier, position=1, title="Outstanding matters", kind="outstanding", minutes=""
    )
    ordinary = AgendaItemFactory(
        meeting=earlier, position=2, title="Call handling", minutes="101 calls were discussed."
    )
    restricted = AgendaItemFactory(
        meeting=earlier,
        position=3,
        title=f"Operation {MARKER}",
        background=f"Background on {MARKER}.",
        questions=f"What about {MARKER}?",
        minutes=f"The findings on {MARKER}.",
        assurance_level=AgendaItem.Assurance.PARTLY_ASSURED,
        assurance_statement=f"Partly assured about {MARKER}.",
        decision=f"Decided on {MARKER}.",
        restricted=True,
        restricted_reason=f"Live investigation {MARKER}",
    )
    sub_item = AgendaItemFactory(
        meeting=earlier,
        parent=restricted,
        position=1,
        title=f"Sub-item on {MARKER}",
        minutes=f"Sub-item findings {MARKER}.",
    )
    AgendaItemFactory(meeting=earlier, position=4, title="AOB", minutes="None.")
    ordinary_action = ActionFactory(
        origin_item=ordinary,
        reference="2022-09-01",
        description="Share the 101 call data.",
        owners=[cc],
    )
    secret_action = ActionFactory(
        origin_item=restricted,
        reference="2022-09-02",
        description=f"Brief the PCC on {MARKER}.",
        owners=[cc],
    )
    sub_action = ActionFactory(
        origin_item=sub_item,
        reference="2022-09-03",
        description=f"Report on the sub-item {MARKER}.",
        owners=[cc],
    )

    later = MeetingFactory(
        date=datetime.date(2022, 11, 29),
        title="Monthly Assurance Meeting November 2022",
        status=Meeting.Status.PUBLISHED,
    )
    AgendaItemFactory(
        meeting=later, position=1, title="Outstanding matters", kind="outstanding", minutes=""
    )
    AgendaItemFactory(meeting=later, position=2, title="Response times")
    author = UserFactory(username=AUTHOR)
    ActionUpdateFactory(
        action=ordinary_action, meeting=later, author=author, note="The data was shared."
    )
    ActionUpdateFactory(
        action=secret_action, meeting=later, author=author, note=f"Progress on {MARKER}."
    )
    ActionUpdateFactory(
        action=sub_action, meeting=later, author=author, note=f"Sub-item update {MARKER}."
    )
    return SimpleNamespace(
        earlier=earlier,
        later=later,
        restricted=restricted,
        sub_item=sub_item,
        ordinary_action=ordinary_action,
        secret_action=secret_action,
    )


@pytest.fixture
def restricted_meetings():
    return build_restricted_meetings()


def public_url(meeting):
    return reverse("public:detail", args=[meeting.pk])


def hrefs(response) -> list[str]:
    return re.findall(r'href="([^"]*)"', response.content.decode())


def reopened_meeting(officer):
    meeting = MeetingFactory(
        date=datetime.date(2022, 10, 25), title="Reopened Meeting October 2022"
    )
    # Minutes are approved only with attendance and an agenda.
    AttendanceFactory(meeting=meeting)
    AgendaItemFactory(meeting=meeting, title="Response times")
    meeting_approve(meeting=meeting, user=officer)
    meeting_publish(meeting=meeting, user=officer)
    meeting_reopen(meeting=meeting, user=officer, reason="Item 2 was minuted wrongly.")
    return meeting


def test_anyone_can_read_published_minutes_without_signing_in(client, restricted_meetings):
    response = client.get(public_url(restricted_meetings.earlier))

    assert response.status_code == 200
    text = page_text(response)
    assert "Monthly Assurance Meeting September 2022" in text
    assert "2 Call handling" in text
    assert "101 calls were discussed." in text
    assert "Share the 101 call data." in text


def test_restricted_items_and_their_sub_items_are_one_line_saying_taken_in_private(
    client, restricted_meetings
):
    response = client.get(public_url(restricted_meetings.earlier))

    text = page_text(response)
    assert MARKER.lower() not in response.content.decode().lower()
    assert "3 Item taken in private" in text
    assert text.count("This item was taken in private and is not published.") == 1
    assert "3.1" not in text  # the sub-item is not even numbered
    assert "4 AOB" in text  # the items after it keep their numbers
    assert "2022-09-02" not in text and "2022-09-03" not in text  # nor its actions


def test_actions_from_restricted_items_are_not_carried_forward_in_public(
    client, officer, restricted_meetings
):
    later = restricted_meetings.later
    client.force_login(officer)
    internal = client.get(later.get_absolute_url())
    assert MARKER in internal.content.decode()  # the internal minutes do carry it forward
    client.logout()

    response = client.get(public_url(later))

    body = response.content.decode()
    assert MARKER.lower() not in body.lower()
    assert "2022-09-02" not in body and "2022-09-03" not in body
    text = page_text(response)
    assert "Share the 101 call data." in text  # the ordinary action is still there
    assert "The data was shared." in text


def test_no_response_on_the_public_site_mentions_restricted_text(client, restricted_meetings):
    series = restricted_meetings.earlier.series_id
    urls = [reverse("public:list"), reverse("public:list") + f"?year=2022&series={series}"]
    urls += [public_url(m) for m in (restricted_meetings.earlier, restricted_meetings.later)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER.lower() not in response.content.decode().lower(), url


def test_public_minutes_show_no_update_authors_status_badge_toolbar_or_history(
    client, restricted_meetings
):
    response = client.get(public_url(restricted_meetings.later))

    body = response.content.decode()
    assert AUTHOR not in body
    assert "status-badge" not in body
    assert "Published" not in page_text(response).replace("Published minutes", "")
    assert "Minute taking" not in body and 'id="history"' not in body
    assert "Signed in as" not in body


def test_public_pages_link_only_to_public_pages(client, officer, restricted_meetings):
    client.force_login(officer)  # even for a signed-in visitor
    urls = [reverse("public:list")]
    urls += [public_url(m) for m in (restricted_meetings.earlier, restricted_meetings.later)]
    for url in urls:
        links = hrefs(client.get(url))
        assert links, url
        for link in links:
            assert link.startswith(("/public/", "/static/", "#")), (url, link)
            assert not link.startswith(("/meetings/", "/actions/", "/admin/", "/accounts/"))


def test_the_outstanding_matters_link_to_the_earlier_meetings_public_page(
    client, restricted_meetings
):
    links = hrefs(client.get(public_url(restricted_meetings.later)))

    assert public_url(restricted_meetings.earlier) in links


@pytest.mark.parametrize("name", ["public:detail", "public:pdf"])
def test_a_draft_meeting_is_not_found_on_the_public_site(client, name):
    draft = MeetingFactory(title="Draft Meeting December 2022")

    assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    assert "Draft Meeting December 2022" not in page_text(client.get(reverse("public:list")))


@pytest.mark.parametrize("name", ["public:detail", "public:pdf"])
def test_an_approved_but_unpublished_meeting_is_not_found_on_the_public_site(client, name):
    approved = MeetingFactory(status=Meeting.Status.APPROVED)

    assert client.get(reverse(name, args=[approved.pk])).status_code == 404


@pytest.mark.parametrize("name", ["public:detail", "public:pdf"])
def test_a_reopened_meeting_disappears_from_the_public_site(client, officer, name):
    meeting = reopened_meeting(officer)

    assert client.get(reverse(name, args=[meeting.pk])).status_code == 404
    assert "Reopened Meeting October 2022" not in page_text(client.get(reverse("public:list")))


def test_a_reopened_meeting_comes_back_when_published_again(client, officer):
    meeting = reopened_meeting(officer)
    meeting_approve(meeting=meeting, user=officer)
    meeting_publish(meeting=meeting, user=officer)

    assert client.get(public_url(meeting)).status_code == 200
    assert "Reopened Meeting October 2022" in page_text(client.get(reverse("public:list")))


def test_the_list_shows_published_meetings_newest_first(client):
    for year in (2018, 2022, 2020):
        MeetingFactory(
            date=datetime.date(year, 5, 29),
            title=f"Published Meeting {year}",
            status=Meeting.Status.PUBLISHED,
        )
    MeetingFactory(date=datetime.date(2023, 1, 10), title="Draft Meeting 2023")

    text = page_text(client.get(reverse("public:list")))

    positions = [text.index(f"Published Meeting {year}") for year in (2022, 2020, 2018)]
    assert positions == sorted(positions)
    assert "Draft Meeting 2023" not in text


def monthly_and_thematic_2022():
    """Published minutes of 2022: "Monthly 2022" in the default series and "Thematic 2022" in a
    series of its own, which is returned."""
    MeetingFactory(
        date=datetime.date(2022, 5, 1), title="Monthly 2022", status=Meeting.Status.PUBLISHED
    )
    thematic = MeetingFactory(
        date=datetime.date(2022, 6, 1),
        series=SeriesFactory(name="Thematic Assurance Meeting"),
        title="Thematic 2022",
        status=Meeting.Status.PUBLISHED,
    )
    return thematic


def test_the_list_filters_by_year_and_series(client):
    thematic = monthly_and_thematic_2022()
    MeetingFactory(
        date=datetime.date(2018, 5, 1), title="Monthly 2018", status=Meeting.Status.PUBLISHED
    )

    by_year = page_text(client.get(reverse("public:list"), {"year": "2022"}))
    by_kind = page_text(client.get(reverse("public:list"), {"series": thematic.series_id}))

    assert "Monthly 2022" in by_year and "Thematic 2022" in by_year
    assert "Monthly 2018" not in by_year
    assert "Thematic 2022" in by_kind
    assert "Monthly 2022" not in by_kind and "Monthly 2018" not in by_kind


def test_a_bad_filter_is_explained_with_the_error_summary_and_the_good_one_still_applies(client):
    thematic = monthly_and_thematic_2022()

    series = thematic.series_id
    response = client.get(reverse("public:list"), {"year": "1066", "series": series})

    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: Published minutes" in body
    assert "There is a problem" in body
    assert 'href="#id_year">Choose a year from the list.</a>' in body
    assert 'id="id_year-error"' in body
    assert f'<option value="{series}" selected>' in body  # what was chosen is kept
    text = page_text(response)
    assert "Thematic 2022" in text and "Monthly 2022" not in text


def test_the_list_has_labelled_filters_and_no_error_when_unfiltered(client):
    response = client.get(reverse("public:list"))

    body = response.content.decode()
    for name, label in (("year", "Year"), ("series", "Series")):
        assert re.search(rf'<label [^>]*for="id_{name}"[^>]*>{label}</label>', body)
        assert re.search(rf'<select name="{name}"[^>]*id="id_{name}"', body)
    assert "There is a problem" not in body
    assert "<title>Published minutes" in body


def test_the_list_costs_the_same_queries_for_2_meetings_as_for_30(
    client, captured_queries, django_assert_num_queries
):
    MeetingFactory.create_batch(2, status=Meeting.Status.PUBLISHED)
    with captured_queries() as queries:
        assert client.get(reverse("public:list")).status_code == 200
    few = len(queries)
    MeetingFactory.create_batch(28, status=Meeting.Status.PUBLISHED)

    with django_assert_num_queries(few):
        assert client.get(reverse("public:list")).status_code == 200


def test_the_public_minutes_cost_the_same_queries_however_long(
    client, restricted_meetings, captured_queries
):
    def read(meeting):
        assert client.get(public_url(meeting)).status_code == 200

    def costs(meeting) -> tuple[int, int]:
        """What reading the minutes costs when they are built and stored (as for minutes
        approved before records were stored), and then when the stored record is read."""
        ApprovedMinutes.objects.filter(meeting=meeting).delete()
        with captured_queries() as queries:
            read(meeting)
        building = len(queries)
        content_changed()  # past the page cache, to the stored record
        with captured_queries() as queries:
            read(meeting)
        reading = len(queries)
        return building, reading

    earlier, later = restricted_meetings.earlier, restricted_meetings.later
    for meeting in (earlier, later):
        read(meeting)  # the first reading also stores the outstanding matters reviewed
    small = {meeting: costs(meeting) for meeting in (earlier, later)}
    cc = OfficeFactory(abbreviation="CC")
    for position in range(10, 30):
        item = AgendaItemFactory(meeting=earlier, position=position)
        AgendaItemFactory(meeting=earlier, parent=item, position=1)
        action = ActionFactory(origin_item=item, owners=[cc])
        # Reviewed at the later meeting, with the update given there.
        ReviewedAction.objects.create(meeting=later, action=action)
        ActionUpdateFactory(action=action, meeting=later, note="Progress was reported.")

    assert {meeting: costs(meeting) for meeting in (earlier, later)} == small
    assert page_text(client.get(public_url(later))).count("Progress was reported.") == 20


def test_public_minutes_escape_what_was_typed(client):
    meeting = MeetingFactory(status=Meeting.Status.PUBLISHED)
    AgendaItemFactory(meeting=meeting, title="<script>alert(1)</script>", minutes="<b>bold</b>")

    body = client.get(public_url(meeting)).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<b>bold</b>" not in body


def test_the_public_minutes_offer_the_public_pdf(client, restricted_meetings):
    meeting = restricted_meetings.earlier

    assert reverse("public:pdf", args=[meeting.pk]) in hrefs(client.get(public_url(meeting)))
