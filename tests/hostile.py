"""A corpus of hostile input, and the check that none of it survives as markup on a page.

``PAYLOADS`` are what an attacker (or a careless paste) might type into any text field: script
tags, event-handler attributes, ``javascript:`` and ``data:`` links (raw and in Markdown link
syntax), SVG, HTML entities, nested and malformed tags, style and expression payloads, strings
that break out of an attribute or a textarea, template-injection strings and spreadsheet
formulas. ``assert_no_markup`` parses a page and fails on anything a payload could have made
executable: a script that is not one of ours, an ``on…`` attribute, a ``javascript:`` or
``data:`` URL, or an element that runs content of its own (SVG, iframe, object, embed …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from tests.factories import default_series, written_owners

# Template injection: must be shown as typed, never evaluated.
TEMPLATE_INJECTIONS: list[str] = [
    "{{ 7*7 }}",
    "{% debug %}",
    "{{ request.user.password }}",
    "${7*7} #{7*7} <%= 7*7 %>",
]
# Spreadsheet formulas (the CSV export).
SPREADSHEET_FORMULAS: list[str] = [
    '=HYPERLINK("http://evil.example","click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
]

PAYLOADS: list[str] = [
    # Script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<script src="/static/js/site.js"></script><script>alert(1)</script>',
    # Event-handler attributes
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    # javascript: and data: links, in Markdown link syntax and as raw HTML
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    "<embed src=javascript:alert(1)>",
    # SVG and MathML
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    # HTML entities: must stay entities as typed, never be decoded into tags
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    "&#60;img src=x onerror=alert(1)&#62;",
    # Nested and malformed tags
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>>alert(1)<</script>>",
    "<b onmouseover=alert(1)",
    "<img src=x onerror=alert(1)//",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "' onfocus='alert(1)' autofocus='",
    '" onfocus="alert(1)" autofocus="',
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # Style and expression payloads
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="width: expression(alert(1))">x</div>',
    '<p style="background-image:url(&quot;javascript:alert(1)&quot;)">x</p>',
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<base href=//evil.example/>",
    *TEMPLATE_INJECTIONS,
    *SPREADSHEET_FORMULAS,
]

# One payload for each way a page could let what was typed out as markup or a formula: what the
# tests that type payloads through the forms (one world of records per payload, or one browser
# session) use by default. The whole corpus runs in the slow run (``make test-slow``, which CI
# runs after ``make test``).
REPRESENTATIVE_PAYLOADS: list[str] = [
    "<script>alert(1)</script>",  # an element in the page's text (and out of a JSON script)
    '"><script>alert(1)</script>',  # out of a double-quoted attribute
    "' onfocus='alert(1)' autofocus='",  # out of a single-quoted attribute, as an event handler
    "</textarea><script>alert(1)</script>",  # out of a text area, which is raw text to a browser
    "</title><script>alert(1)</script>",  # out of the page's title
    "[click me](javascript:alert(1))",  # a javascript: URL made by the Markdown of the minutes
    '<a href="jav&#x09;ascript:alert(1)">click</a>',  # a URL scheme hidden by an entity
    "&#60;img src=x onerror=alert(1)&#62;",  # entities: shown as typed, never decoded into tags
    "{{ 7*7 }}",  # template injection: shown as typed, never evaluated
    '=HYPERLINK("http://evil.example","click")',  # a spreadsheet formula (the CSV export)
]
assert set(REPRESENTATIVE_PAYLOADS) <= set(PAYLOADS)
# For a test that types many payloads at once: the representative ones, or the whole corpus in
# the slow run.
PAYLOAD_SETS = [
    pytest.param(REPRESENTATIVE_PAYLOADS, id="representative"),
    pytest.param(PAYLOADS, id="corpus", marks=pytest.mark.slow),
]

# Template strings that must never be rendered as their value.
TEMPLATE_PAYLOADS = {"{{ 7*7 }}": "49", "${7*7} #{7*7} <%= 7*7 %>": "49"}

# Elements that run or embed content of their own; none is in our templates.
FORBIDDEN_ELEMENTS = {
    "svg",
    "math",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "meta-refresh",  # see handle_starttag
    "style",
}
# Attributes whose value is a URL the browser may load or navigate to.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def _scheme_of(url: str) -> str:
    """The URL as a browser reads its scheme: whitespace and control characters removed."""
    return "".join(ch for ch in url if ch > " " and ch != "\x7f").lower()


@dataclass
class MarkupFinder(HTMLParser):
    """Collects what a page contains that a payload could have put there."""

    problems: list[str] = field(default_factory=list)
    allowed_script_prefixes: tuple[str, ...] = ("/static/",)
    # The admin draws its icons with inline SVG, recognised by their classes.
    allowed_svg_classes: tuple[str, ...] = ()

    def __post_init__(self):
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            src = attributes.get("src") or ""
            kind = (attributes.get("type") or "").lower()
            if kind == "application/json" and not src:
                pass  # data for a script (Django's json_script), never run
            elif not src.startswith(self.allowed_script_prefixes):
                self.problems.append(f"a <script> that is not one of ours: {attrs!r}")
        ours = tag == "svg" and (attributes.get("class") or "") in self.allowed_svg_classes
        if tag in FORBIDDEN_ELEMENTS and not ours:
            self.problems.append(f"a <{tag}> element: {attrs!r}")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"a meta refresh: {attrs!r}")
        if tag == "link" and not (attributes.get("href") or "").startswith("/static/"):
            self.problems.append(f"a <link> to somewhere else: {attrs!r}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"an event-handler attribute on <{tag}>: {name}={value!r}")
            if name in URL_ATTRIBUTES and _scheme_of(value).startswith(BAD_SCHEMES):
                self.problems.append(f"a {_scheme_of(value)[:11]} URL on <{tag}>: {value!r}")
            if name == "style" and any(
                bad in _scheme_of(value) for bad in ("expression(", "javascript:", "url(")
            ):
                self.problems.append(f"a style attribute with a payload on <{tag}>: {value!r}")

    handle_startendtag = handle_starttag


def markup_problems(
    html: str, *, allowed_script_prefixes=("/static/",), allowed_svg_classes=()
) -> list[str]:
    """Everything on the page that a payload could have made executable."""
    finder = MarkupFinder(
        allowed_script_prefixes=allowed_script_prefixes, allowed_svg_classes=allowed_svg_classes
    )
    finder.feed(html)
    finder.close()
    return finder.problems


def assert_no_markup(html: str, where: str = "", **kwargs) -> None:
    problems = markup_problems(html, **kwargs)
    assert not problems, f"Hostile markup survived on {where}:\n" + "\n".join(problems)


def assert_not_evaluated(text: str, payload: str, where: str = "") -> None:
    """A template-injection payload is shown as typed and not as its result."""
    assert payload in text, f"{payload!r} is not shown as typed on {where}"
    result = TEMPLATE_PAYLOADS.get(payload)
    if result is not None:
        assert result not in text, f"{payload!r} was evaluated to {result} on {where}"


# --- What the forms post -------------------------------------------------------------------
# The tests of hostile and bad input, the property tests and the concurrency tests all post the
# real forms; these build the POST data exactly as the pages submit it.

MEETING_FIELDS = {
    "title": "",
    "date": "2022-11-29",
    "start_time": "14:00",
    "venue": "",
    "chair": "",
    "minute_taker": "",
    "minute_taker_capacity": "",
    "focus": "",
    "version": "",
}
ATTENDANCE_ROW = {
    "person": "",
    "new_name": "",
    "new_organisation": "",
    "capacity": "",
    "status": "present",
}


def meeting_form_data(rows=(), *, initial_rows: int = 0, **fields) -> dict:
    """The meeting form's POST: its fields, then one attendance row per dict in ``rows``; the
    series is the seeds' unless ``fields`` names another."""
    if "series" not in fields:
        fields["series"] = default_series().pk
    data = {**MEETING_FIELDS, **{name: str(value) for name, value in fields.items()}}
    data |= {
        "attendance-TOTAL_FORMS": str(len(rows)),
        "attendance-INITIAL_FORMS": str(initial_rows),
        "attendance-MIN_NUM_FORMS": "0",
        "attendance-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in {**ATTENDANCE_ROW, **row}.items():
            data[f"attendance-{index}-{name}"] = str(value)
    return data


def loaded_meeting_fields(meeting) -> dict:
    """The meeting form's fields as the edit page loads them for ``meeting``, version included."""
    return {
        "series": meeting.series_id,
        "title": meeting.title,
        "date": meeting.date.isoformat(),
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
        "venue": meeting.venue,
        "chair": meeting.chair_id or "",
        "minute_taker": meeting.minute_taker_id or "",
        "minute_taker_capacity": meeting.minute_taker_capacity,
        "focus": meeting.focus,
        "version": meeting.version,
    }


def meeting_edit_data(meeting, rows=(), **fields) -> dict:
    """The meeting form as loaded for ``meeting`` (version included), with ``fields`` changed."""
    loaded = loaded_meeting_fields(meeting)
    return meeting_form_data(rows, initial_rows=len(rows), **(loaded | fields))


def series_form_data(**fields) -> dict:
    """The series form's POST, as the page submits it; ``active`` is left out to untick it."""
    data = {
        "name": "Governance Board",
        "reference_code": "GB",
        "minutes_label": "",
        "description": "",
        "active": "on",
        "position": "2",
        "loaded": "",
    }
    data |= fields
    return {name: str(value) for name, value in data.items() if value is not None}


ITEM_FIELDS = {
    "title": "",
    "kind": "discussion",
    "lead_office": "",
    "background": "",
    "questions": "",
    "minutes": "",
    "assurance_level": "not_assessed",
    "assurance_statement": "",
    "decision": "",
    "restricted_reason": "",
}


def item_form_data(*, version=None, actions=(), **fields) -> dict:
    """The item form's POST: the item's fields (``topics``/``areas``/``owners`` as lists of
    ids, ``restricted`` as a bool) and one row per dict in ``actions``, each with
    description, owners, due_date, due_meeting and, for an existing action, action_id and
    version — all as the page posts them (strings)."""
    data = dict(ITEM_FIELDS)
    for name, value in fields.items():
        if name == "restricted":
            if value:
                data[name] = "on"
        else:
            data[name] = value
    if version is not None:
        data["version"] = str(version)
    data["actions-TOTAL_FORMS"] = str(len(actions))
    data["actions-INITIAL_FORMS"] = str(sum(1 for row in actions if row.get("action_id")))
    data["actions-MIN_NUM_FORMS"] = "0"
    data["actions-MAX_NUM_FORMS"] = "1000"
    for index, row in enumerate(actions):
        row = {"action_id": "", "version": "", "due_date": "", "due_meeting": "", **row}
        for name, value in row.items():
            data[f"actions-{index}-{name}"] = value
    return data


def item_edit_data(item, actions=(), **fields) -> dict:
    """The item form as loaded for ``item`` (its version and its actions' rows), with
    ``fields`` changed and ``actions`` (dicts) appended as new rows."""
    rows = [
        {
            "action_id": str(action.pk),
            "version": str(action.version),
            "description": action.description,
            "owners": written_owners(row.owner for row in action.owners),
            "due_date": action.due_date.isoformat() if action.due_date else "",
            "due_meeting": str(action.due_meeting_id or ""),
        }
        for action in item.actions.order_by("pk")
    ]
    loaded = {
        name: getattr(item, name)
        for name in ITEM_FIELDS
        if name not in ("lead_office", "restricted_reason")
    }
    loaded |= {
        "lead_office": str(item.lead_office_id or ""),
        "restricted_reason": item.restricted_reason,
        "restricted": item.restricted,
        "topics": [str(pk) for pk in item.topics.values_list("pk", flat=True)],
        "areas": [str(pk) for pk in item.areas.values_list("pk", flat=True)],
    }
    return item_form_data(version=item.version, actions=[*rows, *actions], **(loaded | fields))


def outstanding_form_data(actions, rows: dict | None = None) -> dict:
    """The outstanding matters form's POST: every listed action, kept as reviewed at the
    meeting, with ``rows`` mapping an action to the (note, transition) typed for it."""
    data = {"rows": [str(action.pk) for action in actions]}
    for action in actions:
        note, transition = (rows or {}).get(action, ("", ""))
        prefix = f"action-{action.pk}"
        data[f"{prefix}-kept"] = "on"
        data[f"{prefix}-note"] = note
        data[f"{prefix}-transition"] = transition
        data[f"{prefix}-expected_status"] = action.status
    return data
