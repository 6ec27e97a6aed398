"""Agenda numbers come from the tree: 1, 2, 2.1 … 2.12, 2.1a … 2.1f."""

import pytest

from meetings.agenda import agenda_numbers
from meetings.numbering import ReferenceStyle, letters, number_items
from tests.factories import AgendaItemFactory, MeetingFactory, SeriesFactory

pytestmark = pytest.mark.django_db


def build_agenda(meeting, outline):
    """outline: a list of (title, children-outline) pairs, in order."""

    def add(children, parent):
        for position, (title, grandchildren) in enumerate(children, start=1):
            item = AgendaItemFactory(meeting=meeting, parent=parent, position=position, title=title)
            add(grandchildren, item)

    add(outline, None)


def numbers_by_title(meeting):
    items = list(meeting.items.all())
    numbers = number_items(items)
    return {item.title: numbers[item.pk] for item in items}


def test_the_november_2022_agenda_is_numbered_as_in_its_minutes():
    meeting = MeetingFactory()
    build_agenda(
        meeting,
        [
            ("Outstanding matters", []),
            ("Holding to account", [(f"Topic {n}", []) for n in range(1, 13)]),
            ("AOB", []),
            ("Next meeting", []),
        ],
    )
    numbers = numbers_by_title(meeting)
    assert sorted(numbers.values(), key=lambda n: [int(p) for p in n.split(".")]) == [
        "1",
        "2",
        *[f"2.{n}" for n in range(1, 13)],
        "3",
        "4",
    ]
    assert numbers["Topic 12"] == "2.12"


def test_the_may_2018_agenda_is_numbered_as_in_its_minutes():
    meeting = MeetingFactory()
    build_agenda(
        meeting,
        [
            ("Outstanding matters", []),
            (
                "Holding to account",
                [
                    ("Performance", [(title, []) for title in "abcdef"]),
                    ("HMICFRS", []),
                ],
            ),
            ("Risks", []),
            ("Chief officer meeting", []),
            ("AOB", []),
            ("Next meeting", []),
        ],
    )
    assert numbers_by_title(meeting) == {
        "Outstanding matters": "1",
        "Holding to account": "2",
        "Performance": "2.1",
        **{letter: f"2.1{letter}" for letter in "abcdef"},
        "HMICFRS": "2.2",
        "Risks": "3",
        "Chief officer meeting": "4",
        "AOB": "5",
        "Next meeting": "6",
    }


def test_moving_an_item_up_renumbers_its_siblings():
    meeting = MeetingFactory()
    build_agenda(meeting, [("Parent", [("First", []), ("Second", []), ("Third", [])])])
    third = meeting.items.get(title="Third")
    first = meeting.items.get(title="First")
    third.position, first.position = first.position, third.position
    third.save()
    first.save()
    numbers = numbers_by_title(meeting)
    assert (numbers["Third"], numbers["Second"], numbers["First"]) == ("1.1", "1.2", "1.3")


def test_nesting_an_item_renumbers_everything_after_it():
    meeting = MeetingFactory()
    build_agenda(meeting, [("One", []), ("Two", []), ("Three", []), ("Four", [])])
    two = meeting.items.get(title="Two")
    two.parent = meeting.items.get(title="One")
    two.save()
    numbers = numbers_by_title(meeting)
    assert numbers == {"One": "1", "Two": "1.1", "Three": "2", "Four": "3"}


def test_a_printed_number_from_older_minutes_is_kept():
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, title="Hate crime", printed_number="4a.3")
    assert numbers_by_title(meeting) == {"Hate crime": "4a.3"}


def test_the_item_number_property_agrees_with_the_list():
    meeting = MeetingFactory()
    build_agenda(meeting, [("One", []), ("Two", [("Child", [])])])
    assert meeting.items.get(title="Child").number == "2.1"


@pytest.mark.parametrize(("index", "expected"), [(1, "a"), (6, "f"), (26, "z"), (27, "aa")])
def test_third_level_letters(index, expected):
    assert letters(index) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (ReferenceStyle.OWN, ["Ref 03/18/01/2022", "Ref 03/18/01/2022.1"]),
        (ReferenceStyle.DERIVED, ["1", "1.1"]),
        (ReferenceStyle.BOTH, ["1", "1.1"]),
    ],
)
def test_every_page_numbers_items_by_the_series_reference_style(style, expected):
    """agenda_numbers, behind the agenda, the action pages, search and the dashboard, numbers
    as the series' minutes do."""
    meeting = MeetingFactory(series=SeriesFactory(reference_style=style))
    parent = AgendaItemFactory(meeting=meeting, printed_number="Ref 03/18/01/2022")
    child = AgendaItemFactory(meeting=meeting, parent=parent)
    numbers, _places = agenda_numbers([meeting.pk])
    assert [numbers[parent.pk], numbers[child.pk]] == expected
