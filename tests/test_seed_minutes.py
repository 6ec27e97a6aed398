"""The seed meetings load, on either database, and their pages read like the printed minutes."""

import pytest

from meetings.models import Meeting
from tests.pages import page_text
from tests.seed_data import NOVEMBER_2022, NOVEMBER_2022_ITEMS

pytestmark = pytest.mark.django_db

NOVEMBER_2022_ATTENDEES = [
    ("John Campion", "Police and Crime Commissioner (PCC)"),
    ("Marc Bayliss", "Deputy Police and Crime Commissioner (DPCC)"),
    ("Natasha Noorbakhsh", "Senior Policy Officer (SPO)"),
    ("Charity Pearce", "Policy Officer (PO)"),
    ("Pippa Mills", "Chief Constable (CC)"),
    ("Alex Murray", "Deputy Chief Constable (DCC)"),
    ("Rachel Jones", "Assistant Chief Constable Local Policing (RJ)"),
    ("Richard Cooper", "Assistant Chief Constable Crime & Vulnerability (RC)"),
]

MAY_2018_ITEMS = [
    ("2.1a", "Confidence"),
    ("2.1b", "Satisfaction"),
    ("2.1c", "Shropshire 2017/18 performance"),
    ("2.1d", "Athena"),
    ("2.1e", "Domestic violence and abuse"),
    ("2.1f", "Call handling"),
]


def minutes_text(client, user, title):
    client.force_login(user)
    meeting = Meeting.objects.get(title=title)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    return page_text(response)


def test_the_seed_meetings_and_their_next_meetings_are_all_there(seeds):
    meetings = {m.date.isoformat(): (m.series.name, m.status) for m in Meeting.objects.all()}
    series = "Monthly Assurance Meeting"
    assert meetings["2022-11-29"] == (series, "published")
    assert meetings["2018-05-29"] == (series, "published")
    assert meetings["2022-12-19"] == (series, "draft")
    assert meetings["2018-06-26"] == (series, "draft")


def test_november_2022_shows_its_twelve_items_under_item_2(seeds, client, officer):
    text = minutes_text(client, officer, NOVEMBER_2022)
    assert "2 Holding to account – Performance" in text
    positions = [text.index(f"2.{n} {title}") for n, title in enumerate(NOVEMBER_2022_ITEMS, 1)]
    assert positions == sorted(positions)
    assert text.index("2 Holding to account") < positions[0]
    assert positions[-1] < text.index("3 AOB") < text.index("4 Confirmation of next meeting")


def test_november_2022_shows_all_eight_attendees_with_their_capacities(seeds, client, officer):
    text = minutes_text(client, officer, NOVEMBER_2022)
    for name, capacity in NOVEMBER_2022_ATTENDEES:
        assert f"{name} {capacity}" in text


def test_november_2022_shows_both_actions_with_their_owners(seeds, client, officer):
    text = minutes_text(client, officer, NOVEMBER_2022)
    assert "2022-11-01 The PCC asked the Chief to share the IOM data" in text
    assert (
        "referred to her response. Status at the meeting: Open "
        "Current state of action 2022-11-01 No due point set CC" in text
    )
    assert "2022-11-02 Update on response times to be provided at HTA in 3 months" in text
    assert "Due 28 February 2023 PCC / CC" in text


def test_november_2022_names_the_december_thematic_meeting_as_next(seeds, client, officer):
    text = minutes_text(client, officer, NOVEMBER_2022)
    next_meeting = text[text.index("4 Confirmation of next meeting") :]
    assert "Monday 19 December 2022" in next_meeting
    assert "Hindlip HQ" in next_meeting


def test_may_2018_shows_items_2_1a_to_2_1f(seeds, client, officer):
    text = minutes_text(client, officer, "Monthly Assurance Meeting May 2018")
    positions = [text.index(f"{number} {title}") for number, title in MAY_2018_ITEMS]
    assert positions == sorted(positions)
    assert "2.1 Performance against the Police and Crime Plan" in text


def test_may_2018_shows_its_outstanding_matters_with_their_updates(seeds, client, officer):
    text = minutes_text(client, officer, "Monthly Assurance Meeting May 2018")
    outstanding = text[text.index("1 Outstanding matters") : text.index("2 Holding to account")]
    assert "Action arising from the December 2017 meeting Agenda item 4a.3: Hate crime" in (
        outstanding
    )
    assert "Telford in particular has shown some good results" in outstanding
    assert "Action arising from the March 2018 meeting Agenda item 2.1a: Child sexual" in (
        outstanding
    )
    assert "A briefing note on the approach to CSE" in outstanding


def test_may_2018_shows_its_apologies(seeds, client, officer):
    text = minutes_text(client, officer, "Monthly Assurance Meeting May 2018")
    apologies = text[text.index("Apologies") : text.index("1 Outstanding matters")]
    for name in ("Tracey Onslow", "Amanda Blakeman", "Andy Champness"):
        assert name in apologies
    assert "Anthony Bangham" not in apologies


def test_a_force_user_reads_the_published_minutes_but_not_the_draft_next_meeting(
    seeds, client, force_user
):
    client.force_login(force_user)
    published = Meeting.objects.get(date="2022-11-29")
    draft = Meeting.objects.get(date="2022-12-19")
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_december_2017_item_keeps_the_number_its_minutes_printed(seeds, client, officer):
    text = minutes_text(client, officer, "Monthly Assurance Meeting December 2017")
    assert "4a.3 Hate crime" in text
