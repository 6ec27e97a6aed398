"""Search across meetings, agenda items and actions, in two steps: ``find_matches`` finds and
orders every match (up to MAX_HITS_PER_KIND of each kind) as small keys, and ``hits_for`` turns
the keys of one page into hits with their snippets, related rows and agenda numbers; ``search``
does both for every match.

On PostgreSQL it is full-text search (English stemming, ranking, highlighted headlines) over
search vectors stored in each table and indexed with GIN; on SQLite every word must appear
somewhere (``icontains``) and the snippet is cut around the first match. Finding costs little
per match (ids, ranks and dates); headlines, rows and numbers are made only for the page shown,
so a page costs the same whatever the number of matches. Either way the results are only what
the user may read (``visible_to``), and the snippet is escaped before the matches are wrapped in
``<mark>``, so no text a user typed reaches the page as HTML.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape as html_escape

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from actions.models import Action, ActionUpdate
from assurance.search_vectors import CONFIG, TAG_STAND_INS, plain_text
from meetings.agenda import agenda_numbers
from meetings.models import AgendaItem, LocalPolicingArea, Meeting, Topic

# The most matches of each kind (meetings, items, actions, updates) a search finds: its cost
# stays bounded; the filters narrow a search that reaches it.
MAX_HITS_PER_KIND = 100
# Hits on a page of results.
HITS_PER_PAGE = 20
# Words around the first match in a snippet (SQLite) or in each fragment (PostgreSQL).
SNIPPET_CHARS_BEFORE = 80
SNIPPET_CHARS_AFTER = 200
# Private markers around matches in PostgreSQL's headline: converted to <mark> after escaping.
START, STOP = "\x02", "\x03"

MEETING_TEXT_FIELDS = ("title", "focus", "venue")
ITEM_TEXT_FIELDS = ("title", "background", "questions", "minutes")
# Left out of the rows a PostgreSQL search fetches: only the headline reads them.
ITEM_LONG_TEXTS = ("background", "questions", "minutes")

# What PostgreSQL searches in each model, and each field's weight, as each model declares it.
# The vectors are stored, not built per search: each model's ``search_vector`` is a generated
# field with a GIN index, built from these weights (assurance/search_vectors.py). A stored
# column rather than an index on the expression: ranking reads the vector too, which an
# expression index cannot give back, so each matching row would be parsed again.
SEARCH_WEIGHTS = {
    model: model.SEARCH_WEIGHTS for model in (Meeting, AgendaItem, Action, ActionUpdate)
}

KIND_ORDER = {"meeting": 0, "item": 1, "action": 2}


@dataclass(frozen=True, slots=True)
class Match:
    """One match, as little as ordering needs: a search finds up to a few hundred, and only
    the page shown becomes hits (``hits_for``)."""

    kind: str  # "meeting", "item" or "action"
    pk: int
    rank: float
    meeting_date: datetime.date  # the meeting's, the item's meeting's or the action's origin
    meeting_pk: int
    order: int  # its place among the matches of its kind: the last tie-breaker
    update_pk: int | None = None  # an action matched better by this update's note

    @property
    def sort_key(self) -> tuple:
        # Best rank first; then the newest meeting; then meeting, items, actions; then the
        # order each kind's query gave. Total, so every page of a search agrees.
        return (
            -self.rank,
            -self.meeting_date.toordinal(),
            -self.meeting_pk,
            KIND_ORDER[self.kind],
            self.order,
        )


@dataclass(frozen=True)
class Matches:
    """Every match of a search, best first, with whether a kind reached MAX_HITS_PER_KIND
    (so better-narrowed searches may find more)."""

    keys: list[Match]
    capped: bool = False

    @property
    def counts(self) -> Counter:
        """How many matches of each kind: "meeting", "item", "action"."""
        return Counter(match.kind for match in self.keys)


@dataclass(frozen=True)
class SearchHit:
    """One result: what it is, where it sits, where it links to and the matching text."""

    kind: str  # "meeting", "item" or "action"
    kind_label: str  # "Meeting", "Agenda item", "Action"
    title: str  # "2.5 Call handling", "2022-11-03", or the meeting's title
    meeting: Meeting
    url: str
    snippet: SafeString
    rank: float = 0.0
    restricted: bool = False
    context: str = ""  # for an action: the item it arose at, and whether an update matched


def find_matches(
    query: str,
    *,
    user,
    series: int | None = None,
    year: int | None = None,
    topic: Topic | None = None,
    area: LocalPolicingArea | None = None,
) -> Matches:
    """The meetings, agenda items and actions matching ``query`` that ``user`` may read,
    narrowed by series, year, topic and local policing area; best matches first.

    Four queries, one per kind (meetings, items, actions, updates), each returning at most
    MAX_HITS_PER_KIND small rows.
    """
    query = query.strip()
    if not query:
        return Matches([])
    meetings, items, actions = _scopes(user, series=series, year=year, topic=topic, area=area)
    updates = ActionUpdate.objects.given_where_readable(user).filter(action__in=actions)
    if connection.vendor == "postgresql":
        keys = _postgres_keys(SearchQuery(query, search_type="websearch", config=CONFIG))
    else:
        keys = _text_keys(_terms(query))
    found = {
        "meeting": keys(meetings, MEETING_TEXT_FIELDS, "", ("-date", "-pk")),
        "item": keys(items, ITEM_TEXT_FIELDS, "meeting", ("-meeting__date", "position", "pk")),
        "action": keys(
            actions, ("description",), "origin_meeting", ("-origin_meeting__date", "reference")
        ),
        "update": keys(
            updates,
            ("note",),
            "action__origin_meeting",
            ("-created_at", "-pk"),
            extra=("action_id",),
        ),
    }
    capped = any(len(rows) >= MAX_HITS_PER_KIND for rows in found.values())

    matches = [
        Match(kind, pk, rank, date, meeting_pk, order)
        for kind in ("meeting", "item")
        for order, (pk, rank, date, meeting_pk) in enumerate(found[kind])
    ]
    # An action matches through its description or through the note of one of its updates:
    # one match per action, the better one (the description's when they tie).
    best: dict[int, tuple[float, datetime.date, int, int | None]] = {}
    candidates = [(pk, rank, date, meeting, None) for pk, rank, date, meeting in found["action"]]
    candidates += [
        (action_pk, rank, date, meeting, pk)
        for pk, rank, date, meeting, action_pk in found["update"]
    ]
    for action_pk, rank, date, meeting_pk, update_pk in candidates:
        if action_pk not in best or rank > best[action_pk][0]:
            best[action_pk] = (rank, date, meeting_pk, update_pk)
    matches += [
        Match("action", action_pk, rank, date, meeting_pk, order, update_pk)
        for order, (action_pk, (rank, date, meeting_pk, update_pk)) in enumerate(best.items())
    ]
    matches.sort(key=lambda match: match.sort_key)
    return Matches(matches, capped=capped)


def hits_for(matches: Sequence[Match], query: str) -> list[SearchHit]:
    """The hits for ``matches`` (one page of a ``find_matches``), in the same order, with their
    snippets, meetings and agenda numbers. At most five queries, whatever the number."""
    ids: dict[str, list[int]] = defaultdict(list)
    for match in matches:
        ids[match.kind].append(match.pk)
        if match.update_pk is not None:
            ids["update"].append(match.update_pk)
    if connection.vendor == "postgresql":
        rows = _postgres_rows(SearchQuery(query.strip(), search_type="websearch", config=CONFIG))
    else:
        rows = _text_rows(_terms(query))
    meetings = rows(Meeting.objects.all(), MEETING_TEXT_FIELDS, ids["meeting"])
    items = rows(
        AgendaItem.objects.select_related("meeting"),
        ITEM_TEXT_FIELDS,
        ids["item"],
        headline_only=ITEM_LONG_TEXTS,
    )
    actions = rows(
        Action.objects.select_related("origin_meeting", "origin_item").defer(
            *(f"origin_item__{field}" for field in ITEM_LONG_TEXTS)
        ),
        ("description",),
        ids["action"],
    )
    # Only the snippet of an update is shown: its action is the hit.
    updates = rows(
        ActionUpdate.objects.only("pk", "note"), ("note",), ids["update"], headline_only=("note",)
    )

    meeting_ids = {item.meeting_id for item, _ in items.values()}
    meeting_ids |= {action.origin_meeting_id for action, _ in actions.values()}
    numbers, _places = agenda_numbers(meeting_ids)

    hits = []
    for match in matches:
        # A row deleted since it was found is left out.
        if match.kind == "meeting" and match.pk in meetings:
            meeting, snippet = meetings[match.pk]
            hits.append(
                SearchHit(
                    kind="meeting",
                    kind_label="Meeting",
                    title=meeting.title,
                    meeting=meeting,
                    url=meeting.get_absolute_url(),
                    snippet=snippet,
                    rank=match.rank,
                )
            )
        elif match.kind == "item" and match.pk in items:
            item, snippet = items[match.pk]
            hits.append(
                SearchHit(
                    kind="item",
                    kind_label="Agenda item",
                    title=f"{numbers.get(item.pk, '')} {item.title}".strip(),
                    meeting=item.meeting,
                    url=item.get_absolute_url(),
                    snippet=snippet,
                    rank=match.rank,
                    restricted=item.restricted,
                )
            )
        elif match.kind == "action" and match.pk in actions:
            action, snippet = actions[match.pk]
            if match.update_pk is not None:
                _update, snippet = updates.get(match.update_pk, (None, snippet))
            hits.append(_action_hit(action, snippet, match, numbers))
    return hits


def search(query: str, *, user, **narrowing) -> list[SearchHit]:
    """Every hit of ``find_matches``, best first (the search page shows a page at a time),
    narrowed as that function narrows (``series``, ``year``, ``topic``, ``area``).

    Issues a fixed number of queries whatever the number of hits.
    """
    return hits_for(find_matches(query, user=user, **narrowing).keys, query)


def _action_hit(action: Action, snippet: SafeString, match: Match, numbers) -> SearchHit:
    """An action's hit: its reference, and the item and meeting it arose at."""
    origin = action.origin_item
    context = "Arose at"
    if origin is not None:
        context += f" item {numbers.get(origin.pk, '')} {origin.title},".replace("  ", " ")
    context += f" {action.origin_meeting.title}."
    if match.update_pk is not None:
        context += " Matched in an update."
    return SearchHit(
        kind="action",
        kind_label="Action",
        title=action.reference,
        meeting=action.origin_meeting,
        url=action.get_absolute_url(),
        snippet=snippet,
        rank=match.rank,
        restricted=origin is not None and origin.restricted,
        context=context,
    )


# --- What may be searched ------------------------------------------------------------------


def _scopes(user, *, series, year, topic, area) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The meetings, items and actions the user may read, narrowed by the filters."""
    meetings = Meeting.objects.visible_to(user)
    if series:
        meetings = meetings.filter(series_id=series)
    if year:
        meetings = meetings.filter(date__year=year)
    items = AgendaItem.objects.filter(meeting__in=meetings)
    actions = Action.objects.visible_to(user).filter(origin_meeting__in=meetings)
    # A topic or area narrows items to those tagged with it, actions to those arising from
    # such an item, and meetings to those with such an item on the agenda.
    for name, value in (("topics", topic), ("areas", area)):
        if value is not None:
            items = items.filter(**{name: value})
            actions = actions.filter(**{f"origin_item__{name}": value})
            tagged = AgendaItem.objects.filter(meeting=OuterRef("pk"), **{name: value})
            meetings = meetings.filter(Exists(tagged))
    return meetings, items, actions


# --- PostgreSQL: full-text search ----------------------------------------------------------


def _joined(*fields: str) -> Func:
    """The fields as one plain text, for the headline: < and > swapped for stand-ins, as in the
    stored vectors, so that what the user typed is shown, escaped, as typed."""
    if len(fields) == 1:
        return plain_text(F(fields[0]))
    parts = []
    for field in fields:
        parts += [field, Value(" \n ")]
    return plain_text(Concat(*parts[:-1], output_field=TextField()))


def _meeting_paths(meeting: str) -> tuple[str, str]:
    """The lookups of a row's meeting's date and pk: its own for a meeting (``meeting`` is
    ""), else through the relation named ``meeting``."""
    return ("date", "pk") if not meeting else (f"{meeting}__date", f"{meeting}__pk")


def _postgres_keys(search_query: SearchQuery):
    """Each kind's matches as (pk, rank, meeting date, meeting pk, *extra) rows, best first,
    at most MAX_HITS_PER_KIND. The stored vector's GIN index finds the matches, and ranking
    reads the stored vector: nothing is parsed per row, whatever the size of the archive."""

    def keys(scope: QuerySet, text_fields, meeting: str, text_order, extra=()) -> list[tuple]:
        return list(
            scope.filter(search_vector=search_query)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "pk")
            .values_list("pk", "rank", *_meeting_paths(meeting), *extra)[:MAX_HITS_PER_KIND]
        )

    return keys


def _postgres_rows(search_query: SearchQuery):
    """The rows with the given pks, each with its headline: the costly part (it parses the
    whole text again), so it is made only for the page shown."""

    def rows(queryset: QuerySet, text_fields, pks, headline_only=()) -> dict[int, tuple]:
        if not pks:
            return {}
        headline = SearchHeadline(
            _joined(*text_fields),
            search_query,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_fragments=2,
            max_words=35,
            min_words=15,
            fragment_delimiter=" … ",
        )
        found = (
            queryset.filter(pk__in=pks).defer(*headline_only).annotate(headline=headline).order_by()
        )
        return {row.pk: (row, _from_markers(row.headline)) for row in found}

    return rows


def _from_markers(headline: str) -> SafeString:
    """PostgreSQL's headline, escaped, with the text between the markers in <mark>."""
    for character, stand_in in TAG_STAND_INS.items():
        headline = headline.replace(stand_in, character)
    html, inside = [], False
    for part in re.split(f"([{START}{STOP}])", " ".join(headline.split())):
        if part == START:
            inside = True
        elif part == STOP:
            inside = False
        elif part:
            # The standard library's escape, as Django's does, without its lazy-string wrapper:
            # a page of hits escapes a few thousand pieces.
            text = html_escape(part)
            html.append(f"<mark>{text}</mark>" if inside else text)
    return mark_safe("".join(html))  # every piece of text is escaped above


# --- SQLite (and any other database): every word, anywhere, case-insensitively -------------


def _terms(query: str) -> list[str]:
    """The words of the query, a "quoted phrase" kept together; at most ten."""
    terms = [phrase or word for phrase, word in re.findall(r'"([^"]+)"|(\S+)', query)]
    return [term.strip() for term in terms if term.strip()][:10]


def _text_keys(terms: list[str]):
    """Each kind's matches as (pk, 0.0, meeting date, meeting pk, *extra) rows in
    ``text_order`` (no ranking here), at most MAX_HITS_PER_KIND."""

    def keys(scope: QuerySet, text_fields, meeting: str, text_order, extra=()) -> list[tuple]:
        for term in terms:
            anywhere = Q()
            for field in text_fields:
                anywhere |= Q(**{f"{field}__icontains": term})
            scope = scope.filter(anywhere)
        found = scope.order_by(*text_order).values_list("pk", *_meeting_paths(meeting), *extra)[
            :MAX_HITS_PER_KIND
        ]
        return [(pk, 0.0, *rest) for pk, *rest in found]

    return keys


def _text_rows(terms: list[str]):
    """The rows with the given pks, each with its snippet, cut from its text."""

    def rows(queryset: QuerySet, text_fields, pks, headline_only=()) -> dict[int, tuple]:
        if not pks:
            return {}
        return {
            row.pk: (row, _snippet([getattr(row, field) for field in text_fields], terms))
            for row in queryset.filter(pk__in=pks).order_by()
        }

    return rows


def _snippet(texts: list[str], terms: list[str]) -> SafeString:
    """The text around the first match, escaped, with every match in <mark>."""
    text = " ".join(" ".join(texts).split())
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    # Prefer matches at the start of a word: "op" should mark "Op Reset", not "appropriate".
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})", re.I)
    if not pattern.search(text):
        pattern = re.compile(alternatives, re.I)
    first = pattern.search(text)
    start = max(0, first.start() - SNIPPET_CHARS_BEFORE) if first else 0
    end = min(len(text), (first.end() if first else 0) + SNIPPET_CHARS_AFTER)
    # Cut at spaces, so no word is cut in half.
    if start > 0:
        start = text.find(" ", start) + 1 or start
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    window = text[start:end]
    html, last = [], 0
    for match in pattern.finditer(window):
        html += [escape(window[last : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        last = match.end()
    html.append(escape(window[last:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(html) + suffix)  # every piece of text is escaped above
