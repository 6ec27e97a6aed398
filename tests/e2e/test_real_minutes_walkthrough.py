"""Acceptance walkthrough: an OPCC officer enters the minutes of another board's meeting, as
written on paper, through the web forms — every name here is invented.

The administrator has already set up the directory (people with initials and ranks) and two
series: the "Strategic Policing Board", whose items carry the board's own references ("Ref
02/15/02/2022") and whose minutes write owners by initials ("RJ / DB / AC"), and the "Force
Performance Board", whose minutes write rank and initials ("ACC RJ"). In the browser the officer
creates the board's meeting with a chair and a minute taker new to the directory, records that
the meeting did not approve the previous minutes, and enters the items with their actions —
owners typed as the minutes write them, one owner new to the directory added in the same save —
one save per item. The minutes then print each owner as written with who they are on hover, the
earlier meeting says its minutes were not approved, and approval warns about it.
"""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.models import Action
from meetings.models import (
    Meeting,
    Organisation,
    Person,
    PreviousMinutesApproval,
    PreviousMinutesOutcome,
)
from meetings.numbering import OwnerStyle, ReferenceStyle
from tests import factories
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

BOARD_A = "Strategic Policing Board"
BOARD_B = "Force Performance Board"
EARLIER_TITLE = f"{BOARD_A}, 18 January 2022"
MEETING_TITLE = f"{BOARD_A}, 15 February 2022"
NOT_APPROVED_REASON = "To be amended and re-circulated: the attendance list was incomplete."

# The item form's address, new or edited: its POSTs are the saves counted.
ITEM_FORM_URL = re.compile(r"/meetings/\d+/agenda/(new|\d+/edit)/$")

RJ_DESCRIBED = "Rosa Jenkins, Assistant Chief Constable"
DB_DESCRIBED = "Daniel Brook, Deputy Chief Constable"
AC_DESCRIBED = "Amira Cole, Chief Finance Officer"
PR_DESCRIBED = "Priya Rao, Det Ch Supt"
RHL_DESCRIBED = "Rhona Hart-Lowe, Director"

# The items as the board's minutes give them: reference, title, then each action's
# description, the owners as typed, and for an owner new to the directory what the row's
# "An owner not yet in the directory" fields say.
ITEMS = [
    ("Ref 01/15/02/2022", "Minutes of the previous meeting", []),
    (
        "Ref 02/15/02/2022",
        "Serious violence duty",
        [("Joint report on serious violence funding to the next board.", "RJ/DB/AC", None)],
    ),
    (
        "Ref 03/15/02/2022",
        "Rural and wildlife crime",
        [
            (
                "Costed plan for the rural crime team's vehicles.",
                "RHL",
                {
                    "New owner's name": "Rhona Hart-Lowe",
                    "New owner's initials": "RHL",
                    "New owner's rank (optional)": "Director",
                    "New owner's organisation": "Force",
                },
            ),
            ("Review of wildlife crime investigations closed without charge.", "PR", None),
        ],
    ),
]


@pytest.fixture
def boards(transactional_db):
    """What the administrator set up beforehand: the directory, the two series, the board's
    earlier meeting and a meeting of the other board."""
    factories.default_series()  # a transactional test's database has lost the migrations' rows
    acc = factories.OfficeFactory(abbreviation="ACC", title="Assistant Chief Constable", position=3)
    dcc = factories.OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable", position=2)
    cfo = factories.OfficeFactory(abbreviation="CFO", title="Chief Finance Officer", position=4)
    rosa = factories.PersonFactory(
        name="Rosa Jenkins", initials="RJ", rank="ACC", organisation=Organisation.FORCE, office=acc
    )
    factories.PersonFactory(
        name="Daniel Brook", initials="DB", rank="DCC", organisation=Organisation.FORCE, office=dcc
    )
    factories.PersonFactory(
        name="Amira Cole", initials="AC", organisation=Organisation.FORCE, office=cfo
    )
    factories.PersonFactory(
        name="Priya Rao",
        initials="PR",
        rank="Det Ch Supt",
        organisation=Organisation.FORCE,
        office=None,
    )
    board_a = factories.SeriesFactory(
        name=BOARD_A,
        reference_code="SPB",
        reference_style=ReferenceStyle.OWN,
        owner_style=OwnerStyle.INITIALS,
    )
    board_b = factories.SeriesFactory(
        name=BOARD_B,
        reference_code="FPB",
        reference_style=ReferenceStyle.DERIVED,
        owner_style=OwnerStyle.RANK_INITIALS,
    )
    earlier = factories.MeetingFactory(
        series=board_a, date=datetime.date(2022, 1, 18), title=EARLIER_TITLE, chair=None
    )
    other = factories.MeetingFactory(
        series=board_b,
        date=datetime.date(2022, 3, 8),
        title=f"{BOARD_B}, 8 March 2022",
        chair=None,
    )
    factories.ActionFactory(
        origin_item=factories.AgendaItemFactory(meeting=other, title="Stop and search", position=1),
        reference="FPB-2022-03-01",
        description="Stop and search scrutiny panel findings to the next board.",
        owners=[rosa],
    )
    return {"earlier": earlier, "other": other}


def meeting_url(live_server, meeting) -> str:
    return live_server.url + reverse("meetings:detail", args=[meeting.pk])


def create_the_meeting(page):
    """The new meeting form: the chair and minute taker are new to the directory, the chair is
    also the first attendee, and Daniel Brook is not listed."""
    page.get_by_role("link", name="New meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New meeting")
    page.get_by_label("Series").select_option(label=BOARD_A)
    page.get_by_label("Date").fill("2022-02-15")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Venue").fill("Conference Room 2, Police HQ")
    page.get_by_label("Or a new chair: name").fill("Helen Okafor")
    page.get_by_label("The new chair's organisation").select_option(label="OPCC")
    page.get_by_label("The new chair's initials (optional)").fill("HO")
    page.get_by_label("Or a new minute taker: name").fill("Tom Ashby")
    page.get_by_label("The new minute taker's organisation").select_option(label="OPCC")
    page.get_by_label("The new minute taker's initials (optional)").fill("TA")
    page.get_by_label("Minute taker's capacity").fill("Governance Officer, OPCC")

    page.locator("#id_attendance-0-new_name").fill("Helen Okafor")
    page.locator("#id_attendance-0-new_organisation").select_option(label="OPCC")
    page.locator("#id_attendance-0-capacity").fill("Chair, Deputy Commissioner")
    for row, person in enumerate(["Rosa Jenkins (ACC)", "Amira Cole (CFO)", "Priya Rao"], start=1):
        page.locator(f"#id_attendance-{row}-person").select_option(label=person)
        page.locator(f"#id_attendance-{row}-status").select_option(label="Present")
    with page.expect_navigation():
        page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MEETING_TITLE)
    return Meeting.objects.get(title=MEETING_TITLE)


def record_previous_minutes_not_approved(page):
    page.get_by_role("link", name="Previous minutes' approval").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Previous minutes' approval")
    expect(page.get_by_role("link", name=EARLIER_TITLE)).to_be_visible()
    page.get_by_label("Not approved", exact=True).check()
    page.get_by_label("Why they were not approved (when not approved)").fill(NOT_APPROVED_REASON)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the outcome").click()
    expect(page.get_by_role("status").filter(has_text="has been saved")).to_contain_text(
        f"The outcome for the minutes of {EARLIER_TITLE} has been saved."
    )


def add_item(page, reference, title, actions):
    """One item with its actions, entered in one save from the agenda page."""
    page.get_by_role("link", name="Add an item").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Board's own reference (optional)").fill(reference)
    page.get_by_label("Minutes: findings and discussion").fill(
        f"The board discussed {title.lower()}.\n\n- The chair asked for an update"
    )
    rows = page.locator("fieldset[data-action-row]:visible")
    for index, (description, owners, new_owner) in enumerate(actions):
        if index:
            page.get_by_role("button", name="Add another action", exact=True).click()
            expect(rows).to_have_count(index + 1)
        row = rows.nth(index)
        row.get_by_label("Action", exact=True).fill(description)
        row.get_by_label("Owners", exact=True).fill(owners)
        row.get_by_label("Due date").fill("2022-04-30")
        if new_owner:
            row.get_by_text("An owner not yet in the directory").click()
            for label, value in new_owner.items():
                field = row.get_by_label(label, exact=True)
                if label.endswith("organisation"):
                    field.select_option(label=value)
                else:
                    field.fill(value)
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_contain_text(f"Saved “{title}”.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda")
    expect(page.get_by_role("row", name=f"{reference} {title}")).to_be_visible()


def owners_cell(page, description):
    return page.locator(".actions-table tr", has_text=description).locator("td.col-owner")


def expect_owners(page, description, written, described):
    """The action's owners as the minutes write them, with who each is on hover."""
    cell = owners_cell(page, description)
    expect(cell).to_have_text(written)
    abbrs = cell.locator("abbr")
    expect(abbrs).to_have_count(len(described))
    for index, title in enumerate(described):
        expect(abbrs.nth(index)).to_have_attribute("title", title)


def expect_board_a_minutes(page):
    for reference, title, _actions in ITEMS:
        expect(page.get_by_role("heading", name=f"{reference} {title}")).to_be_visible()
    expect_owners(
        page,
        ITEMS[1][2][0][0],
        "RJ / DB / AC",
        [RJ_DESCRIBED, DB_DESCRIBED, AC_DESCRIBED],
    )
    expect_owners(page, ITEMS[2][2][0][0], "RHL", [RHL_DESCRIBED])
    expect_owners(page, ITEMS[2][2][1][0], "PR", [PR_DESCRIBED])
    header = page.locator(".minutes-facts")
    expect(header).to_contain_text("Helen Okafor")
    expect(header).to_contain_text("Tom Ashby, Governance Officer, OPCC")
    attendance = page.locator("#attendance")
    expect(attendance).to_contain_text("Rosa Jenkins")
    expect(attendance).not_to_contain_text("Daniel Brook")  # an owner who did not attend


def test_an_officer_enters_another_boards_minutes_as_written(page, live_server, officer, boards):
    item_posts: list[str] = []

    def count_item_posts(request):
        if request.method == "POST" and ITEM_FORM_URL.search(request.url):
            item_posts.append(request.url)

    page.on("request", count_item_posts)
    login(page, live_server, "officer")
    page.goto(live_server.url + reverse("meetings:list"))

    meeting = create_the_meeting(page)
    # The chair, named twice on the page, joined the directory once, with the initials given.
    assert Person.objects.get(name="Helen Okafor").initials == "HO"
    assert Person.objects.get(name="Tom Ashby").initials == "TA"
    assert meeting.chair.name == "Helen Okafor" and meeting.minute_taker.name == "Tom Ashby"

    record_previous_minutes_not_approved(page)
    approval = PreviousMinutesApproval.objects.get(meeting=meeting)
    assert approval.previous == boards["earlier"]
    assert approval.outcome == PreviousMinutesOutcome.NOT_APPROVED

    page.get_by_role("link", name="Agenda").click()
    for reference, title, actions in ITEMS:
        posted_before = len(item_posts)
        add_item(page, reference, title, actions)
        # One save per item: its form was posted once, its actions and new owner included.
        assert len(item_posts) - posted_before == 1, (title, item_posts)
    assert len(item_posts) == len(ITEMS), item_posts

    saved = {a.description: a for a in Action.objects.filter(origin_meeting=meeting)}
    assert sorted(a.reference for a in saved.values()) == [
        "SPB-2022-02-01",
        "SPB-2022-02-02",
        "SPB-2022-02-03",
    ]
    owners = [o.person.name for o in saved[ITEMS[1][2][0][0]].owners]
    assert owners == ["Rosa Jenkins", "Daniel Brook", "Amira Cole"]
    rhona = Person.objects.get(name="Rhona Hart-Lowe")
    assert (rhona.initials, rhona.rank, rhona.organisation) == ("RHL", "Director", "force")

    # The draft minutes print the board's references and each owner as written.
    page.goto(meeting_url(live_server, meeting))
    expect(page.get_by_role("heading", level=1)).to_have_text(MEETING_TITLE)
    expect_board_a_minutes(page)

    # The earlier meeting's page says its minutes were not approved, and why.
    page.goto(meeting_url(live_server, boards["earlier"]))
    outcome = page.locator(".previous-minutes-outcome")
    expect(outcome).to_have_text(
        f"Not approved at the meeting of 15 February 2022: {NOT_APPROVED_REASON}"
    )
    outcome.get_by_role("link", name="15 February 2022").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MEETING_TITLE)

    # Approving warns that the previous minutes were not approved; the stored minutes print
    # the same.
    with page.expect_navigation():
        page.get_by_role("button", name="Approve the minutes").click()
    expect(page.get_by_role("status").filter(has_text="approved")).to_contain_text(
        "The minutes have been approved."
    )
    expect(page.get_by_role("alert").filter(has_text="previous meeting")).to_have_text(
        f"The minutes of the previous meeting ({EARLIER_TITLE}) were not approved: "
        f"{NOT_APPROVED_REASON}"
    )
    expect(page.locator(".status-badge")).to_have_text("Approved")
    expect_board_a_minutes(page)

    # The other board writes the same person by rank and initials.
    page.goto(meeting_url(live_server, boards["other"]))
    expect_owners(page, "Stop and search scrutiny panel findings", "ACC RJ", [RJ_DESCRIBED])
