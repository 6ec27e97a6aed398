"""The search vectors become model fields: ``search_vector`` on Action and ActionUpdate, a
GeneratedField with its GIN index (assurance/search_vectors.py), on every database.

On PostgreSQL the raw columns and indexes 0005_search_vectors added are dropped first and the
declared ones take their place, with the same names and the same expression; reversing puts
0005's back. Elsewhere the drop does nothing: 0005 added nothing there.
"""

import importlib

import django.contrib.postgres.search
from django.db import migrations, models

import assurance.search_vectors

raw = importlib.import_module("actions.migrations.0005_search_vectors")


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0008_owners_as_people'),
    ]

    operations = [
        migrations.RunPython(raw.drop_vectors, raw.add_vectors, elidable=False),
        migrations.AddField(
            model_name='action',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=assurance.search_vectors.WeightedVector((('description', 'B'),)), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False),
        ),
        migrations.AddField(
            model_name='actionupdate',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=assurance.search_vectors.WeightedVector((('note', 'C'),)), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False),
        ),
        migrations.AddIndex(
            model_name='action',
            index=assurance.search_vectors.SearchIndex(fields=['search_vector'], name='action_search_idx'),
        ),
        migrations.AddIndex(
            model_name='actionupdate',
            index=assurance.search_vectors.SearchIndex(fields=['search_vector'], name='actionupdate_search_idx'),
        ),
    ]
