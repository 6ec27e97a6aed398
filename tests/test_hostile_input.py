"""Hostile input: every payload of tests/hostile.py typed into every text field that a page shows,
through the real forms where there is one, and every page that shows them rendered — none of it
survives as markup, template strings are shown as typed, and the CSV keeps formulas inert.

Typing a payload through the forms is the slow part: by default it is done for the payloads of
``REPRESENTATIVE_PAYLOADS``, one for each way out of the page's escaping; the rest of the corpus
is marked ``slow`` and runs in ``make test-slow``, which CI runs after ``make test``."""

from __future__ import annotations

import csv
import datetime
import io

import pypdf
import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import NoReverseMatch, reverse

from actions.dashboard_views import FORMULA_PREFIXES
from actions.models import Action, ActionUpdate
from assurance.text import render_text
from meetings.models import AgendaItem, Meeting, Organisation, Person
from tests import factories
from tests.hostile import (
    PAYLOAD_SETS,
    PAYLOADS,
    REPRESENTATIVE_PAYLOADS,
    SPREADSHEET_FORMULAS,
    TEMPLATE_INJECTIONS,
    assert_no_markup,
    assert_not_evaluated,
    item_form_data,
    markup_problems,
    meeting_form_data,
    outstanding_form_data,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db

MEETING_DATE = datetime.date(2022, 11, 29)
LATER_DATE = datetime.date(2023, 2, 28)

# The admin's own scripts: its static files and the translation catalogue it loads by URL.
ADMIN_SCRIPTS = ("/static/", "/admin/jsi18n/")
# The admin's inline SVG icons (the theme toggle and its sprite sheet).
ADMIN_SVGS = (
    "base-svgs",
    "theme-icon-when-auto",
    "theme-icon-when-dark",
    "theme-icon-when-light",
)


def marked(payload: str, field: str) -> str:
    """The payload as typed into ``field``: tagged, so each field's value can be found."""
    return f"{payload} ({field})"


def ok(response, where):
    assert response.status_code in (200, 302), f"{where}: HTTP {response.status_code}"
    return response


class HostileWorld:
    """A meeting, its attendance, items, actions, updates, office, topic and area, every text
    field holding the payload, entered through the forms a user would use."""

    def __init__(self, payload: str, officer):
        self.payload = payload
        self.client = Client()
        self.client.force_login(officer)
        mark = lambda field: marked(payload, field)  # noqa: E731

        # Offices, topics and areas are set up in the admin: made by factories here.
        self.office = factories.OfficeFactory(
            title=mark("office"), abbreviation=payload[:20], organisation=Organisation.FORCE
        )
        self.topic = factories.TopicFactory(name=mark("topic")[:100])
        self.area = factories.LocalPolicingAreaFactory(name=mark("area")[:100])

        # The meeting form, with someone new in the attendance.
        data = meeting_form_data(
            [
                {
                    "new_name": mark("person"),
                    "new_organisation": Organisation.FORCE,
                    "capacity": mark("capacity"),
                }
            ],
            title=mark("meeting title"),
            date=MEETING_DATE.isoformat(),
            venue=mark("venue"),
            focus=mark("focus"),
            minute_taker_capacity=mark("minute taker capacity"),
        )
        ok(self.client.post(reverse("meetings:create"), data), "meeting form")
        self.meeting = Meeting.objects.get()
        self.person = Person.objects.get(name=mark("person"))
        # Chair and minute taker are chosen from the directory; the hostile name is theirs.
        Meeting.objects.filter(pk=self.meeting.pk).update(
            chair=self.person, minute_taker=self.person
        )

        # The item form with an action arising, then a withheld item with its reason.
        owners = self.office.abbreviation
        data = item_form_data(
            title=mark("item title"),
            lead_office=str(self.office.pk),
            background=mark("background"),
            questions=mark("questions"),
            minutes=mark("minutes"),
            assurance_level="partly",
            assurance_statement=mark("assurance statement"),
            decision=mark("decision"),
            topics=[str(self.topic.pk)],
            areas=[str(self.area.pk)],
            actions=[{"description": mark("action"), "owners": owners}],
        )
        ok(self.client.post(reverse("meetings:item_create", args=[self.meeting.pk]), data), "item")
        data = item_form_data(
            title=mark("withheld item"),
            restricted=True,
            restricted_reason=mark("restricted reason"),
        )
        ok(self.client.post(reverse("meetings:item_create", args=[self.meeting.pk]), data), "item")
        self.item = AgendaItem.objects.get(title=mark("item title"))
        assert AgendaItem.objects.count() == 2, "the item form refused the payload"
        self.action = Action.objects.get()
        assert self.action.description == mark("action")

        # The action page's note and change of status.
        ok(
            self.client.post(
                reverse("actions:note", args=[self.action.pk]), {"note-note": mark("note")}
            ),
            "note form",
        )
        ok(
            self.client.post(
                reverse("actions:transition", args=[self.action.pk]),
                {
                    "status-transition": "start",
                    "status-note": mark("transition note"),
                    "status-expected_status": "open",
                },
            ),
            "transition form",
        )
        # The update given at the next meeting, on its outstanding matters form.
        self.later = factories.MeetingFactory(date=LATER_DATE, title="Later meeting", chair=None)
        self.action.refresh_from_db()
        data = outstanding_form_data([self.action], {self.action: (mark("update at meeting"), "")})
        ok(
            self.client.post(reverse("actions:outstanding", args=[self.later.pk]), data),
            "outstanding matters form",
        )
        assert ActionUpdate.objects.count() == 3, "a note form refused the payload"

    def pages(self) -> dict[str, str]:
        """Every page showing the payload, by a name for the failure message."""
        meeting, item, action = self.meeting, self.item, self.action
        return {
            "minutes page": reverse("meetings:detail", args=[meeting.pk]),
            "later minutes page": reverse("meetings:detail", args=[self.later.pk]),
            "meetings list": reverse("meetings:list"),
            "agenda": reverse("meetings:agenda", args=[meeting.pk]),
            "item form": reverse("meetings:item_edit", args=[meeting.pk, item.pk]),
            "meeting form": reverse("meetings:edit", args=[meeting.pk]),
            "dashboard": reverse("home"),
            "action log": reverse("actions:log"),
            "action page": reverse("actions:detail", args=[action.pk]),
            "outstanding matters form": reverse("actions:outstanding", args=[self.later.pk]),
        }


@pytest.fixture(
    params=[
        payload
        if payload in REPRESENTATIVE_PAYLOADS
        else pytest.param(payload, marks=pytest.mark.slow)
        for payload in PAYLOADS
    ],
    ids=[f"payload{i:02d}" for i in range(len(PAYLOADS))],
)
def world(request, officer):
    return HostileWorld(request.param, officer)


@pytest.fixture
def admin_client_(db):
    client = Client()
    client.force_login(factories.UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


# Payloads that are not markup when left unescaped in HTML: the Markdown links (dangerous only if
# a renderer made links of them), entities, comments and template or spreadsheet strings.
INERT_AS_RAW_HTML = {
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    *TEMPLATE_INJECTIONS,
    *SPREADSHEET_FORMULAS,
}


@pytest.mark.parametrize("payload", sorted(set(PAYLOADS) - INERT_AS_RAW_HTML))
def test_the_checker_catches_each_markup_payload_left_unescaped(payload):
    """The page check can fail: each payload, pasted raw into a page, is caught."""
    raw = f"<p>{payload}</p><input value=\"{payload}\"><input value='{payload}'>"
    assert markup_problems(raw)


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload{i:02d}" for i in range(len(PAYLOADS))])
def test_the_text_renderer_turns_every_payload_into_text(payload):
    html = str(render_text(payload))
    assert_no_markup(html, "render_text's output")
    assert html.startswith("<p>") and html.endswith("</p>")
    assert page_text(HttpResponse(html)) == payload


def check_no_markup_on_any_page(world):
    for where, url in world.pages().items():
        response = ok(world.client.get(url), where)
        assert response.status_code == 200, where
        assert_no_markup(response.content.decode(), where)


def check_every_field_on_the_minutes_page_shows_the_payload_as_typed(world):
    response = world.client.get(reverse("meetings:detail", args=[world.meeting.pk]))
    text = page_text(response)
    for field in (
        "meeting title",
        "venue",
        "focus",
        "minute taker capacity",
        "person",
        "capacity",
        "office",
        "topic",
        "area",
        "item title",
        "background",
        "questions",
        "minutes",
        "assurance statement",
        "decision",
        "withheld item",
        "restricted reason",
        "action",
    ):
        value = " ".join(marked(world.payload, field).split())
        assert_not_evaluated(text, value[:100] if field in ("topic", "area") else value, field)


def check_every_update_on_the_action_page_shows_the_payload_as_typed(world):
    text = page_text(world.client.get(reverse("actions:detail", args=[world.action.pk])))
    for field in ("action", "note", "transition note", "update at meeting", "item title"):
        assert_not_evaluated(text, " ".join(marked(world.payload, field).split()), field)


def check_the_item_form_redisplays_the_payload_inert_when_it_has_errors(world):
    data = item_form_data(
        title=marked(world.payload, "retyped title"),
        minutes=marked(world.payload, "retyped minutes"),
        assurance_level="made_up",
        actions=[{"description": marked(world.payload, "retyped action"), "owners": ""}],
    )
    response = world.client.post(reverse("meetings:item_create", args=[world.meeting.pk]), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert_no_markup(response.content.decode(), "the item form with errors")
    # What was typed is kept, escaped inside the inputs.
    text = page_text(response) + response.content.decode()
    assert "retyped minutes" in text and "retyped action" in text


def check_an_error_message_quoting_the_payload_is_inert(world):
    """Refusing a new name already in the directory quotes the name in the message."""
    data = meeting_form_data(
        [
            {
                "new_name": marked(world.payload, "person"),
                "new_organisation": Organisation.FORCE,
            }
        ],
        title=marked(world.payload, "second meeting"),
    )
    response = world.client.post(reverse("meetings:create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "is already in the directory" in body
    assert_no_markup(body, "the meeting form with errors")


def check_the_csv_export_keeps_the_payload_as_text_and_formulas_inert(world):
    response = world.client.get(reverse("actions:export"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    cells = dict(zip(header, row, strict=True))
    for column, field in (("Description", "action"), ("Item title", "item title")):
        typed = marked(world.payload, field)
        expected = f"'{typed}" if typed.startswith(FORMULA_PREFIXES) else typed
        assert cells[column] == expected
    assert cells["Origin meeting"].endswith(marked(world.payload, "meeting title"))


ADMIN_PAGES = [
    "admin:meetings_meeting_changelist",
    "admin:meetings_agendaitem_changelist",
    "admin:meetings_attendance_changelist",
    "admin:meetings_person_changelist",
    "admin:meetings_office_changelist",
    "admin:meetings_topic_changelist",
    "admin:meetings_localpolicingarea_changelist",
    "admin:actions_action_changelist",
    "admin:actions_actionupdate_changelist",
]


def check_no_markup_in_the_admin(world, admin_client_):
    pages = {name: reverse(name) for name in ADMIN_PAGES}
    pages |= {
        "meeting change page": reverse("admin:meetings_meeting_change", args=[world.meeting.pk]),
        "item change page": reverse("admin:meetings_agendaitem_change", args=[world.item.pk]),
        "action change page": reverse("admin:actions_action_change", args=[world.action.pk]),
    }
    for where, url in pages.items():
        response = admin_client_.get(url)
        assert response.status_code == 200, where
        assert_no_markup(
            response.content.decode(),
            f"the admin's {where}",
            allowed_script_prefixes=ADMIN_SCRIPTS,
            allowed_svg_classes=ADMIN_SVGS,
        )


def test_each_payload_is_inert_everywhere_it_is_shown(world, admin_client_):
    """One world per payload (entering it through the forms is the slow part), every check."""
    check_no_markup_on_any_page(world)
    check_every_field_on_the_minutes_page_shows_the_payload_as_typed(world)
    check_every_update_on_the_action_page_shows_the_payload_as_typed(world)
    check_the_csv_export_keeps_the_payload_as_text_and_formulas_inert(world)
    check_no_markup_in_the_admin(world, admin_client_)
    # Last: these post forms that are refused, and so change nothing the checks above read.
    check_the_item_form_redisplays_the_payload_inert_when_it_has_errors(world)
    check_an_error_message_quoting_the_payload_is_inert(world)


@pytest.mark.parametrize("payloads", PAYLOAD_SETS)
@pytest.mark.parametrize("url_name", ["meetings:pdf", "public:pdf"])
def test_the_pdf_shows_every_payload_only_as_literal_text(officer, url_name, payloads):
    """One PDF holds the payloads: an item per payload with the payload as its title,
    background, minutes and action, in published minutes. A PDF URL that stops resolving fails
    the test."""
    try:
        reverse(url_name, args=[1])
    except NoReverseMatch:
        pytest.fail(f"{url_name} no longer resolves: the minutes PDF must be reachable there")
    meeting = factories.MeetingFactory(
        date=MEETING_DATE, title="Hostile minutes", status=Meeting.Status.PUBLISHED
    )
    office = factories.OfficeFactory(abbreviation="CC", title="Chief Constable")
    for position, payload in enumerate(payloads, start=1):
        item = factories.AgendaItemFactory(
            meeting=meeting,
            position=position,
            title=payload,
            background=payload,
            minutes=payload,
        )
        factories.ActionFactory(origin_item=item, description=payload, owners=[office])
    client = Client()
    if url_name.startswith("meetings:"):
        client.force_login(officer)
    response = client.get(reverse(url_name, args=[meeting.pk]))
    assert response.status_code == 200
    content = b"".join(response) if response.streaming else response.content
    reader = pypdf.PdfReader(io.BytesIO(content))

    # PDF text extraction breaks lines where the layout did: compare without whitespace.
    text = "".join("".join(page.extract_text() or "" for page in reader.pages).split())
    for payload in payloads:
        assert "".join(payload.split()) in text, f"{payload!r} is not in the PDF as typed"
    # Nothing in the PDF runs: no JavaScript, no actions on opening, no links to scripts.
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    assert "/JavaScript" not in str(catalog.get("/Names", {}))
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object().get("/A", {})
            assert "/JS" not in link
            uri = str(link.get("/URI", "")).lower()
            assert not uri.startswith(("javascript:", "data:")), uri
