"""The stored search vectors behind PostgreSQL's search: each model declares its
``search_vector`` and GIN index; on PostgreSQL they are the vectors ``SEARCH_WEIGHTS``
describes, built as the raw columns of the 0005 migrations were, they follow every edit, the
search finds its matches through their GIN indexes, and headlines are made only for the page of
hits shown; on SQLite the column holds NULL under an ordinary index.

Most run on PostgreSQL only, as CI does: on SQLite the search is the ``icontains`` fallback
(tests/test_search.py runs on both).
"""

import importlib
import json

import pytest
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.urls import reverse

from actions.models import Action, ActionUpdate
from assurance.search_vectors import SearchIndex, WeightedVector, plain_text
from meetings.models import AgendaItem, Meeting
from minutes.search import (
    CONFIG,
    SEARCH_WEIGHTS,
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
            "The vectors are computed and GIN-indexed only on PostgreSQL; on SQLite the column "
            "holds NULL and search uses icontains. CI runs this on PostgreSQL."
        )


@pytest.mark.parametrize("model", [Meeting, AgendaItem, Action, ActionUpdate])
def test_each_model_declares_its_search_vector_and_gin_index(model):
    field = model._meta.get_field("search_vector")
    assert isinstance(field, models.GeneratedField)
    assert field.db_persist
    assert isinstance(field.output_field, SearchVectorField)
    assert field.expression == WeightedVector(model.SEARCH_WEIGHTS)
    assert field.expression.weights == SEARCH_WEIGHTS[model]
    # Nothing a person edits, and derived: no form shows it and no backup carries it.
    assert not field.editable
    assert not field.serialize
    (index,) = [index for index in model._meta.indexes if index.fields == ["search_vector"]]
    assert isinstance(index, GinIndex)
    assert index.name == GIN_INDEXES[model._meta.db_table]


def test_every_weighted_field_is_a_text_field_of_its_model():
    for model, weights in SEARCH_WEIGHTS.items():
        for field, weight in weights:
            assert isinstance(model._meta.get_field(field), (models.CharField, models.TextField))
            assert weight in "ABCD"


def test_the_change_histories_leave_the_vector_out():
    for model in (Meeting, AgendaItem, Action):
        historical = model.history.model
        assert "search_vector" not in {field.name for field in historical._meta.fields}


def test_the_column_and_its_index_exist_on_every_database():
    """GIN on PostgreSQL; on SQLite an ordinary index over a column of NULLs."""
    on_postgresql = connection.vendor == "postgresql"
    item = AgendaItemFactory(title="Indexed <b>text</b>", minutes="Figures.")
    action = ActionFactory(origin_item=item, description="A report.")
    ActionUpdateFactory(action=action, note="Drafted.")
    with connection.cursor() as cursor:
        for model in SEARCH_WEIGHTS:
            table = model._meta.db_table
            columns = connection.introspection.get_table_description(cursor, table)
            assert "search_vector" in {column.name for column in columns}
            index = connection.introspection.get_constraints(cursor, table)[GIN_INDEXES[table]]
            assert index["columns"] == ["search_vector"]
            assert index["index"] and not index["unique"]
            assert index["type"] == ("gin" if on_postgresql else "idx")
            vectors = list(model.objects.values_list("search_vector", flat=True))
            assert vectors, model.__name__
            if on_postgresql:
                assert all(vectors), model.__name__
            else:
                assert vectors == [None] * len(vectors), model.__name__


def test_the_index_is_created_with_gin_only_on_postgresql():
    # Only built, not run: SQLite's editor may not be entered inside the test's transaction.
    editor = connection.schema_editor(collect_sql=True)
    sql = str(SearchIndex(fields=["search_vector"], name="x_idx").create_sql(Meeting, editor))
    assert ("USING gin" in sql) == (connection.vendor == "postgresql")
    assert '"search_vector"' in sql


def generation_expression(cursor, table: str) -> str:
    """PostgreSQL's own rendering of the generated ``search_vector`` column of ``table``."""
    cursor.execute(
        "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
        "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
        "WHERE d.adrelid = %s::regclass AND a.attname = 'search_vector' AND a.attgenerated = 's'",
        [table],
    )
    (expression,) = cursor.fetchone()
    return expression


def raw_migration(app: str):
    return importlib.import_module(f"{app}.migrations.0005_search_vectors")


def test_each_column_is_generated_as_the_0005_migrations_built_it(postgresql_only):
    """The same expression, as PostgreSQL parses it, as the raw SQL the declared field
    replaced: built again here on a copy of each table."""
    described = {
        table: (app, weighted)
        for app in ("meetings", "actions")
        for table, _index, weighted in raw_migration(app).VECTORS
    }
    assert set(described) == set(GIN_INDEXES)
    with connection.cursor() as cursor:
        for table, (app, weighted) in described.items():
            model = next(model for model in SEARCH_WEIGHTS if model._meta.db_table == table)
            assert weighted == model.SEARCH_WEIGHTS
            copy = f"raw_{table}"
            cursor.execute(f"CREATE TEMPORARY TABLE {copy} (LIKE {table})")
            cursor.execute(f"ALTER TABLE {copy} DROP COLUMN search_vector")
            cursor.execute(
                f"ALTER TABLE {copy} ADD COLUMN search_vector tsvector "
                f"GENERATED ALWAYS AS ({raw_migration(app)._vector(weighted)}) STORED"
            )
            assert generation_expression(cursor, table) == generation_expression(cursor, copy)
            assert "setweight(to_tsvector('english'::regconfig" in generation_expression(
                cursor, table
            )


def described_vector(model):
    """The vector SEARCH_WEIGHTS describes for ``model``, built from the row's text as the
    search did before the vectors were stored."""
    combined = None
    for field, weight in SEARCH_WEIGHTS[model]:
        part = SearchVector(plain_text(F(field)), weight=weight, config=CONFIG)
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
            .annotate(stored=F("search_vector"), described=described_vector(model))
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


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest(app: str) -> str:
    graph = MigrationExecutor(connection).loader.graph
    return max(name for label, name in graph.leaf_nodes() if label == app)


@pytest.mark.django_db(transaction=True)
def test_the_field_migrations_reverse_to_the_raw_columns_and_back():
    """Reversed, the new migrations leave 0005's raw columns and GIN indexes (PostgreSQL) or
    nothing (SQLite); applied again, the declared field holds the same vector."""
    on_postgresql = connection.vendor == "postgresql"
    meeting = MeetingFactory(title="Reversible <b>minutes</b>", focus="The wombat theme.")
    stored = Meeting.objects.values_list("search_vector", flat=True).get(pk=meeting.pk)
    try:
        migrate(
            [("meetings", "0012_approved_minutes_help_text"), ("actions", "0008_owners_as_people")]
        )
        with connection.cursor() as cursor:
            for table, index in GIN_INDEXES.items():
                columns = connection.introspection.get_table_description(cursor, table)
                assert ("search_vector" in {column.name for column in columns}) == on_postgresql
                indexes = connection.introspection.get_constraints(cursor, table)
                assert (index in indexes) == on_postgresql
                if on_postgresql:
                    assert indexes[index]["type"] == "gin"
            if on_postgresql:
                cursor.execute(
                    "SELECT search_vector FROM meetings_meeting WHERE id = %s", [meeting.pk]
                )
                assert cursor.fetchone() == (stored,)
    finally:
        migrate([("meetings", latest("meetings")), ("actions", latest("actions"))])
    assert Meeting.objects.values_list("search_vector", flat=True).get(pk=meeting.pk) == stored
    if on_postgresql:
        assert "'wombat':" in stored
        assert Meeting.objects.filter(search_vector="wombats").get() == meeting
    with connection.cursor() as cursor:
        for table, index in GIN_INDEXES.items():
            assert index in connection.introspection.get_constraints(cursor, table)
