"""The action log and its CSV export: filters, the file's contents, who may open them, cost."""

import csv
import datetime
import io
import re

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from actions.dashboard_views import CSV_HEADER
from actions.models import Action, Status
from assurance.fields import PlainSelect
from meetings.models import Meeting, Organisation
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    MeetingFactory,
    OfficeFactory,
    TopicFactory,
)
from tests.pages import page_text, render
from tests.test_dashboard import bulk_actions, days_from_today, references

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def log_world(db):
    """Actions that differ in one respect each, for the filters to tell apart."""
    november = MeetingFactory(date=days_from_today(-60), title="November meeting")
    december = MeetingFactory(date=days_from_today(-30), title="December meeting")
    topic = TopicFactory(name="Call handling", slug="call-handling")
    on_topic = AgendaItemFactory(meeting=december)
    on_topic.topics.add(topic)
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    dcc = OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable")
    ActionFactory(
        origin_item=AgendaItemFactory(meeting=november),
        reference="NOV-CC-OVERDUE",
        owners=[cc],
        due_date=days_from_today(-1),
        description="Review the 101 backlog.",
    )
    ActionFactory(
        origin_item=on_topic,
        reference="DEC-DCC-TOPIC",
        owners=[dcc],
        status=Status.IN_PROGRESS,
        due_date=days_from_today(10),
        description="Report on call answering in Telford.",
    )
    ActionFactory(
        origin_item=on_topic,
        reference="DEC-BOTH-CLOSED",
        owners=[cc, dcc],
        status=Status.CLOSED,
        due_date=days_from_today(-10),
        closed_at=timezone.now() - datetime.timedelta(days=5),
        description="Share the victim survey.",
    )
    ActionFactory(
        origin_item=AgendaItemFactory(meeting=november),
        reference="NOV-DCC-WITHDRAWN",
        owners=[dcc],
        status=Status.WITHDRAWN,
        description="No longer needed.",
    )
    return {"november": november, "december": december, "topic": topic, "cc": cc, "dcc": dcc}


def test_the_log_lists_every_action_closed_and_withdrawn_included(client, officer, log_world):
    client.force_login(officer)
    response = client.get(reverse("actions:log"))
    assert set(references(response)) == {
        "NOV-CC-OVERDUE",
        "DEC-DCC-TOPIC",
        "DEC-BOTH-CLOSED",
        "NOV-DCC-WITHDRAWN",
    }
    assert "4 actions." in page_text(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"owner": "cc"}, {"NOV-CC-OVERDUE", "DEC-BOTH-CLOSED"}),
        ({"owner": "dcc"}, {"DEC-DCC-TOPIC", "DEC-BOTH-CLOSED", "NOV-DCC-WITHDRAWN"}),
        ({"status": "closed"}, {"DEC-BOTH-CLOSED"}),
        ({"status": "outstanding"}, {"NOV-CC-OVERDUE", "DEC-DCC-TOPIC"}),
        ({"origin_meeting": "november"}, {"NOV-CC-OVERDUE", "NOV-DCC-WITHDRAWN"}),
        ({"topic": "topic"}, {"DEC-DCC-TOPIC", "DEC-BOTH-CLOSED"}),
        ({"overdue": "on"}, {"NOV-CC-OVERDUE"}),
        ({"closed_recently": "on"}, {"DEC-BOTH-CLOSED"}),
        ({"q": "TELFORD"}, {"DEC-DCC-TOPIC"}),
        ({"q": "nov-"}, {"NOV-CC-OVERDUE", "NOV-DCC-WITHDRAWN"}),
        ({"owner": "dcc", "origin_meeting": "december", "status": "closed"}, {"DEC-BOTH-CLOSED"}),
    ],
)
def test_each_filter_narrows_the_log(client, officer, log_world, params, expected):
    # Fixture objects are named in the parameters and looked up here.
    query = {key: getattr(log_world.get(value), "pk", value) for key, value in params.items()}
    client.force_login(officer)
    response = client.get(reverse("actions:log"), query)
    assert set(references(response)) == expected
    assert not response.context["form"].errors


def test_an_invalid_filter_is_reported_and_the_valid_ones_still_apply(client, officer, log_world):
    client.force_login(officer)
    response = client.get(
        reverse("actions:log"), {"owner": "999999", "q": "telford", "status": "lost"}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert text.startswith("Error: Action log")
    assert "There is a problem" in text
    body = response.content.decode()
    assert '<a href="#id_owner">Choose an owner from the list.</a>' in body
    assert '<a href="#id_status">Choose a status from the list.</a>' in body
    assert 'aria-describedby="id_owner-error"' in body and 'id="id_owner-error"' in body
    assert 'value="telford"' in body  # what was typed is kept
    assert references(response) == ["DEC-DCC-TOPIC"]


def test_a_force_user_cannot_filter_by_a_draft_meeting(client, force_user):
    draft = MeetingFactory(status=Meeting.Status.DRAFT, title="Draft minutes")
    client.force_login(force_user)
    response = client.get(reverse("actions:log"), {"origin_meeting": draft.pk})
    assert "Choose a meeting from the list." in page_text(response)
    assert "Draft minutes" not in page_text(response)


def test_the_log_pages_by_25(client, officer):
    item = AgendaItemFactory()
    for number in range(26):
        ActionFactory(origin_item=item, reference=f"LOG-{number:02d}", status=Status.CLOSED)
    client.force_login(officer)
    assert len(references(client.get(reverse("actions:log")))) == 25
    assert references(client.get(reverse("actions:log"), {"page": 2})) == ["LOG-25"]
    assert len(references(client.get(reverse("actions:log"), {"page": "nonsense"}))) == 25


# --- The CSV export --------------------------------------------------------------------------

# The columns, in order, as the export writes them; what each holds is pinned by name below.
HEADER = list(CSV_HEADER)


def test_the_export_is_a_utf8_csv_attachment_named_by_date(client, officer):
    client.force_login(officer)
    response = client.get(reverse("actions:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="actions-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark
    assert read_csv(response) == [HEADER]


def test_the_export_round_trips_awkward_text(client, officer):
    meeting = MeetingFactory(date=datetime.date(2022, 11, 29), title="Wrekin – café meeting")
    parent = AgendaItemFactory(meeting=meeting, position=2, title="Performance")
    item = AgendaItemFactory(
        meeting=meeting, parent=parent, position=1, title='Calls, "101" and 999'
    )
    later = MeetingFactory(date=datetime.date(2023, 2, 28), title="February meeting")
    description = 'Wrekin – café: review "response", times,\nthen report back.\r\nBy Feb.'
    action = ActionFactory(
        origin_item=item,
        reference="2022-11-02",
        description=description,
        owners=[
            OfficeFactory(abbreviation="PCC", organisation=Organisation.OPCC),
            OfficeFactory(abbreviation="CC", position=5),  # listed in the offices' order
        ],
        due_date=datetime.date(2023, 2, 28),
        due_meeting=later,
        status=Status.CLOSED,
        closed_at=timezone.make_aware(datetime.datetime(2023, 3, 1, 9, 15)),
    )
    ActionUpdateFactory(
        action=action, created_at=timezone.make_aware(datetime.datetime(2023, 2, 28, 16, 5))
    )
    client.force_login(officer)
    header, *rows = read_csv(client.get(reverse("actions:export")))
    assert header == HEADER
    assert [dict(zip(header, row, strict=True)) for row in rows] == [
        {
            "Reference": "2022-11-02",
            "Description": description,
            "Owners": "PCC / CC",
            "Origin meeting": "Wrekin – café meeting",
            "Origin date": "2022-11-29",
            "Item number": "1.1",
            "Item title": 'Calls, "101" and 999',
            "Due date": "2023-02-28",
            "Due back at": "February meeting (2023-02-28)",
            "Status": "Closed",
            "Last update": "2023-02-28",  # the day the last update took effect
            "Closed at": "2023-03-01 09:15",
        }
    ]


def test_the_export_holds_exactly_the_filtered_log_every_page_of_it(client, officer):
    bulk_actions(60)
    client.force_login(officer)
    params = {"status": "outstanding", "q": "call"}
    log = client.get(reverse("actions:log"), params)
    rows = read_csv(client.get(reverse("actions:export"), params))
    expected = set(
        Action.objects.outstanding()
        .filter(description__icontains="call")
        .values_list("reference", flat=True)
    )
    assert log.context["page_obj"].paginator.count == len(expected) > 25
    assert rows[0] == HEADER
    assert {row[0] for row in rows[1:]} == expected
    assert len(rows) - 1 == len(expected)
    assert [row[0] for row in rows[1:26]] == references(log)  # in the log's order


def test_the_log_links_to_the_export_of_the_same_filters(client, officer, log_world):
    client.force_login(officer)
    response = client.get(reverse("actions:log"), {"status": "outstanding", "page": "1"})
    assert f'href="{reverse("actions:export")}?status=outstanding"' in response.content.decode()


@pytest.mark.parametrize(
    ("description", "cell"),
    [
        (
            '=HYPERLINK("http://evil.example","Click")',
            '\'=HYPERLINK("http://evil.example","Click")',
        ),
        ("+44 1905 000000", "'+44 1905 000000"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("Safe text = fine", "Safe text = fine"),
    ],
)
def test_the_export_neutralises_formulas(client, officer, description, cell):
    ActionFactory(description=description)
    client.force_login(officer)
    rows = read_csv(client.get(reverse("actions:export")))
    assert rows[1][1] == cell


# --- Who may open them -----------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["officer", "commissioner", "force_user"])
@pytest.mark.parametrize("url_name", ["actions:log", "actions:export"])
def test_every_role_may_open_the_log_and_export(client, request, user_fixture, url_name):
    ActionFactory(reference="SEEN-BY-ALL", origin_item__meeting__status=Meeting.Status.PUBLISHED)
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert "SEEN-BY-ALL" in response.content.decode()


def test_a_user_without_a_role_sees_an_empty_log_and_may_not_export(client, no_role_user):
    ActionFactory(reference="SECRET-1")
    client.force_login(no_role_user)
    log = client.get(reverse("actions:log"))
    assert log.status_code == 200
    assert "Your account has not been given a role yet" in page_text(log)
    assert "SECRET-1" not in page_text(log)
    assert client.get(reverse("actions:export")).status_code == 403


@pytest.mark.parametrize("url_name", ["actions:log", "actions:export"])
def test_anonymous_visitors_are_sent_to_log_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["actions:log", "actions:export"])
@pytest.mark.parametrize("user_fixture", ["officer", "force_user"])
def test_the_log_and_export_cost_the_same_queries_for_10_actions_as_for_500(
    client,
    request,
    url_name,
    user_fixture,
    captured_queries,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    client.force_login(request.getfixturevalue(user_fixture))
    bulk_actions(10, prefix="FEW")
    url = reverse(url_name)
    client.get(url)  # warm the session
    filters = {"q": "call", "topic": TopicFactory(slug="response-times").pk, "status": "open"}
    with django_assert_max_num_queries(20) as queries:
        render(client, url)
    few = len(queries)
    with captured_queries() as queries:
        render(client, url, filters)
    few_filtered = len(queries)
    bulk_actions(490, prefix="MANY")
    assert Action.objects.count() == 500
    with django_assert_num_queries(few):
        render(client, url)
    with django_assert_num_queries(few_filtered):
        render(client, url, filters)


def test_the_meeting_filter_lists_meetings_escaped_with_the_chosen_one_selected(client, officer):
    chosen = MeetingFactory(title='Budget "A" <b>review</b> & more', status=Meeting.Status.APPROVED)
    other = MeetingFactory(title="Other meeting", status=Meeting.Status.APPROVED)
    client.force_login(officer)
    body = client.get(reverse("actions:log"), {"origin_meeting": chosen.pk}).content.decode()
    select = re.search(r'<select name="origin_meeting".*?</select>', body, re.S).group(0)

    assert 'id="id_origin_meeting"' in select and 'class="form-select"' in select
    assert (
        f'<option value="{chosen.pk}" selected>Budget &quot;A&quot; &lt;b&gt;review&lt;/b&gt; '
        f"&amp; more ({chosen.date:%d %B %Y})</option>"
    ) in select
    assert f'<option value="{other.pk}">Other meeting' in select
    assert "<b>" not in select
    # The same options as Django's own Select writes, in the same order.
    choices = [("", "Any meeting"), (chosen.pk, str(chosen)), (other.pk, "Other <meeting>")]
    plain = PlainSelect(choices=choices).render("m", str(other.pk))
    django_select = forms.Select(choices=choices).render("m", str(other.pk))
    assert re.findall(r"<option[^>]*>[^<]*", plain) == re.findall(
        r"<option[^>]*>[^<]*", django_select
    )
