"""The stored full-text vectors that PostgreSQL's search matches and ranks on, as the models
declare them: a ``search_vector = GeneratedField(expression=WeightedVector(weights), ...)``
with a ``SearchIndex`` on it in ``Meta.indexes``.

PostgreSQL computes each vector as the row is written, however it is written, and finds matches
through the GIN index. SQLite has neither to_tsvector nor GIN and searches with ``icontains``:
there the column holds NULL and the index is an ordinary one, so the same models and migrations
serve both.

Shared by meetings and actions (and read by minutes' search), so it imports none of them.
Their change histories are kept with ``HistoryWithoutVectors``.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchConfig, SearchVectorField
from django.db import models
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Coalesce, Replace
from simple_history.models import HistoricalRecords

CONFIG = "english"
# PostgreSQL's parser reads anything like an HTML tag as markup and leaves it out of the
# vector (everything between <script> and </script> too). Minutes are plain text: < and > are
# swapped for these stand-ins before parsing, so what the user typed is searched as typed.
TAG_STAND_INS = {"<": "\x04", ">": "\x05"}


def plain_text(text) -> Func:
    """``text`` with < and > swapped for their stand-ins."""
    for character, stand_in in TAG_STAND_INS.items():
        text = Replace(text, Value(character), Value(stand_in), output_field=TextField())
    return text


class WeightedVector(Func):
    """The weighted vector of a row's text: for weights ``(("title", "A"), ("focus", "B"))``,
    ``setweight(to_tsvector('english'::regconfig, replace(replace(coalesce(title, ''), '<',
    E'\\x04'), '>', E'\\x05')), 'A') || setweight(...focus..., 'B')`` on PostgreSQL; NULL on
    other databases.

    Built from its weights alone, so a migration records just them. Every part is immutable
    (the configuration is named, not the session's default), as a generated column requires.
    """

    template = "(%(expressions)s)"
    arg_joiner = " || "

    def __init__(self, weights):
        self.weights = tuple((field, weight) for field, weight in weights)
        if not self.weights:
            raise ValueError("A search vector needs at least one weighted field.")
        super().__init__(
            *(self._part(field, weight) for field, weight in self.weights),
            output_field=SearchVectorField(),
        )

    @staticmethod
    def _part(field: str, weight: str) -> Func:
        text = plain_text(Coalesce(F(field), Value(""), output_field=TextField()))
        vector = Func(
            SearchConfig(CONFIG), text, function="to_tsvector", output_field=SearchVectorField()
        )
        return Func(vector, Value(weight), function="setweight", output_field=SearchVectorField())

    def as_sql(self, compiler, connection, **extra_context):
        # Only PostgreSQL has to_tsvector; elsewhere the column is a placeholder.
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, **extra_context)


def search_vector_field(weights) -> models.GeneratedField:
    """The ``search_vector`` of a model whose fields ``weights`` weighs, e.g.
    ``(("title", "A"), ("focus", "B"))``: computed by the database as each row is written.

    Not ``null=True``, though it is NULL on SQLite: Django's SQLite backend would then add the
    column with ALTER TABLE, which SQLite refuses for a stored column, instead of rebuilding
    the table.
    """
    return models.GeneratedField(
        expression=WeightedVector(weights),
        output_field=SearchVectorField(),
        db_persist=True,
        serialize=False,  # derived: a restored row has it computed again
    )


class SearchIndex(GinIndex):
    """A GIN index on PostgreSQL; an ordinary index elsewhere, where ``USING gin`` is refused
    (on SQLite it indexes a column of NULLs, and costs next to nothing)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, using=using, **kwargs)


class HistoryWithoutVectors(HistoricalRecords):
    """A change history that leaves generated fields (the search vector) out: they derive from
    the fields it keeps, and no one edits them.

    Rather than ``excluded_fields``: with those, simple-history reads the excluded values back
    from the table each time it rebuilds an instance from a record, which it does for every
    many-to-many field at each save of a model with them (an agenda item's topics and areas).
    """

    def fields_included(self, model):
        return [field for field in super().fields_included(model) if not field.generated]
