"""Stored, GIN-indexed full-text vectors for actions and their updates: PostgreSQL only.

Superseded by 0009_search_vector_fields, which drops these raw columns and indexes and declares
``search_vector`` on the models as a GeneratedField with its GIN index, built from the same
expression (assurance/search_vectors.py); reversing it calls ``add_vectors`` here again.

Each column is GENERATED ... STORED, so PostgreSQL keeps it in step with every insert and
update, however the row is written: English stemming, and < and > replaced by stand-ins so that
text that looks like an HTML tag is searched as typed. On SQLite nothing is added.
"""

from django.db import migrations

# (table, index, ((column, weight), ...))
VECTORS = (
    ("actions_action", "action_search_idx", (("description", "B"),)),
    ("actions_actionupdate", "actionupdate_search_idx", (("note", "C"),)),
)


def _plain(column):
    # search.py's TAG_STAND_INS: "<" -> U+0004, ">" -> U+0005.
    return f"replace(replace(coalesce({column}, ''), '<', E'\\x04'), '>', E'\\x05')"


def _vector(weighted):
    return " || ".join(
        f"setweight(to_tsvector('english'::regconfig, {_plain(column)}), '{weight}')"
        for column, weight in weighted
    )


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index, weighted in VECTORS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_vector(weighted)}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin (search_vector)")


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, index, _weighted in VECTORS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0004_update_newest_index"),
    ]

    operations = [
        migrations.RunPython(add_vectors, drop_vectors, elidable=False),
    ]
