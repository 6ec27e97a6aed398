"""Series: the OPCC creates and edits them in the product, and two series side by side keep to
themselves: neither's outstanding matters, next meeting, calendar or action numbering picks up
the other's."""

import datetime
import re

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from icalendar import Calendar

from actions.models import Action
from actions.references import next_action_reference
from assurance.versioning import STALE_EDIT_MESSAGE
from meetings.models import AgendaItem, Meeting, Series
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    MeetingFactory,
    SeriesFactory,
    UserFactory,
    default_series,
)
from tests.hostile import meeting_form_data, series_form_data
from tests.pages import page_text

pytestmark = pytest.mark.django_db

LIST_URL = reverse("meetings:series_list")
CREATE_URL = reverse("meetings:series_create")


def edit_url(series):
    return reverse("meetings:series_edit", args=[series.pk])


def loaded_data(client, series, **fields):
    """The edit form as the page loaded it for ``series``, with ``fields`` changed."""
    form = client.get(edit_url(series)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["active"] = "on" if data["active"] else None
    return series_form_data(**(data | fields))


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def assert_refused_with(response, field, message):
    """The GOV.UK pattern: "Error: " title, the summary linking to the field, the same words
    beside it."""
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: ", body)
    assert "There is a problem" in body
    assert f'<a href="#id_{field}">{escape(message)}</a>' in body
    assert page_text(response).count(message) == 2  # in the summary and beside the field


# --- Creating and editing --------------------------------------------------------------------


def test_an_officer_creates_a_series(officer_client):
    response = officer_client.post(
        CREATE_URL,
        series_form_data(
            name="Governance Board",
            reference_code="gb",
            minutes_label="Governance Board (public)",
            description="Quarterly, on finance and estates.",
        ),
    )

    assert response.status_code == 302
    assert response.url == LIST_URL
    series = Series.objects.get(name="Governance Board")
    assert (series.reference_code, series.label, series.active, series.position) == (
        "GB",  # codes are kept in capitals, as references print them
        "Governance Board (public)",
        True,
        2,
    )
    assert series.description == "Quarterly, on finance and estates."
    listed = page_text(officer_client.get(LIST_URL))
    assert "The series “Governance Board” has been created." in listed
    assert "Governance Board (public) GB Yes 0" in listed


def test_an_officer_edits_a_series_and_retires_it(officer_client):
    series = SeriesFactory(name="Governance Board", reference_code="GB")
    data = loaded_data(
        officer_client,
        series,
        name="Police Accountability Board",
        reference_code="PAB",
        minutes_label="",
        active=None,
    )

    response = officer_client.post(edit_url(series), data)

    assert response.status_code == 302
    series.refresh_from_db()
    assert (series.name, series.reference_code, series.label, series.active) == (
        "Police Accountability Board",
        "PAB",
        "Police Accountability Board",  # no label: the name is printed
        False,
    )
    listed = page_text(officer_client.get(LIST_URL))
    assert "Your changes to the series “Police Accountability Board” have been saved." in listed
    assert "No: not offered for new meetings" in listed
    # A retired series is not offered for a new meeting.
    options = officer_client.get(reverse("meetings:create")).context["form"]["series"]
    assert str(series.pk) not in [str(choice.data["value"]) for choice in options]


def test_the_series_that_numbers_without_a_code_can_be_saved_without_one(officer_client):
    series = default_series()
    assert series.reference_code == ""
    data = loaded_data(officer_client, series, description="The monthly meeting.")
    assert officer_client.post(edit_url(series), data).status_code == 302
    series.refresh_from_db()
    assert (series.reference_code, series.description) == ("", "The monthly meeting.")


def test_the_edit_form_shows_the_series_as_saved(officer_client):
    series = SeriesFactory(name="Governance Board", reference_code="GB", position=3)
    body = officer_client.get(edit_url(series)).content.decode()
    assert 'value="Governance Board"' in body
    assert 'value="GB"' in body
    assert 'value="3"' in body
    assert "<title>Edit series" in body


def test_the_list_shows_every_series_with_its_label_code_and_number_of_meetings(officer_client):
    board = SeriesFactory(
        name="Governance Board", reference_code="GB", minutes_label="GB minutes", position=2
    )
    SeriesFactory(name="Old Panel", reference_code="OP", active=False, position=3)
    MeetingFactory.create_batch(3, series=board)
    MeetingFactory()  # of the default series

    response = officer_client.get(LIST_URL)

    text = page_text(response)
    assert "Monthly Assurance Meeting Monthly Assurance Meeting None" in text
    assert "Governance Board GB minutes GB Yes 3" in text
    assert "Old Panel Old Panel OP No: not offered for new meetings 0" in text
    body = response.content.decode()
    assert f'href="{edit_url(board)}"' in body
    assert f'href="{reverse("meetings:list")}?series={board.pk}"' in body


def test_the_list_costs_the_same_queries_for_2_series_as_for_12(
    officer_client, django_assert_num_queries, django_assert_max_num_queries
):
    for _ in range(2):
        MeetingFactory.create_batch(2, series=SeriesFactory())
    officer_client.get(LIST_URL)  # warm the session
    # The session, the user, the groups, the series with their counts.
    with django_assert_max_num_queries(5) as queries:
        assert officer_client.get(LIST_URL).status_code == 200
    few = len(queries)
    for _ in range(10):
        MeetingFactory.create_batch(2, series=SeriesFactory())
    with django_assert_num_queries(few):
        assert officer_client.get(LIST_URL).status_code == 200


# --- Validation ------------------------------------------------------------------------------


def test_a_series_without_a_name_is_refused_and_what_was_typed_is_kept(officer_client):
    response = officer_client.post(
        CREATE_URL,
        series_form_data(name="  ", reference_code="GB", description="Typed before the mistake"),
    )
    assert_refused_with(response, "name", "Enter the name of the series")
    body = response.content.decode()
    assert 'value="GB"' in body
    assert "Typed before the mistake" in body
    assert not Series.objects.filter(reference_code="GB").exists()


def test_a_name_already_taken_is_refused_whatever_its_case(officer_client):
    SeriesFactory(name="Governance Board", reference_code="GB")
    response = officer_client.post(
        CREATE_URL, series_form_data(name="governance board", reference_code="GB2")
    )
    message = "There is already a series called “Governance Board”: give this one another name"
    assert_refused_with(response, "name", message)
    assert 'value="governance board"' in response.content.decode()
    assert 'value="GB2"' in response.content.decode()
    assert Series.objects.filter(name__iexact="governance board").count() == 1


@pytest.mark.parametrize("code", ["G-B", "G B", "GB/1", "ÉB", "<b>"])
def test_a_reference_code_must_be_letters_and_digits(officer_client, code):
    response = officer_client.post(CREATE_URL, series_form_data(reference_code=code))
    message = (
        "Enter the reference code in letters and digits only, such as GB: it starts "
        "each action's reference, as in GB-2022-11-01"
    )
    assert_refused_with(response, "reference_code", message)
    assert not Series.objects.filter(name="Governance Board").exists()


def test_a_reference_code_already_used_is_refused_whatever_its_case(officer_client):
    SeriesFactory(name="Governance Board", reference_code="GB")
    response = officer_client.post(
        CREATE_URL, series_form_data(name="Governance Board Extra", reference_code="gb")
    )
    message = (
        "“Governance Board” already uses the reference code GB: choose another, so that each "
        "series numbers its own actions"
    )
    assert_refused_with(response, "reference_code", message)
    assert 'value="gb"' in response.content.decode()
    assert not Series.objects.filter(name="Governance Board Extra").exists()


def test_a_second_series_without_a_reference_code_is_refused_saying_why(officer_client):
    assert default_series().reference_code == ""
    response = officer_client.post(
        CREATE_URL, series_form_data(name="Governance Board", reference_code="", description="Kept")
    )
    message = (
        "Give this series a reference code, such as GB: “Monthly Assurance Meeting” has none, "
        "and the actions of two series without one would share one numbering "
        "(2022-11-01, 2022-11-02 …)"
    )
    assert_refused_with(response, "reference_code", message)
    assert 'value="Governance Board"' in response.content.decode()
    assert not Series.objects.filter(name="Governance Board").exists()


def test_a_series_cannot_drop_its_code_while_another_has_none(officer_client):
    series = SeriesFactory(name="Governance Board", reference_code="GB")
    response = officer_client.post(
        edit_url(series), loaded_data(officer_client, series, reference_code="")
    )
    assert "Give this series a reference code" in page_text(response)
    series.refresh_from_db()
    assert series.reference_code == "GB"


@pytest.mark.parametrize("position", ["two", "-1", "10000", "1.5"])
def test_a_position_that_is_not_a_small_whole_number_is_refused(officer_client, position):
    response = officer_client.post(CREATE_URL, series_form_data(position=position))
    assert response.status_code == 200
    assert "Enter the position as a whole number" in page_text(response)
    assert f'value="{position}"' in response.content.decode()
    assert not Series.objects.filter(name="Governance Board").exists()


def test_a_blank_position_puts_the_series_first(officer_client):
    officer_client.post(CREATE_URL, series_form_data(position=""))
    assert Series.objects.get(name="Governance Board").position == 0


def test_a_stale_edit_is_refused_and_what_was_typed_is_shown_again(officer_client):
    series = SeriesFactory(name="Governance Board", reference_code="GB")
    data = loaded_data(officer_client, series, description="My description")
    # Someone else saves a change first.
    Series.objects.filter(pk=series.pk).update(
        minutes_label="Their label", version=F("version") + 1
    )

    response = officer_client.post(edit_url(series), data)

    assert response.status_code == 200
    text = page_text(response)
    assert text.startswith("Error: Edit series")
    assert STALE_EDIT_MESSAGE.format(thing="series") in text
    assert "My description" in response.content.decode()
    series.refresh_from_db()
    assert (series.minutes_label, series.description) == ("Their label", "")


def test_a_series_saved_twice_from_the_same_page_is_refused_the_second_time(officer_client):
    series = SeriesFactory(name="Governance Board", reference_code="GB")
    data = loaded_data(officer_client, series)
    first = officer_client.post(edit_url(series), data | {"description": "First"})
    second = officer_client.post(edit_url(series), data | {"description": "Second"})
    assert first.status_code == 302
    assert STALE_EDIT_MESSAGE.format(thing="series") in page_text(second)
    series.refresh_from_db()
    assert series.description == "First"


# --- Who may manage series ---------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["commissioner", "force_user", "no_role_user"])
def test_only_the_opcc_may_list_create_or_edit_series(client, request, user_fixture):
    series = SeriesFactory(name="Governance Board", reference_code="GB")
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(CREATE_URL).status_code == 403
    assert client.get(edit_url(series)).status_code == 403
    posted = series_form_data(name="Sneaky Board", reference_code="SB")
    assert client.post(CREATE_URL, posted).status_code == 403
    assert client.post(edit_url(series), posted).status_code == 403
    assert not Series.objects.filter(name="Sneaky Board").exists()
    series.refresh_from_db()
    assert series.name == "Governance Board"


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.post(CREATE_URL, series_form_data())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Series.objects.filter(name="Governance Board").exists()


def test_the_series_link_is_in_the_navigation_for_the_opcc_only(client, officer, commissioner):
    link = f'href="{LIST_URL}"'
    client.force_login(officer)
    assert link in client.get(reverse("meetings:list")).content.decode()
    on_the_page = client.get(LIST_URL).content.decode()
    assert re.search(rf'active"\s+{re.escape(link)}\s+aria-current="page">Series<', on_the_page)
    client.force_login(commissioner)
    assert link not in client.get(reverse("meetings:list")).content.decode()


def test_the_navigation_link_costs_no_query_of_its_own(client, commissioner, captured_queries):
    """The role is read from the groups the page's own role check read."""
    client.force_login(commissioner)
    client.get(reverse("meetings:list"))
    with captured_queries() as queries:
        client.get(reverse("meetings:list"))
    group_reads = [q for q in queries if q["sql"].startswith('SELECT "auth_group"."name"')]
    assert len(group_reads) == 1


def test_the_admin_keeps_the_rule_of_one_series_without_a_code(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:meetings_series_changelist")).status_code == 200
    response = client.post(
        reverse("admin:meetings_series_add"),
        series_form_data(name="Governance Board", reference_code=""),
    )
    assert response.status_code == 200
    assert "Give this series a reference code" in page_text(response)
    assert not Series.objects.filter(name="Governance Board").exists()


# --- Two series side by side -------------------------------------------------------------------


@pytest.fixture
def side_by_side():
    """The monthly series (numbered without a code) and a Governance Board (GB), meeting in
    turn through one month to come: A1, B1, A2, B2, A3. A1 and B1 each raise an open action,
    which the next meeting of each series should take up, and only that one."""
    today = timezone.localdate()
    start = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    a, b = default_series(), SeriesFactory(name="Governance Board", reference_code="GB")
    meetings = {}
    for name, series, day in [
        ("A1", a, 1),
        ("B1", b, 8),
        ("A2", a, 15),
        ("B2", b, 22),
        ("A3", a, 28),
    ]:
        date = start.replace(day=day)
        meetings[name] = MeetingFactory(series=series, date=date, title=series.default_title(date))
    prefix = f"{start:%Y-%m}-"
    actions = {
        "A1": ActionFactory(
            origin_item=AgendaItemFactory(meeting=meetings["A1"], title="Call handling"),
            reference=f"{prefix}01",
            description="Share the 101 call-handling figures.",
        ),
        "B1": ActionFactory(
            origin_item=AgendaItemFactory(meeting=meetings["B1"], title="Estates"),
            reference=f"GB-{prefix}01",
            description="Report on the estates strategy.",
        ),
    }
    return {"A": a, "B": b, "meetings": meetings, "actions": actions, "prefix": prefix}


def test_each_series_proposes_only_its_own_outstanding_matters(side_by_side):
    meetings, actions = side_by_side["meetings"], side_by_side["actions"]
    # Both actions were outstanding on both later dates: only the series tells them apart.
    assert list(Action.objects.carried_forward_to(meetings["A2"])) == [actions["A1"]]
    assert list(Action.objects.carried_forward_to(meetings["B2"])) == [actions["B1"]]
    assert list(Action.objects.carried_forward_to(meetings["A3"])) == [actions["A1"]]
    assert list(Action.objects.carried_forward_to(meetings["B1"])) == []


def test_each_series_next_meeting_is_its_own(side_by_side):
    meetings = side_by_side["meetings"]
    assert meetings["A1"].next_meeting() == meetings["A2"]
    assert meetings["B1"].next_meeting() == meetings["B2"]
    assert meetings["A2"].next_meeting() == meetings["A3"]
    assert meetings["B2"].next_meeting() is None  # A3 comes after it, but is not of its series


def test_each_series_numbers_its_own_actions(side_by_side):
    meetings, prefix = side_by_side["meetings"], side_by_side["prefix"]
    assert next_action_reference(meetings["A2"]) == f"{prefix}02"
    assert next_action_reference(meetings["B2"]) == f"GB-{prefix}02"
    ActionFactory(origin_item=AgendaItemFactory(meeting=meetings["B2"]), reference=f"GB-{prefix}02")
    ActionFactory(origin_item=AgendaItemFactory(meeting=meetings["B2"]), reference=f"GB-{prefix}03")
    assert next_action_reference(meetings["A3"]) == f"{prefix}02"
    assert next_action_reference(meetings["B2"]) == f"GB-{prefix}04"


def test_two_coded_series_number_apart_in_the_same_month():
    hta = SeriesFactory(name="Holding to Account", reference_code="HTA")
    board = SeriesFactory(name="Governance Board", reference_code="GB")
    ours = MeetingFactory(series=hta, date=datetime.date(2022, 11, 1))
    theirs = MeetingFactory(series=board, date=datetime.date(2022, 11, 15))
    ActionFactory(origin_item=AgendaItemFactory(meeting=theirs), reference="GB-2022-11-01")
    assert next_action_reference(ours) == "HTA-2022-11-01"
    assert next_action_reference(theirs) == "GB-2022-11-02"


def feed_titles(client, series=None):
    url = reverse("meetings:calendar")
    response = client.get(url, {"series": series.pk} if series else {})
    assert response.status_code == 200
    return [str(event["SUMMARY"]) for event in Calendar.from_ical(response.content).events]


def test_each_series_calendar_lists_only_its_own_meetings(officer_client, side_by_side):
    meetings = side_by_side["meetings"]
    titles = {name: meeting.title for name, meeting in meetings.items()}
    assert feed_titles(officer_client, side_by_side["A"]) == [
        titles["A1"],
        titles["A2"],
        titles["A3"],
    ]
    assert feed_titles(officer_client, side_by_side["B"]) == [titles["B1"], titles["B2"]]
    assert len(feed_titles(officer_client)) == 5


def test_the_minutes_show_the_series_next_meeting_and_its_outstanding_matters(
    officer_client, side_by_side
):
    meetings = side_by_side["meetings"]
    AgendaItemFactory(
        meeting=meetings["A2"], position=0, kind=AgendaItem.Kind.OUTSTANDING_MATTERS, title="OM"
    )
    AgendaItemFactory(
        meeting=meetings["A2"], position=99, kind=AgendaItem.Kind.NEXT_MEETING, title="Next"
    )

    text = page_text(officer_client.get(meetings["A2"].get_absolute_url()))

    assert meetings["A3"].title in text
    assert meetings["B2"].title not in text  # between A2 and A3, but of the other series
    assert "Share the 101 call-handling figures." in text
    assert "Report on the estates strategy." not in text


def test_a_blank_title_is_made_from_the_meetings_series_and_date(officer_client, side_by_side):
    response = officer_client.post(
        reverse("meetings:create"),
        meeting_form_data(series=side_by_side["B"].pk, title="", date="2022-11-01"),
    )
    assert response.status_code == 302, page_text(response)[:500]
    meeting = Meeting.objects.get(date=datetime.date(2022, 11, 1))
    assert meeting.series == side_by_side["B"]
    assert meeting.title == "Governance Board, 1 November 2022"


def test_an_unknown_choice_of_style_links_the_summary_to_its_first_radio(officer_client):
    data = series_form_data(name="Governance Board", reference_style="roman")

    response = officer_client.post(CREATE_URL, data)

    message = "Choose how the series' minutes number agenda items from the list"
    assert_refused_with(response, "reference_style_0", message)
    assert 'id="id_reference_style_0"' in response.content.decode()
