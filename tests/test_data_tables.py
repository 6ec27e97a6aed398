"""The tables drawn through includes/data_table.html: each is included with its rows, says so in
its own words when there are none, and otherwise draws the table with its caption."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from meetings.models import OfficeHolding
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "template, context, empty",
    [
        ("includes/series_table.html", {}, "There are no series yet."),
        (
            "includes/office_history_table.html",
            {},
            "No one has been recorded as holding this office yet.",
        ),
        ("includes/owner_counts.html", {"caption": "Counts"}, "There are no actions to count."),
        ("includes/item_actions_table.html", {"number": "2"}, "No actions arose from this item."),
        ("includes/status_change_table.html", {}, "No changes of status have been recorded."),
        (
            "includes/meeting_table.html",
            {"empty": "There are no past meetings."},
            "There are no past meetings.",
        ),
    ],
)
def test_each_table_says_in_its_own_words_that_it_has_no_rows(template, context, empty):
    html = render_to_string(template, {"rows": [], **context})

    assert empty in html
    assert "<table" not in html


def test_the_series_and_office_history_tables_draw_their_rows(client, officer):
    factories.SeriesFactory(name="Governance Board")
    office = factories.OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable")
    OfficeHolding.objects.create(
        person=factories.PersonFactory(name="Ola Brennan"),
        office=office,
        since=datetime.date(2021, 4, 1),
    )
    client.force_login(officer)

    series = client.get(reverse("meetings:series_list")).content.decode()
    holdings = client.get(reverse("meetings:directory_office_edit", args=[office.pk]))

    assert "Series, in the order they are listed, with how many meetings each has" in series
    assert "Governance Board" in series
    assert "Who has held the office, newest first" in holdings.content.decode()
    assert "Ola Brennan" in holdings.content.decode()
