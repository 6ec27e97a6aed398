"""Property test of every form of the product: whatever is sent to any field, the server never
answers 500.

The forms are found, not listed. Every named URL is opened with the arguments the permission
matrix (tests/test_permission_matrix.py) calls it with, and with the extra states in
``EXTRA_PAGES``, as an anonymous visitor, an OPCC officer, the Commissioner and a force user
acting for an office. Every ``<form>`` on every page that answers 200 with HTML is read with the
standard library's HTML parser (method, action, and each input, select, textarea and submit
button with its type, value and options). Each distinct form (by role, the URL it is sent to, its
method and its field names, row numbers aside) is then sent, by POST or by GET as it says,
through a test client that enforces CSRF and turns exceptions into answers
(``raise_request_exception=False``); a redirect is followed.

Each form first gets explicit examples (``EVERY_FIELD_VALUES``): one value in every field at
once, for each of the empty string, 10,000 characters, a line break with NUL, markup and
unicode, -1, 2**63, 5,000 digits, the dates 0000-00-00, 9999-12-31 and 0001-01-01, and two
values for each field; a form with a formset also gets each of ``EVERY_MANAGEMENT_VALUE`` in
its management fields (TOTAL_FORMS …). Then Hypothesis draws examples: most fields take the
page's own value or a valid option (or a value of their type), a few take something hostile:
empty, 10,000 characters, line breaks, NUL, unicode, markup, numbers out of range (negative,
huge, 2**63), impossible dates, several values for a single field; management fields take
arbitrary numbers, and a row may be added from the form's empty-row template. Now and then a
field is dropped or an unknown one added. The CSRF token and the one-time submission token keep
the page's values in most examples and are missing or wrong in some. Each example runs in a
savepoint that is rolled back, with the cache emptied and the client's cookies put back, so
examples do not leak into each other. A 500, or any exception the view raised, fails with the
form, the data and the traceback.

Cost in CI: ``HYPOTHESIS_EXAMPLES`` drawn examples per form (40 by default) after its 10
explicit ones (15 for a form with a formset). The four roles see 56 forms today (4 with a
formset), so each run sends 2,820 examples: 56 x 50 + 4 x 5. CI (.ci/run) runs the suite on
SQLite and again on PostgreSQL, 5,640 examples in all; the file takes about 100 s of one core
on SQLite. The drawn examples are derandomised (``derandomize=True``, no example database): the
same code draws the same examples on every run. Set ``HYPOTHESIS_EXAMPLES`` higher for a longer
search on one machine (300 a form takes about ten minutes).

``test_every_form_is_in_the_catalogue`` guards the finding itself: every form the permission
matrix posts to is found on some page, every page known to carry a POST form still carries one,
and every form's action resolves to a URL of the product.
"""

from __future__ import annotations

import copy
import os
import re
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from actions.models import Status
from meetings.models import AgendaItem, Meeting
from tests.factories import ActionFactory, AttendanceFactory
from tests.hostile import PAYLOADS
from tests.test_hypothesis_forms import PROPERTY_SETTINGS
from tests.test_login_required import named_patterns

# ``records`` is the permission matrix's fixture, used here through ``world``.
from tests.test_permission_matrix import MATRIX, records, user_for  # noqa: F401

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = int(os.environ.get("HYPOTHESIS_EXAMPLES", "40"))

EVERY_FORM_SETTINGS = settings(
    PROPERTY_SETTINGS,
    max_examples=EXAMPLES_PER_FORM,
    derandomize=True,  # reproducible in CI: no example database, no random seed
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)

# The users the forms are sent as: the permission matrix's roles, "force_own" being a force
# user acting for the Chief Constable's office.
ROLES = ["anonymous", "opcc", "commissioner", "force_own"]

# States the permission matrix's records do not show on its own rows: (URL name, the world's
# names of its arguments, query string formatted with the world).
EXTRA_PAGES = [
    ("meetings:detail", ["draft"], ""),  # the approve button
    ("meetings:detail", ["published"], ""),
    ("meetings:reopen", ["published"], ""),
    ("meetings:item_create", ["draft"], "?parent={draft_item}"),
    ("actions:outstanding", ["later_draft"], ""),  # with rows: actions of earlier meetings
    ("actions:detail", ["awaiting_action"], ""),  # the sign-off transitions
    ("meetings:item_delete", ["draft", "plain_item"], ""),  # an item with no actions
]

# The POST forms pages carry today, as (role, page, URL the form is sent to). If a page stops
# showing one (the page now refuses the role, or the world no longer makes the state), the
# catalogue test fails rather than the property test silently sending less. A new form needs no
# entry here: it is found and sent without one.
PAGES_WITH_POST_FORMS = {
    ("anonymous", "login", "login"),
    ("opcc", "home", "logout"),  # the sign-out button, on every signed-in page
    ("opcc", "password_change", "password_change"),
    ("opcc", "meetings:create", "meetings:create"),
    ("opcc", "meetings:edit", "meetings:edit"),
    ("opcc", "meetings:detail", "meetings:approve"),
    ("opcc", "meetings:publish", "meetings:publish"),
    ("opcc", "meetings:reopen", "meetings:reopen"),
    ("opcc", "meetings:agenda", "meetings:item_move"),
    ("opcc", "meetings:item_create", "meetings:item_create"),
    ("opcc", "meetings:item_edit", "meetings:item_edit"),
    ("opcc", "meetings:item_delete", "meetings:item_delete"),
    ("opcc", "meetings:series_create", "meetings:series_create"),
    ("opcc", "meetings:series_edit", "meetings:series_edit"),
    ("opcc", "meetings:directory_person_create", "meetings:directory_person_create"),
    ("opcc", "meetings:directory_person_edit", "meetings:directory_person_edit"),
    ("opcc", "meetings:directory_office_create", "meetings:directory_office_create"),
    ("opcc", "meetings:directory_office_edit", "meetings:directory_office_edit"),
    ("opcc", "meetings:previous_minutes", "meetings:previous_minutes"),
    ("opcc", "actions:detail", "actions:note"),
    ("opcc", "actions:detail", "actions:transition"),
    ("opcc", "actions:outstanding", "actions:outstanding"),
    ("commissioner", "meetings:detail", "meetings:approve"),
    ("commissioner", "actions:detail", "actions:note"),
    ("commissioner", "actions:detail", "actions:transition"),
    ("commissioner", "password_change", "password_change"),
    ("force_own", "actions:detail", "actions:note"),
    ("force_own", "actions:detail", "actions:transition"),
    ("force_own", "password_change", "password_change"),
}

CSRF_FIELD = "csrfmiddlewaretoken"
SUBMISSION_FIELD = "submission_token"
TOKEN_FIELDS = {CSRF_FIELD, SUBMISSION_FIELD}
MANAGEMENT_FIELD = re.compile(r"-(TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS)$")
TEMPLATE_ROW = "__prefix__"


# --- Reading the forms of a page ------------------------------------------------------------


@dataclass
class Field:
    """One input, select, textarea or submit button, as the page has it."""

    name: str
    kind: str  # the input's type, or "select", "textarea", "button"
    value: str = ""
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    checked: bool = False
    multiple: bool = False
    in_template: bool = False  # in a <template>: the empty row a script copies, never sent


@dataclass
class Form:
    method: str
    action: str
    id: str = ""
    fields: list[Field] = field(default_factory=list)


class FormReader(HTMLParser):
    """Collects every <form> of a page with its fields (those outside it naming it by
    ``form="id"`` too)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self.outside: list[tuple[str, Field]] = []
        self.form: Form | None = None
        self.templates = 0
        self.select: Field | None = None
        self.option: list | None = None  # [value attribute or None, text, selected]
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value if value is not None else "" for name, value in attrs}
        if tag == "template":
            self.templates += 1
        elif tag == "form":
            self.form = Form(
                method=(attrs.get("method") or "get").lower(),
                action=attrs.get("action", ""),
                id=attrs.get("id", ""),
            )
            self.forms.append(self.form)
            if self.form.id:
                self.by_id[self.form.id] = self.form
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "", "selected" in attrs]
        elif tag in ("input", "button", "select", "textarea") and attrs.get("name"):
            if tag == "button" and (attrs.get("type") or "submit").lower() != "submit":
                return
            kind = (attrs.get("type") or "text").lower() if tag == "input" else tag
            kind = "button" if kind in ("submit", "image") else kind
            new = Field(
                name=attrs["name"],
                kind=kind,
                value=attrs.get("value", "on" if kind in ("checkbox", "radio") else ""),
                checked="checked" in attrs,
                multiple="multiple" in attrs,
                in_template=self.templates > 0,
            )
            if attrs.get("form"):
                self.outside.append((attrs["form"], new))
            elif self.form is not None:
                self.form.fields.append(new)
            if tag == "select":
                self.select = new
            elif tag == "textarea":
                self.textarea = new

    def handle_data(self, data):
        if self.option is not None:
            self.option[1] += data
        elif self.textarea is not None:
            self.textarea.value += data

    def _end_option(self):
        if self.option is not None and self.select is not None:
            value = self.option[0] if self.option[0] is not None else self.option[1].strip()
            self.select.options.append(value)
            if self.option[2]:
                self.select.selected.append(value)
        self.option = None

    def handle_endtag(self, tag):
        if tag == "template":
            self.templates -= 1
        elif tag == "form":
            self.form = None
        elif tag == "option":
            self._end_option()
        elif tag == "select":
            self._end_option()
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A newline straight after <textarea> is not part of its value.
            self.textarea.value = self.textarea.value.removeprefix("\n")
            self.textarea = None

    def result(self) -> list[Form]:
        self.close()
        for form_id, outside in self.outside:
            if form_id in self.by_id:
                self.by_id[form_id].fields.append(outside)
        return self.forms


def read_forms(html: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    return reader.result()


@dataclass
class Control:
    """All the fields of one name in a form: what the browser would send, and the options."""

    name: str
    kind: str
    own: list[str]  # what the page, as shown, would send
    options: list[str]  # every value offered (select options, radios, checkboxes, buttons)
    in_template: bool


def controls_of(form: Form) -> list[Control]:
    controls: dict[str, Control] = {}
    for fld in form.fields:
        control = controls.setdefault(
            fld.name, Control(fld.name, fld.kind, [], [], fld.in_template)
        )
        if fld.kind == "select":
            control.options += fld.options
            chosen = fld.selected or ([] if fld.multiple else fld.options[:1])
            control.own += chosen
        elif fld.kind in ("checkbox", "radio"):
            control.options.append(fld.value)
            if fld.checked:
                control.own.append(fld.value)
        elif fld.kind == "button":
            control.options.append(fld.value)  # sent only when it is the one clicked
        else:
            control.own.append(fld.value)
    return list(controls.values())


# --- The world and its pages ----------------------------------------------------------------


@pytest.fixture
def world(request):
    """The permission matrix's records, with attendance at the draft meeting, an action on its
    first item and an action awaiting sign-off, so the formsets and transitions have rows; the
    draft's second item has no actions, so it may be deleted."""
    world = dict(request.getfixturevalue("records"))
    draft = Meeting.objects.get(pk=world["draft"])
    AttendanceFactory(meeting=draft)
    AttendanceFactory(meeting=draft)
    ActionFactory(origin_item=AgendaItem.objects.get(pk=world["draft_item"]))
    approved_item = AgendaItem.objects.filter(meeting_id=world["approved"]).first()
    world["awaiting_action"] = ActionFactory(
        origin_item=approved_item, status=Status.AWAITING_SIGN_OFF
    ).pk
    world["plain_item"] = AgendaItem.objects.get(meeting=draft, title="Second draft item").pk
    return world


def pages(world) -> list[tuple[str, str]]:
    """(URL name, URL) for every named URL, with each set of arguments the permission matrix
    calls it with, then the extra states. A name missing from the matrix, or arguments that no
    longer reverse, fail here."""
    args_by_name: dict[str, list[list[str]]] = {}
    for param in MATRIX:
        name, _method, args = param.values[:3]
        if args not in args_by_name.setdefault(name, []):
            args_by_name[name].append(args)
    found = []
    for name, _pattern in named_patterns():
        assert name in args_by_name, f"{name} is not in tests/test_permission_matrix.py"
        for args in args_by_name[name]:
            found.append((name, reverse(name, args=[world[arg] for arg in args])))
    for name, args, query in EXTRA_PAGES:
        url = reverse(name, args=[world[arg] for arg in args]) + query.format(**world)
        found.append((name, url))
    return found


def client_for(role) -> Client:
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    user = user_for(role)
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Target:
    """One form of the product as one role sees it."""

    role: str
    page_name: str
    page_url: str
    method: str
    url: str  # where it is sent
    url_name: str
    controls: list[Control]

    @property
    def label(self) -> str:
        return f"{self.role}: {self.method.upper()} {self.url_name} (form on {self.page_name})"


@dataclass
class Catalogue:
    client: Client
    targets: list[Target]
    # (URL name of the page, method, URL name of the action) of every form seen.
    seen: set[tuple[str, str, str]]
    unresolved: list[str]  # forms whose action is no URL of the product
    cookies: SimpleCookie  # the client's cookies after the pages: put back before each example


def signature(controls: list[Control]) -> tuple[str, ...]:
    """A form's field names with row numbers taken out: one form, however many rows."""
    return tuple(sorted({re.sub(r"\d+", "N", c.name) for c in controls if not c.in_template}))


def catalogue(role, world) -> Catalogue:
    """Open every page as ``role`` and collect its forms, each distinct form once."""
    client = client_for(role)
    targets, seen, unresolved, keys = [], set(), [], set()
    for page_name, page_url in pages(world):
        response = client.get(page_url)
        assert response.status_code < 500, (role, page_url, response.status_code)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in read_forms(response.content.decode()):
            url = urljoin(page_url, form.action)
            if form.method == "get":
                url = urlsplit(url).path  # a GET form replaces the query
            try:
                url_name = resolve(urlsplit(url).path).view_name
            except Resolver404:
                unresolved.append(f"{role} {page_url}: {form.method} {form.action!r}")
                continue
            seen.add((page_name, form.method, url_name))
            controls = controls_of(form)
            key = (url_name, form.method, signature(controls))
            if key not in keys:
                keys.add(key)
                targets.append(
                    Target(role, page_name, page_url, form.method, url, url_name, controls)
                )
    return Catalogue(client, targets, seen, unresolved, copy.deepcopy(client.cookies))


# --- What is sent ---------------------------------------------------------------------------

LONG_TEXTS = ["x" * 10_000, "é" * 10_000, "line\r\n" * 2_000, "<b>" * 3_400, "9" * 10_000]
ODD_TEXT = [
    "\x00",
    "a\x00b",
    "one\ntwo",
    "one\r\ntwo\rthree",
    " ",
    "\t",
    "\u202eevil",
    "\ufeff",
    "😀" * 10,
    "Ω≈ç√∫˜µ≤≥÷",
    "\u0000\u0001\u001f\u007f",
    "'; DROP TABLE meetings_meeting; --",
    "%s %(x)s {0} {}",
    "../../etc/passwd",
]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "2147483647",
    "2147483648",
    "-2147483649",
    str(2**63 - 1),
    str(2**63),
    str(-(2**63) - 1),
    "9" * 40,
    "9" * 5_000,  # beyond the 4,300 digits int() reads
    "0x10",
    "١٢",  # Arabic-Indic digits
    " 3 ",
]
DATES = [
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "-2022-01-01",
    "2022-02-30",
    "2022-13-01",
    "31/12/9999",
    "1900-01-01",
    "2022-11-29T25:61",
    "25:61",
    "24:00",
]
MANAGEMENT_NUMBERS = ["", "-1", "0", "1", "2", "30", "61", "1000", "2000", "1000000"]
UNKNOWN_NAMES = ["unknown", "x" * 300, "id", "pk", "status", "a\x00b", "form-0-id", "__proto__"]
OTHER_TOKENS = ["", "x", "A" * 43, "not a token at all", "\x00" * 40]

odd_text = st.one_of(st.text(max_size=40), st.sampled_from(PAYLOADS + ODD_TEXT))
any_hostile = st.one_of(
    st.just(""),
    st.sampled_from(LONG_TEXTS),
    odd_text,
    st.sampled_from(NUMBERS),
    st.integers().map(str),
    st.sampled_from(DATES),
)


TYPED_VALUES = {
    "date": ["2022-11-29", "2023-01-10"],
    "time": ["14:00", "09:30"],
    "number": ["1", "3"],
    "email": ["someone@example.org"],
}


def plausible(control: Control, fill: int):
    """What a person might send: mostly the page's own value, sometimes another option. An
    empty field is filled when ``fill`` says so (1: choices only, 2: text too), so that some
    examples save, with the hostile values of the others."""
    own = list(control.own)
    if control.kind == "button":
        return st.sampled_from(control.options).map(lambda value: [value])
    if control.kind == "hidden":
        return st.just(own)
    if control.kind == "checkbox":
        return st.one_of(st.just(own), st.lists(st.sampled_from(control.options), unique=True))
    if control.options:
        others = [[option] for option in control.options if option] or [own]
        if any(own) or not fill:
            return st.sampled_from([own, own, own, *others])
        return st.sampled_from(others)
    if any(own) or fill < 2:
        return st.just(own)
    typed = TYPED_VALUES.get(control.kind, ["A title", "Some words"])
    return st.sampled_from(typed).map(lambda value: [value])


def hostile(control: Control):
    """Something a careless user or an attacker might send instead."""
    if MANAGEMENT_FIELD.search(control.name):
        own = [str(int(v) + d) for v in control.own if v.isdigit() for d in (-1, 1)]
        numbers = st.one_of(
            st.sampled_from(MANAGEMENT_NUMBERS + own + [str(2**63)]),
            st.integers(-(2**70), 2**70).map(str),
            odd_text,
        )
        return st.one_of(numbers.map(lambda value: [value]), st.lists(numbers, max_size=3))
    single = any_hostile
    values = [value for value in control.own + control.options if value]
    if values and all(value.isdigit() for value in values):
        single = st.one_of(st.sampled_from(NUMBERS), any_hostile)  # an id, a number
    if control.options:
        single = st.one_of(single, st.sampled_from(control.options))
    return st.one_of(
        single.map(lambda value: [value]),
        st.just([]),  # left out altogether
        st.lists(single, min_size=2, max_size=4),  # several values for one field
    )


def token(control: Control):
    """The page's own token in most examples (18 in 20); missing or wrong in some."""
    return st.sampled_from(["own"] * 18 + ["missing", "wrong"]).flatmap(
        lambda choice: {
            "own": st.just(list(control.own)),
            "missing": st.just([]),
            "wrong": st.sampled_from(OTHER_TOKENS).map(lambda value: [value]),
        }[choice]
    )


@st.composite
def submissions(draw, target: Target) -> dict[str, list[str]]:
    """One example: every field of the form, a few of them hostile."""
    sent = [c for c in target.controls if not c.in_template and c.name not in TOKEN_FIELDS]
    names = [c.name for c in sent]
    hostile_names = draw(st.sets(st.sampled_from(names), max_size=4)) if names else set()
    fill = draw(st.integers(0, 2))
    data: dict[str, list[str]] = {}
    for control in target.controls:
        if control.name in TOKEN_FIELDS:
            data[control.name] = draw(token(control))
        elif not control.in_template:
            if control.name in hostile_names:
                data[control.name] = draw(hostile(control))
            else:
                data[control.name] = draw(plausible(control, fill))
    # A row added from the empty-row template, as the page's script would add it.
    template = [c for c in target.controls if c.in_template]
    if template and draw(st.booleans()):
        for control in template:
            total_name = control.name.split(TEMPLATE_ROW)[0] + "TOTAL_FORMS"
            total = (data.get(total_name) or ["0"])[0]
            row = total if total.isdigit() and len(total) < 6 else "0"
            name = control.name.replace(TEMPLATE_ROW, row)
            hostile_value = draw(st.integers(0, 4)) == 0
            data[name] = draw(hostile(control) if hostile_value else plausible(control, fill))
        if total_name in data and total_name not in hostile_names and row.isdigit():
            data[total_name] = [str(int(row) + 1)]
    if names and draw(st.integers(0, 9)) == 0:  # a field dropped
        data.pop(draw(st.sampled_from(names)), None)
    if draw(st.integers(0, 9)) == 0:  # a field no form has
        data[draw(st.sampled_from(UNKNOWN_NAMES))] = [draw(any_hostile)]
    return {name: values for name, values in data.items() if values}


# Explicit examples of every form, run before the drawn ones: each value in every field at once
# (the tokens and formset management fields as shown), then each number in every management
# field (the other fields as shown). Every field meets every kind of value, however few
# examples are drawn.
EVERY_FIELD_VALUES = [
    [""],
    ["x" * 10_000],
    ["one\ntwo\r\nthree\x00<b>é</b>😀\u202e"],
    ["-1"],
    [str(2**63)],
    ["9" * 5_000],
    ["0000-00-00"],
    ["9999-12-31"],
    ["0001-01-01"],
    ["1", "2"],  # two values for one field
]
EVERY_MANAGEMENT_VALUE = ["1000000", "-1", str(2**63), "9" * 5_000, "abc"]


def as_shown(target: Target) -> dict[str, list[str]]:
    """What the browser sends for the form as the page shows it (its first button pressed)."""
    data = {}
    for control in target.controls:
        if not control.in_template:
            data[control.name] = control.options[:1] if control.kind == "button" else control.own
    return data


def explicit_examples(target: Target) -> list[dict[str, list[str]]]:
    shown = as_shown(target)
    fields = [
        name for name in shown if name not in TOKEN_FIELDS and not MANAGEMENT_FIELD.search(name)
    ]
    management = [name for name in shown if MANAGEMENT_FIELD.search(name)]
    examples = [shown | dict.fromkeys(fields, values) for values in EVERY_FIELD_VALUES]
    if management:
        examples += [shown | dict.fromkeys(management, [v]) for v in EVERY_MANAGEMENT_VALUE]
    return examples


def send(client: Client, target: Target, data: dict[str, list[str]]):
    if target.method == "post":
        return client.post(target.url, data, follow=True)
    return client.get(target.url, data, follow=True)


def describe(data: dict[str, list[str]]) -> str:
    def short(value):
        return repr(value) if len(value) <= 80 else f"{value[:60]!r}… ({len(value)} chars)"

    return "\n".join(
        f"  {name[:80]!r}: [{', '.join(short(v) for v in values)}]" for name, values in data.items()
    )


def fuzz(catalogue_: Catalogue, target: Target):
    """Send Hypothesis's examples of ``target``; fail on a 500 or an exception."""
    client = catalogue_.client

    @EVERY_FORM_SETTINGS
    @given(data=submissions(target))
    def never_500(data):
        client.cookies = copy.deepcopy(catalogue_.cookies)  # a sign-out does not last
        cache.clear()
        with transaction.atomic():
            response = send(client, target, data)
            transaction.set_rollback(True)
        exc_info = getattr(response, "exc_info", None)
        if response.status_code >= 500 or exc_info:
            where = "".join(traceback.format_exception(*exc_info)) if exc_info else ""
            pytest.fail(
                f"{target.label}: {target.method.upper()} {target.url} answered "
                f"{response.status_code}\n{describe(data)}\n{where}"
            )

    for data in explicit_examples(target):
        never_500 = example(data=data)(never_500)
    never_500()


# --- The tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_no_form_answers_500(world, role, subtests):
    found = catalogue(role, world)
    assert found.targets, f"no form found for {role}"
    for target in found.targets:
        with subtests.test(msg=target.label):
            fuzz(found, target)


def test_every_form_is_in_the_catalogue(world):
    """Every page with a POST form has its forms in the catalogue the property test sends, the
    forms known today are all still found, and every form is sent to a URL of the product."""
    names = {name for name, _pattern in named_patterns()}
    gone = {name for entry in PAGES_WITH_POST_FORMS for name in entry[1:]} - names
    assert not gone, f"URLs in PAGES_WITH_POST_FORMS that no longer resolve: {sorted(gone)}"
    posted_to = {param.values[0] for param in MATRIX if param.values[1] == "post"}
    with_post_forms, sent, unresolved = set(), set(), []
    for role in ROLES:
        found = catalogue(role, world)
        unresolved += found.unresolved
        with_post_forms |= {
            (role, page, action) for page, method, action in found.seen if method == "post"
        }
        sent |= {(role, target.url_name) for target in found.targets if target.method == "post"}
    assert not unresolved, f"forms sent to no URL of the product: {unresolved}"
    not_sent = {(role, action) for role, _page, action in with_post_forms} - sent
    assert not not_sent, f"POST forms found but not sent: {sorted(not_sent)}"
    missing = PAGES_WITH_POST_FORMS - with_post_forms
    assert not missing, f"pages that no longer show their POST form: {sorted(missing)}"
    # Every URL the permission matrix posts to is the action of a form found on a page.
    posted = {action for _role, action in sent}
    assert posted_to <= posted, f"posted to, but no page has its form: {posted_to - posted}"
