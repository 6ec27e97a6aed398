"""Nothing written in a draft, and nothing restricted, reaches a reader who may not read it.

The crawl: two series with draft meetings before, between and after their published meetings,
a restricted item in a published meeting, and a unique marker word in every text field of every
draft or restricted place. Every URL of the product (enumerated from the URL resolver, so a new
page is crawled without a line here) is opened as the public and as a force user acting for the
office that owns the actions, with every existing object in its arguments and the query strings
of the lists (search for each marker, the action log and its CSV export with each filter, the
calendar feeds). No response — HTML, CSV, iCalendar or PDF (its text, and the HTML it is made
from) — may contain a marker from a place its reader may not read.

What each reader may read (DESIGN.md "People and roles"): the public reads published minutes
with restricted items withheld; force staff read approved and published minutes in full (an
item is restricted from *publication*, not from the force), so for them only the drafts'
markers are forbidden.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from actions.models import Action, Status
from actions.workflow import action_add_note, action_transition
from assurance import roles
from meetings.models import AgendaItem, LocalPolicingArea, Meeting, Office, Series, Topic
from minutes.pdf import minutes_html
from minutes.public import public_meetings
from minutes.publishing import meeting_approve, meeting_publish, meeting_reopen
from minutes.record import with_minutes_header
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    LocalPolicingAreaFactory,
    MeetingFactory,
    OfficeFactory,
    SeriesFactory,
    TopicFactory,
    UserFactory,
)
from tests.pages import page_text
from tests.test_login_required import named_patterns

pytestmark = pytest.mark.django_db

DRAFT, RESTRICTED, PUBLIC = "draft", "restricted", "public"
# Searched for where a marker would be: absent from every record, so the page shows only what
# it echoes of the query (the search box, the export link).
ABSENT = "Zql999x"


@dataclass(frozen=True)
class Marker:
    word: str
    kind: str  # DRAFT, RESTRICTED or PUBLIC (published text: must be found, a check on the crawl)
    place: str


class Markers:
    """Unique words, one per place, each a single short word so that no line break in a PDF
    or fold in an iCalendar file can split it."""

    def __init__(self):
        self.all: list[Marker] = []
        self._numbers = itertools.count(1)

    def __call__(self, kind: str, place: str) -> str:
        marker = Marker(f"Zql{next(self._numbers):03d}x", kind, place)
        self.all.append(marker)
        return marker.word

    def text(self, kind: str, place: str) -> str:
        """A sentence carrying a new marker."""
        return f"Some words about {self(kind, place)} in {place}."

    def of_kind(self, *kinds: str) -> list[Marker]:
        return [marker for marker in self.all if marker.kind in kinds]


# --- The records ---------------------------------------------------------------------------


def item_fields(mark: Markers, kind: str, where: str) -> dict:
    """Every text field of an agenda item, each with its own marker."""
    return {
        "title": f"Item {mark(kind, f'the title of an item of {where}')}",
        "background": mark.text(kind, f"the background of an item of {where}"),
        "questions": mark.text(kind, f"the questions of an item of {where}"),
        "minutes": mark.text(kind, f"the minutes of an item of {where}"),
        "assurance_statement": mark.text(kind, f"the assurance statement of {where}"),
        "decision": mark.text(kind, f"the decision of an item of {where}"),
        "assurance_level": AgendaItem.Assurance.PARTLY_ASSURED,
    }


def held(meeting: Meeting, person_office: Office) -> Meeting:
    AttendanceFactory(meeting=meeting, person__office=person_office)
    return meeting


class World:
    """Two series; in each, draft meetings before, between and after two published ones."""

    def __init__(self, officer):
        self.officer = officer
        self.mark = Markers()
        self.cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
        self.topic = TopicFactory(name="Call handling", slug="call-handling")
        self.area = LocalPolicingAreaFactory(name="Shropshire", slug="shropshire")
        self.drafts: list[Meeting] = []
        self.published: list[Meeting] = []
        for name, code, dates in [
            ("Holding to Account", "HTA", [(2022, 7, 12), (2022, 9, 27), (2022, 10, 25),
                                          (2022, 11, 29), (2023, 1, 31)]),
            ("Governance Board", "GB", [(2022, 8, 9), (2022, 10, 11), (2022, 11, 8),
                                        (2022, 12, 6), (2023, 2, 14)]),
        ]:  # fmt: skip
            self.build_series(name, code, [datetime.date(*day) for day in dates])
        # A draft of a meeting still to come, for the calendars and the dashboards.
        future = MeetingFactory(
            series=self.series_a, date=datetime.date(2027, 3, 2), title="Holding to Account 2027"
        )
        self.draft_item(future, "the meeting still to come")
        self.drafts.append(future)
        self.mark_draft_meetings()

    def draft_item(self, meeting: Meeting, where: str) -> AgendaItem:
        """An item of a draft, every text field marked, with a marked action owned by CC; and
        a restricted item inside the draft too."""
        item = AgendaItemFactory(
            meeting=meeting, position=1, **item_fields(self.mark, DRAFT, where)
        )
        item.topics.add(self.topic)
        item.areas.add(self.area)
        ActionFactory(
            origin_item=item,
            reference=f"D-{meeting.pk}-1",
            description=self.mark.text(DRAFT, f"the description of an action of {where}"),
            owners=[self.cc],
        )
        AgendaItemFactory(
            meeting=meeting,
            position=2,
            restricted=True,
            restricted_reason=self.mark.text(DRAFT, f"the restricted reason of {where}"),
            **item_fields(self.mark, DRAFT, f"a restricted item of {where}"),
        )
        return item

    def build_series(self, name: str, code: str, dates: list[datetime.date]) -> None:
        series = SeriesFactory(name=name, minutes_label=name, reference_code=code)
        if code == "HTA":
            self.series_a = series
        before, first, between, second, after = (
            MeetingFactory(series=series, date=day, title=f"{name} {day:%B %Y}") for day in dates
        )
        for meeting, where in [(before, "the draft before"), (between, "the draft between"),
                               (after, "the draft after")]:  # fmt: skip
            self.draft_item(meeting, f"{where} of {name}")
            self.drafts.append(meeting)
        draft_actions = {
            meeting.pk: Action.objects.get(origin_meeting=meeting) for meeting in (before, between)
        }

        # The first published meeting: an ordinary item and a restricted one (with a sub-item).
        held(first, self.cc)
        ordinary = AgendaItemFactory(
            meeting=first,
            position=1,
            title=f"Published item {self.mark(PUBLIC, f'a published item of {name}')}",
        )
        ordinary.topics.add(self.topic)
        published_action = ActionFactory(
            origin_item=ordinary,
            reference=f"{code}-P1",
            description=self.mark.text(PUBLIC, f"a published action of {name}"),
            owners=[self.cc],
        )
        restricted = AgendaItemFactory(
            meeting=first,
            position=2,
            restricted=True,
            restricted_reason=self.mark.text(RESTRICTED, f"the restricted reason in {name}"),
            **item_fields(self.mark, RESTRICTED, f"the restricted item of {name}"),
        )
        restricted.topics.add(self.topic)
        restricted.areas.add(self.area)
        sub_item = AgendaItemFactory(
            meeting=first,
            parent=restricted,
            position=1,
            **item_fields(self.mark, RESTRICTED, f"the restricted sub-item of {name}"),
        )
        restricted_actions = [
            ActionFactory(
                origin_item=origin,
                reference=f"{code}-R{number}",
                description=self.mark.text(RESTRICTED, f"an action of a restricted item of {name}"),
                owners=[self.cc],
            )
            for number, origin in enumerate([restricted, sub_item], start=1)
        ]

        # Notes given at the draft between the two published meetings, on the published action:
        # part of the draft's minutes.
        action_transition(
            action_id=published_action.pk,
            transition="start",
            user=self.officer,
            note=self.mark.text(DRAFT, f"a note given at the draft between of {name}"),
            meeting=between,
        )
        # A note between meetings on a draft's action.
        action_add_note(
            action_id=draft_actions[before.pk].pk,
            user=self.officer,
            note=self.mark.text(DRAFT, f"a note on an action of the draft before of {name}"),
        )

        # The second published meeting reviews the earlier actions, with updates given at it.
        held(second, self.cc)
        AgendaItemFactory(
            meeting=second, position=1, title="Outstanding matters", kind="outstanding", minutes=""
        )
        later_item = AgendaItemFactory(meeting=second, position=2, title="Response times")
        later_action = ActionFactory(
            origin_item=later_item,
            reference=f"{code}-P2",
            description=self.mark.text(PUBLIC, f"an action of the second meeting of {name}"),
            owners=[self.cc],
            due_meeting=after,
        )
        for action, kind, what in [
            (published_action, PUBLIC, "an update on the published action"),
            (restricted_actions[0], RESTRICTED, "an update on the restricted action"),
            (draft_actions[before.pk], DRAFT, "an update on the draft before's action"),
            (draft_actions[between.pk], DRAFT, "an update on the draft between's action"),
        ]:
            action_add_note(
                action_id=action.pk,
                user=self.officer,
                note=self.mark.text(kind, f"{what}, given at the second meeting of {name}"),
                meeting=second,
            )
        # A note given at the draft after, on the second meeting's action.
        action_add_note(
            action_id=later_action.pk,
            user=self.officer,
            note=self.mark.text(DRAFT, f"a note given at the draft after of {name}"),
            meeting=after,
        )

        for meeting in (first, second):
            meeting_approve(meeting=meeting, user=self.officer)
            meeting_publish(meeting=meeting, user=self.officer)
            self.published.append(meeting)

    def mark_draft_meetings(self) -> None:
        """The drafts' own title, focus and venue, written once the published minutes were
        approved: the minutes confirm the next meeting's title, date, time and venue as they
        were when approved (the seeds' "Confirmation of next meeting type / date / time /
        venue"), so what is typed into the draft afterwards must go nowhere."""
        due_back_at = set(Action.objects.values_list("due_meeting_id", flat=True))
        self.due_meeting_titles = set()
        for meeting in self.drafts:
            where = f"the draft of {meeting.date:%d %B %Y}"
            meeting.title = f"Meeting {self.mark(DRAFT, f'the title of {where}')}"
            if meeting.pk in due_back_at:
                self.due_meeting_titles.add(self.mark.all[-1].word)
            meeting.focus = self.mark.text(DRAFT, f"the focus of {where}")
            meeting.venue = f"Venue {self.mark(DRAFT, f'the venue of {where}')}"
            meeting.save()


# --- Reading every response ----------------------------------------------------------------


def body_text(response) -> str:
    """What a response shows: a PDF's extracted text, a calendar unfolded, else the text."""
    content_type = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(content))
        return " ".join(page.extract_text() for page in reader.pages)
    text = content.decode("utf-8", errors="replace")
    if content_type.startswith("text/calendar"):
        text = re.sub(r"\r?\n[ \t]", "", text)  # RFC 5545 folding may split a word
    return text


# Which objects fill a URL's pk: actions for the action pages, series for the series pages,
# meetings for the rest; a URL not named here gets every kind.
PK_KINDS = {
    "actions:detail": "action",
    "actions:transition": "action",
    "actions:note": "action",
    "meetings:series_edit": "series",
}
FILTERED_LISTS = {"home", "actions:log", "actions:export"}
SEARCHED = FILTERED_LISTS | {"meetings:search"}
MEETING_LISTS = {"meetings:list", "public:list", "meetings:search"}


def ids_of(kind: str) -> list[int]:
    models = {"meeting": Meeting, "action": Action, "series": Series}
    if kind in models:
        return list(models[kind].objects.values_list("pk", flat=True))
    return sorted(
        {pk for model in models.values() for pk in model.objects.values_list("pk", flat=True)}
    )


def query_variants(name: str, markers: list[Marker]) -> list[dict]:
    """The query strings a list page is opened with; ``{q}`` stands for a searched word."""
    variants: list[dict] = [{}]
    if name in SEARCHED:
        variants += [{"q": "{q}"}]
    if name in FILTERED_LISTS:
        statuses = ["outstanding", *Status.values]
        variants += [{"status": status} for status in statuses]
        variants += [{"owner": pk} for pk in Office.objects.values_list("pk", flat=True)]
        variants += [{"origin_meeting": pk} for pk in ids_of("meeting")]
        variants += [{"topic": pk} for pk in Topic.objects.values_list("pk", flat=True)]
        variants += [{"overdue": "on"}, {"due_next": "on"}, {"closed_recently": "on"}]
        variants += [{"page": 2}]
    if name in MEETING_LISTS:
        years = sorted({day.year for day in Meeting.objects.dates("date", "year")})
        searched = {"q": "Some words"} if name == "meetings:search" else {}
        variants += [searched | {"series": pk} for pk in ids_of("series")]
        variants += [searched | {"year": year} for year in years]
        variants += [{"page": 2}]
    if name == "meetings:search":
        variants += [
            {"q": "Some words", "topic": slug}
            for slug in Topic.objects.values_list("slug", flat=True)
        ]
        variants += [
            {"q": "Some words", "area": slug}
            for slug in LocalPolicingArea.objects.values_list("slug", flat=True)
        ]
    if name == "meetings:calendar":
        variants += [{"series": pk} for pk in ids_of("series")]
    return variants


def urls_to_crawl(markers: list[Marker]) -> list[tuple[str, str, str | None]]:
    """(URL name, URL, the marker it searches for or None) for every URL of the product."""
    items = list(AgendaItem.objects.values_list("meeting_id", "pk"))
    slugs = list(Topic.objects.values_list("slug", flat=True))
    slugs += list(LocalPolicingArea.objects.values_list("slug", flat=True))
    crawl = []
    for name, pattern in named_patterns():
        arguments = set(pattern.pattern.converters)
        if not arguments:
            for variant in query_variants(name, markers):
                url = reverse(name)
                if "{q}" not in variant.values():
                    crawl.append((name, f"{url}?{urlencode(variant)}" if variant else url, None))
                    continue
                for marker in [*markers, Marker(ABSENT, PUBLIC, "nowhere")]:
                    query = {
                        key: marker.word if value == "{q}" else value
                        for key, value in variant.items()
                    }
                    crawl.append((name, f"{url}?{urlencode(query)}", marker.word))
        elif arguments == {"pk"}:
            for pk in ids_of(PK_KINDS.get(name, "any")):
                crawl.append((name, reverse(name, kwargs={"pk": pk}), None))
        elif arguments == {"pk", "item_pk"}:
            for meeting_pk, item_pk in items:
                crawl.append(
                    (name, reverse(name, kwargs={"pk": meeting_pk, "item_pk": item_pk}), None)
                )
        elif arguments == {"slug"}:
            for slug in slugs:
                crawl.append((name, reverse(name, kwargs={"slug": slug}), None))
        else:
            raise AssertionError(f"Teach the crawl to fill {name}'s arguments {arguments}.")
    return crawl


@dataclass(frozen=True)
class Leak:
    reader: str
    name: str  # the URL's name
    url: str
    marker: Marker

    def __str__(self):
        return f"{self.reader} {self.url}: {self.marker.word} ({self.marker.place})"


def crawl(client, reader: str, forbidden: list[Marker], markers: list[Marker]):
    """Open every URL as the signed-in (or anonymous) client; return the leaks and every
    body read, by URL."""
    leaks, bodies, echoes = [], {}, {}
    for name, url, searched in urls_to_crawl(markers):
        response = client.get(url)
        text = body_text(response)
        bodies[url] = text
        if searched == ABSENT:
            echoes[name] = text.count(ABSENT)
        for marker in forbidden:
            allowed = 0
            if marker.word == searched:
                # The page repeats the query (its search box, its export link): as often as it
                # repeats a word found nowhere.
                allowed = echoes.setdefault(
                    name, body_text(client.get(url.replace(searched, ABSENT))).count(ABSENT)
                )
            if text.count(marker.word) > allowed:
                leaks.append(Leak(reader, name, url, marker))
    return leaks, bodies


@pytest.fixture
def world(officer):
    return World(officer)


def test_no_page_file_or_feed_shows_the_public_a_draft_or_a_restricted_item(client, world):
    markers = world.mark.all
    forbidden = world.mark.of_kind(DRAFT, RESTRICTED)
    cache.clear()
    leaks, bodies = crawl(client, "anonymous", forbidden, markers)

    # The HTML each public PDF is made from, and the PDF stored for it.
    for meeting in with_minutes_header(public_meetings()):
        html = minutes_html(meeting, public=True)
        stored = reverse("public:pdf", args=[meeting.pk])
        for marker in forbidden:
            if marker.word in html:
                leaks.append(Leak("anonymous", "pdf", f"minutes_html({meeting})", marker))
        assert stored in bodies

    assert not leaks, "\n".join(map(str, leaks))
    # The crawl read the public minutes: each published marker is on some public page.
    seen = " ".join(bodies.values())
    for marker in world.mark.of_kind(PUBLIC):
        assert marker.word in seen, marker


def test_no_page_file_or_feed_shows_a_force_user_a_draft(client, world, force_user):
    markers = world.mark.all
    forbidden = world.mark.of_kind(DRAFT)
    client.force_login(force_user)
    cache.clear()
    leaks, bodies = crawl(client, "force user", forbidden, markers)

    for meeting in with_minutes_header(Meeting.objects.visible_to(force_user)):
        html = minutes_html(meeting, public=False, user=force_user)
        for marker in forbidden:
            if marker.word in html:
                leaks.append(Leak("force user", "pdf", f"minutes_html({meeting})", marker))

    assert not leaks, "\n".join(map(str, leaks))
    # The crawl read what the force may read: published and restricted text alike.
    seen = " ".join(bodies.values())
    for marker in world.mark.of_kind(PUBLIC, RESTRICTED):
        assert marker.word in seen, marker


def test_every_marker_is_shown_to_the_opcc_so_the_crawl_would_see_a_leak(client, world, officer):
    """Each marker is on a page the OPCC may read, so that its absence elsewhere means
    something."""
    client.force_login(officer)
    seen = " ".join(
        client.get(reverse("meetings:detail", args=[pk])).content.decode()
        for pk in ids_of("meeting")
    )
    seen += " ".join(
        client.get(reverse("actions:detail", args=[pk])).content.decode() for pk in ids_of("action")
    )
    missing = [marker for marker in world.mark.all if marker.word not in seen]
    assert not missing, missing


# --- The reproduction ----------------------------------------------------------------


def test_an_action_of_a_draft_meeting_is_not_in_the_published_minutes_of_a_later_one(
    client, officer
):
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    july = MeetingFactory(date=datetime.date(2022, 7, 12), title="Draft July 2022")
    ActionFactory(
        origin_item=AgendaItemFactory(meeting=july, title="Road safety"),
        reference="2022-07-01",
        description="Check Xyzzy-draft-4471 before anything else.",
        owners=[cc],
    )
    november = MeetingFactory(date=datetime.date(2022, 11, 29))
    AttendanceFactory(meeting=november)
    AgendaItemFactory(
        meeting=november, position=1, title="Outstanding matters", kind="outstanding", minutes=""
    )
    meeting_approve(meeting=november, user=officer)
    meeting_publish(meeting=november, user=officer)

    response = client.get(f"/public/{november.pk}/")
    assert response.status_code == 200
    assert "Xyzzy-draft-4471" not in response.content.decode()
    assert "2022-07-01" not in response.content.decode()
    pdf = body_text(client.get(reverse("public:pdf", args=[november.pk])))
    assert "Xyzzy" not in pdf
    assert "2022-07-01" not in pdf


# --- Reopening an earlier meeting takes its actions out of later published minutes ------------


def test_reopening_a_meeting_withdraws_its_actions_from_later_published_minutes(client, officer):
    cc = OfficeFactory(abbreviation="CC", title="Chief Constable")
    september = MeetingFactory(date=datetime.date(2022, 9, 27), title="September 2022")
    AttendanceFactory(meeting=september)
    action = ActionFactory(
        origin_item=AgendaItemFactory(meeting=september, title="Victim satisfaction"),
        reference="2022-09-01",
        description="Share the Qwv5512 survey results.",
        owners=[cc],
    )
    meeting_approve(meeting=september, user=officer)
    meeting_publish(meeting=september, user=officer)
    november = MeetingFactory(date=datetime.date(2022, 11, 29), title="November 2022")
    AttendanceFactory(meeting=november)
    AgendaItemFactory(
        meeting=november, position=1, title="Outstanding matters", kind="outstanding", minutes=""
    )
    action_add_note(
        action_id=action.pk, user=officer, note="Shared on Qwv6623 day.", meeting=november
    )
    meeting_approve(meeting=november, user=officer)
    meeting_publish(meeting=november, user=officer)

    def public_page():
        cache.clear()
        return client.get(reverse("public:detail", args=[november.pk])).content.decode()

    def public_pdf():
        return body_text(client.get(reverse("public:pdf", args=[november.pk])))

    assert "Qwv5512" in public_page() and "Qwv6623" in public_page()
    assert "Qwv5512" in public_pdf()
    assert november.published_pdfs.count() == 1

    meeting_reopen(meeting=september, user=officer, reason="The attendance was wrong.")

    page = public_page()
    assert "Qwv5512" not in page and "Qwv6623" not in page
    assert "Qwv5512" not in public_pdf() and "Qwv6623" not in public_pdf()
    assert november.published_pdfs.count() == 2
    latest = november.published_pdfs.latest()
    assert latest.reason == (
        "The actions it reviews from September 2022 were withdrawn from publication."
    )
    assert latest.sha256 in page
    # The minutes themselves are unchanged: the stored record still has the update.
    assert "Qwv6623" in str(november.record.content)

    # Published again: back in the later minutes, in a PDF made again.
    meeting_approve(meeting=september, user=officer)
    meeting_publish(meeting=september, user=officer)
    assert "Qwv5512" in public_page() and "Qwv5512" in public_pdf()
    assert november.published_pdfs.count() == 3
    assert november.published_pdfs.latest().reason == (
        "The actions it reviews from September 2022 were published."
    )
    # The meeting's history says why each public PDF was stored.
    client.force_login(officer)
    history = page_text(client.get(november.get_absolute_url()))
    assert "were withdrawn from publication." in history
    assert november.published_pdfs.latest().sha256 in history


def test_the_admin_shows_staff_who_are_not_superusers_only_what_they_may_read(client):
    """Someone given the admin's view permissions, in the force role, is held to the rule."""
    draft = MeetingFactory(date=datetime.date(2022, 7, 12), title="Qwv7001 draft")
    published = MeetingFactory(date=datetime.date(2022, 11, 29), status="published")
    hidden = ActionFactory(origin_item=AgendaItemFactory(meeting=draft), reference="2022-07-01")
    shown = ActionFactory(origin_item=AgendaItemFactory(meeting=published), reference="2022-11-01")
    staff = UserFactory(username="admin-force", groups=[roles.FORCE], is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_action", "view_meeting"])
    )
    client.force_login(staff)
    actions = client.get(reverse("admin:actions_action_changelist")).content.decode()
    meetings = client.get(reverse("admin:meetings_meeting_changelist")).content.decode()
    assert shown.reference in actions and hidden.reference not in actions
    assert "Qwv7001" not in meetings
    detail = client.get(reverse("admin:actions_action_change", args=[hidden.pk]))
    assert detail.status_code == 302  # the admin's "does not exist" redirect
