"""Search across meetings, agenda items and actions, behind one function: ``search``.

On PostgreSQL it is full-text search (English stemming, ranking, highlighted headlines) over
search vectors stored in each table and indexed with GIN, so its cost follows the number of
hits returned (at most MAX_HITS_PER_KIND of each kind), not the size of the archive; on
SQLite every word must appear somewhere (``icontains``) and the snippet is cut around the first
match. Either way the results are only what the user may read (``visible_to``), and the snippet
is escaped before the matches are wrapped in ``<mark>``, so no text a user typed reaches the
page as HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape as html_escape

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Exists, Expression, F, Func, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from actions.models import Action, ActionUpdate
from meetings.models import AgendaItem, LocalPolicingArea, Meeting, Topic
from meetings.numbering import agenda_numbers

# The most hits of each kind (meetings, items, actions, updates) a search returns: the page
# stays readable and its cost bounded; the filters narrow a search that reaches it.
MAX_HITS_PER_KIND = 100
# Words around the first match in a snippet (SQLite) or in each fragment (PostgreSQL).
SNIPPET_CHARS_BEFORE = 80
SNIPPET_CHARS_AFTER = 200
# Private markers around matches in PostgreSQL's headline: converted to <mark> after escaping.
START, STOP = "\x02", "\x03"
TAG_STAND_INS = {"<": "\x04", ">": "\x05"}
CONFIG = "english"

ITEM_TEXT_FIELDS = ("title", "background", "questions", "minutes")
# Left out of the rows a PostgreSQL search fetches: only the headline reads them.
ITEM_LONG_TEXTS = ("background", "questions", "minutes")

# What PostgreSQL searches in each model, and each field's weight. The vectors are stored, not
# built per search: the migrations meetings/0005_search_vectors and actions/0005_search_vectors
# add a generated ``search_vector`` column with a GIN index to each table, from this same
# expression (tests/test_search_index.py checks that they agree: change both together).
# A stored column rather than an index on the expression: ranking reads the vector too, which
# an expression index cannot give back, so each matching row would be parsed again.
SEARCH_WEIGHTS = {
    Meeting: (("title", "A"), ("focus", "B"), ("venue", "C")),
    AgendaItem: (("title", "A"), ("questions", "B"), ("background", "B"), ("minutes", "C")),
    Action: (("description", "B"),),
    ActionUpdate: (("note", "C"),),
}


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

    @property
    def sort_key(self) -> tuple:
        # Best rank first; then the newest meeting; then meeting, items, actions.
        kind_order = {"meeting": 0, "item": 1, "action": 2}[self.kind]
        return (-self.rank, -self.meeting.date.toordinal(), -self.meeting.pk, kind_order)


def search(
    query: str,
    *,
    user,
    kind: str | None = None,
    year: int | None = None,
    topic: Topic | None = None,
    area: LocalPolicingArea | None = None,
) -> list[SearchHit]:
    """The meetings, agenda items and actions matching ``query`` that ``user`` may read,
    narrowed by meeting kind, year, topic and local policing area; best matches first.

    Issues a fixed number of queries whatever the number of hits.
    """
    query = query.strip()
    if not query:
        return []
    meetings, items, actions = _scopes(user, kind=kind, year=year, topic=topic, area=area)
    updates = ActionUpdate.objects.filter(action__in=actions)
    engine = _postgres_matches if connection.vendor == "postgresql" else _text_matches
    found = engine(query, meetings, items, actions, updates)
    return _hits(*found)


# --- What may be searched ------------------------------------------------------------------


def _scopes(user, *, kind, year, topic, area) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The meetings, items and actions the user may read, narrowed by the filters."""
    meetings = Meeting.objects.visible_to(user)
    if kind:
        meetings = meetings.filter(kind=kind)
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


def _plain(text: F | Concat) -> Func:
    """The text with < and > swapped for stand-ins. PostgreSQL's parser reads anything like an
    HTML tag as markup: it leaves it out of the vector and the headline (and skips everything
    between <script> and </script>). Minutes are plain text: what the user typed is searched,
    and shown escaped, as typed. The stored vectors' SQL (see SEARCH_WEIGHTS) does the same."""
    for character, stand_in in TAG_STAND_INS.items():
        text = Replace(text, Value(character), Value(stand_in), output_field=TextField())
    return text


def _joined(*fields: str) -> Func:
    """The fields as one plain text, for the headline."""
    if len(fields) == 1:
        return _plain(F(fields[0]))
    parts = []
    for field in fields:
        parts += [field, Value(" \n ")]
    return _plain(Concat(*parts[:-1], output_field=TextField()))


class StoredVector(Expression):
    """The ``search_vector`` column of the queryset's own table (PostgreSQL only; see
    SEARCH_WEIGHTS). Django's models do not declare it, so it is referenced like a column
    (``Col``): the table's alias is taken when the expression joins a query and follows that
    query when it becomes a subquery and is relabelled."""

    column = "search_vector"

    def __init__(self, alias: str | None = None):
        super().__init__(output_field=SearchVectorField())
        self.alias = alias

    def resolve_expression(self, query=None, *args, **kwargs):
        return StoredVector(query.get_initial_alias())

    def relabeled_clone(self, relabels):
        return StoredVector(relabels.get(self.alias, self.alias))

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.alias)
        return f"{table}.{connection.ops.quote_name(self.column)}", []

    def get_group_by_cols(self):
        return [self]


def _best_matches(queryset: QuerySet, query: SearchQuery) -> QuerySet:
    """The best ``MAX_HITS_PER_KIND`` rows of ``queryset`` matching ``query``, best first, as
    a query of their ids. The stored vector's GIN index finds the matches, and ranking reads
    the stored vector: nothing is parsed per row, whatever the size of the archive."""
    document = StoredVector()
    return (
        queryset.alias(document=document)
        .filter(document=query)
        .annotate(rank=SearchRank(document, query))
        .order_by("-rank", "pk")
        .values("pk")[:MAX_HITS_PER_KIND]
    )


def _postgres_matches(query, meetings, items, actions, updates):
    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)

    def matching(scope: QuerySet, text: Func, related: tuple[str, ...], deferred=()):
        # Two steps in one query: the subquery ranks every match and keeps the best; only
        # those rows get a headline, which re-parses the whole text and is the costly part.
        headline = SearchHeadline(
            text,
            search_query,
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_fragments=2,
            max_words=35,
            min_words=15,
            fragment_delimiter=" … ",
        )
        return (
            scope.model._default_manager.filter(pk__in=_best_matches(scope, search_query))
            .select_related(*related)
            .defer(*deferred)
            .annotate(rank=SearchRank(StoredVector(), search_query), headline=headline)
            .order_by("-rank", "pk")
        )

    found_meetings = matching(meetings, _joined("title", "focus", "venue"), ())
    found_items = matching(
        items,
        _joined(*ITEM_TEXT_FIELDS),
        ("meeting",),
        deferred=ITEM_LONG_TEXTS,
    )
    # An action's hit shows its origin item's number and title, never the item's long texts.
    found_actions = matching(
        actions,
        _joined("description"),
        ("origin_meeting", "origin_item"),
        deferred=tuple(f"origin_item__{field}" for field in ITEM_LONG_TEXTS),
    )
    found_updates = matching(
        updates,
        _joined("note"),
        ("action__origin_meeting", "action__origin_item"),
        deferred=tuple(f"action__origin_item__{field}" for field in ITEM_LONG_TEXTS),
    )

    def snippets(rows):
        return [(row, _from_markers(row.headline), row.rank) for row in rows]

    return (
        snippets(found_meetings),
        snippets(found_items),
        snippets(found_actions),
        snippets(found_updates),
    )


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


def _text_matches(query, meetings, items, actions, updates):
    terms = _terms(query)

    def matching(queryset, fields: tuple[str, ...], order: tuple[str, ...]):
        for term in terms:
            anywhere = Q()
            for field in fields:
                anywhere |= Q(**{f"{field}__icontains": term})
            queryset = queryset.filter(anywhere)
        return queryset.order_by(*order)[:MAX_HITS_PER_KIND]

    def snippets(rows, fields: tuple[str, ...]):
        return [
            (row, _snippet([getattr(row, field) for field in fields], terms), 0.0) for row in rows
        ]

    meeting_fields = ("title", "focus", "venue")
    found_meetings = matching(meetings, meeting_fields, ("-date", "-pk"))
    found_items = matching(
        items.select_related("meeting"), ITEM_TEXT_FIELDS, ("-meeting__date", "position", "pk")
    )
    found_actions = matching(
        actions.select_related("origin_meeting", "origin_item"),
        ("description",),
        ("-origin_meeting__date", "reference"),
    )
    found_updates = matching(
        updates.select_related("action__origin_meeting", "action__origin_item"),
        ("note",),
        ("-created_at", "-pk"),
    )
    return (
        snippets(found_meetings, meeting_fields),
        snippets(found_items, ITEM_TEXT_FIELDS),
        snippets(found_actions, ("description",)),
        snippets(found_updates, ("note",)),
    )


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


# --- Hits ------------------------------------------------------------------------------------


def _hits(found_meetings, found_items, found_actions, found_updates) -> list[SearchHit]:
    """The matches as hits, items and actions numbered within their meetings' agendas."""
    meeting_ids = {item.meeting_id for item, _, _ in found_items}
    meeting_ids |= {action.origin_meeting_id for action, _, _ in found_actions}
    meeting_ids |= {update.action.origin_meeting_id for update, _, _ in found_updates}
    numbers, _places = agenda_numbers(meeting_ids)

    hits = [
        SearchHit(
            kind="meeting",
            kind_label="Meeting",
            title=meeting.title,
            meeting=meeting,
            url=meeting.get_absolute_url(),
            snippet=snippet,
            rank=rank,
        )
        for meeting, snippet, rank in found_meetings
    ]
    hits += [
        SearchHit(
            kind="item",
            kind_label="Agenda item",
            title=f"{numbers.get(item.pk, '')} {item.title}".strip(),
            meeting=item.meeting,
            url=item.get_absolute_url(),
            snippet=snippet,
            rank=rank,
            restricted=item.restricted,
        )
        for item, snippet, rank in found_items
    ]

    # An action matches through its description or through the note of one of its updates:
    # one hit per action, the better match's snippet.
    best: dict[int, tuple[Action, SafeString, float, bool]] = {}
    matched_actions = [(action, snippet, rank, False) for action, snippet, rank in found_actions]
    matched_actions += [
        (update.action, snippet, rank, True) for update, snippet, rank in found_updates
    ]
    for action, snippet, rank, by_update in matched_actions:
        if action.pk not in best or rank > best[action.pk][2]:
            best[action.pk] = (action, snippet, rank, by_update)
    for action, snippet, rank, by_update in best.values():
        origin = action.origin_item
        context = "Arose at"
        if origin is not None:
            context += f" item {numbers.get(origin.pk, '')} {origin.title},".replace("  ", " ")
        context += f" {action.origin_meeting.title}."
        if by_update:
            context += " Matched in an update."
        hits.append(
            SearchHit(
                kind="action",
                kind_label="Action",
                title=action.reference,
                meeting=action.origin_meeting,
                url=action.get_absolute_url(),
                snippet=snippet,
                rank=rank,
                restricted=origin is not None and origin.restricted,
                context=context,
            )
        )
    return sorted(hits, key=lambda hit: hit.sort_key)
