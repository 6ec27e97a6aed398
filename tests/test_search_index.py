"""The stored search vectors behind PostgreSQL's search: they exist only there, they are the
vectors ``SEARCH_WEIGHTS`` describes, they follow every edit, the search finds its matches
through their GIN indexes, and headlines are made only for the page of hits shown.

Apart from the first, these run on PostgreSQL only, as CI does: on SQLite the search is the
``icontains`` fallback (tests/test_search.py runs on both).
"""

import json

import pytest
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import F
from django.urls import reverse

from actions.models import Action, ActionUpdate
from meetings.models import AgendaItem, Meeting
from minutes.search import (
    CONFIG,
    SEARCH_WEIGHTS,
    StoredVector,
    _plain,
    find_matches,
    hits_for,
    search,
)
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    MeetingFactory,
    OfficeFactory,
)
from tests.hostile import item_edit_data, meeting_edit_data

pytestmark = pytest.mark.django_db

GIN_INDEXES = {
    "meetings_meeting": "meeting_search_idx",
    "meetings_agendaitem": "agendaitem_search_idx",
    "actions_action": "action_search_idx",
    "actions_actionupdate": "actionupdate_search_idx",
}


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "The stored vectors and their GIN indexes exist only on PostgreSQL; SQLite "
            "searches with icontains. CI runs this on PostgreSQL."
        )


def test_the_stored_vectors_exist_only_on_postgresql():
    on_postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for model in SEARCH_WEIGHTS:
            table = model._meta.db_table
            columns = connection.introspection.get_table_description(cursor, table)
            assert ("search_vector" in {column.name for column in columns}) == on_postgresql
            indexes = connection.introspection.get_constraints(cursor, table)
            assert (GIN_INDEXES[table] in indexes) == on_postgresql


def described_vector(model):
    """The vector SEARCH_WEIGHTS describes for ``model``, built from the row's text as the
    search did before the vectors were stored."""
    combined = None
    for field, weight in SEARCH_WEIGHTS[model]:
        part = SearchVector(_plain(F(field)), weight=weight, config=CONFIG)
        combined = part if combined is None else combined + part
    return combined


def test_each_stored_vector_is_the_vector_search_weights_describe(postgresql_only):
    markup = "Running <b>bold</b> claims about <script>hidden</script> figures & more."
    meeting = MeetingFactory(title="Meeting on running", focus=markup, venue="Hindlip <Hall>")
    item = AgendaItemFactory(
        meeting=meeting,
        title="Runs <and> ran",
        questions=markup,
        background="Questions of running.",
        minutes=markup,
    )
    action = ActionFactory(origin_item=item, description=markup)
    update = ActionUpdateFactory(action=action, note=markup)
    for model, row in (
        (Meeting, meeting),
        (AgendaItem, item),
        (Action, action),
        (ActionUpdate, update),
    ):
        stored, described = (
            model.objects.filter(pk=row.pk)
            .annotate(stored=StoredVector(), described=described_vector(model))
            .values_list("stored", "described")
            .get()
        )
        assert stored == described, model.__name__
        # Text that looks like markup is searched as typed, not dropped as a tag.
        assert "'hidden':" in stored, model.__name__


def test_the_stored_vectors_follow_every_edit(postgresql_only, client, officer):
    cc = OfficeFactory(abbreviation="CC")
    meeting = MeetingFactory(focus="The oldwombat theme.")
    item = AgendaItemFactory(meeting=meeting, minutes="The oldwombat figures.")
    action = ActionFactory(origin_item=item, owners=[cc], description="Report on oldwombat.")
    assert {hit.kind for hit in search("oldwombat", user=officer)} == {"meeting", "item", "action"}
    client.force_login(officer)

    # The minutes and the action arising, through the item form; the meeting, through its form.
    data = item_edit_data(item, minutes="The newwombat figures.")
    data["actions-0-description"] = "Report on newwombat."
    response = client.post(reverse("meetings:item_edit", args=[meeting.pk, item.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    data = meeting_edit_data(meeting, focus="The newwombat theme.")
    assert client.post(reverse("meetings:edit", args=[meeting.pk]), data).status_code == 302

    assert search("oldwombat", user=officer) == []
    found = search("newwombat", user=officer)
    assert {(hit.kind, hit.context.endswith("Matched in an update.")) for hit in found} == {
        ("meeting", False),
        ("item", False),
        ("action", False),
    }

    # A progress note is a new update: found through its own vector.
    response = client.post(
        reverse("actions:note", args=[action.pk]), {"note-note": "The quollnote is drafted."}
    )
    assert response.status_code == 302
    (hit,) = search("quollnote", user=officer)
    assert (hit.kind, hit.title) == ("action", action.reference)
    assert hit.context.endswith("Matched in an update.")


def search_sql(query: str, user, captured_queries) -> list[str]:
    """The SQL of the full-text queries the search runs for ``query``."""
    with captured_queries() as queries:
        search(query, user=user)
    return [captured["sql"] for captured in queries if "@@" in captured["sql"]]


def test_every_kind_is_matched_through_its_gin_index(postgresql_only, officer, captured_queries):
    item = AgendaItemFactory(meeting__focus="The ginmarker theme.", minutes="ginmarker figures")
    action = ActionFactory(origin_item=item, description="A ginmarker report.")
    ActionUpdateFactory(action=action, note="The ginmarker report is drafted.")
    statements = search_sql("ginmarker", officer, captured_queries)
    assert len(statements) == len(GIN_INDEXES)
    plans = []
    with connection.cursor() as cursor:
        # On a handful of rows the planner rightly reads whole tables or whole indexes. Make
        # every way of reading a whole table dear (for this test's transaction only): a
        # sequential scan, a full index scan, or a nested loop probing one table per row of
        # another. What is left is finding the matching rows through an index on the text.
        for setting in ("enable_seqscan", "enable_indexscan", "enable_nestloop"):
            cursor.execute(f"SET LOCAL {setting} = off")
        for sql in statements:
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    for index in GIN_INDEXES.values():
        assert sum(index in plan for plan in plans) == 1, (index, plans)


def plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def test_finding_the_matches_makes_no_headline(postgresql_only, officer, captured_queries):
    item = AgendaItemFactory(meeting__focus="The ibismarker theme.", minutes="ibismarker figures")
    action = ActionFactory(origin_item=item, description="An ibismarker report.")
    ActionUpdateFactory(action=action, note="The ibismarker report is drafted.")
    with captured_queries() as queries:
        matches = find_matches("ibismarker", user=officer)
    assert len(matches.keys) == 3
    assert len([captured for captured in queries if "@@" in captured["sql"]]) == len(GIN_INDEXES)
    assert not [captured for captured in queries if "ts_headline" in captured["sql"]]


def test_headlines_are_made_only_for_the_page_shown(postgresql_only, officer, captured_queries):
    meeting = MeetingFactory()
    for part in range(8):
        AgendaItemFactory(meeting=meeting, minutes=f"The heronmarker figures, part {part}.")
    matches = find_matches("heronmarker", user=officer).keys
    assert [match.kind for match in matches] == ["item"] * 8
    with captured_queries() as queries:
        hits = hits_for(matches[:3], "heronmarker")
    assert [hit.url for hit in hits] == [hit.url for hit in search("heronmarker", user=officer)][:3]
    (sql,) = [captured["sql"] for captured in queries if "ts_headline" in captured["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    # The plan nodes that compute ts_headline (rather than pass on a child's result), with the
    # number of rows each produced.
    made = [
        node["Actual Rows"] * node["Actual Loops"]
        for node in plan_nodes(plan[0]["Plan"])
        if any(output.startswith("ts_headline(") for output in node.get("Output", []))
    ]
    assert made
    assert max(made) <= 3
