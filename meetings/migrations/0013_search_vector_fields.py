"""The search vectors become model fields: ``search_vector`` on Meeting and AgendaItem, a
GeneratedField with its GIN index (assurance/search_vectors.py), on every database.

On PostgreSQL the raw columns and indexes 0005_search_vectors added are dropped first and the
declared ones take their place, with the same names and the same expression; reversing puts
0005's back. Elsewhere the drop does nothing: 0005 added nothing there.
"""

import importlib

import django.contrib.postgres.search
from django.db import migrations, models

import assurance.search_vectors

raw = importlib.import_module("meetings.migrations.0005_search_vectors")


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0012_approved_minutes_help_text'),
    ]

    operations = [
        migrations.RunPython(raw.drop_vectors, raw.add_vectors, elidable=False),
        migrations.AddField(
            model_name='meeting',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=assurance.search_vectors.WeightedVector((('title', 'A'), ('focus', 'B'), ('venue', 'C'))), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False),
        ),
        migrations.AddField(
            model_name='agendaitem',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=assurance.search_vectors.WeightedVector((('title', 'A'), ('questions', 'B'), ('background', 'B'), ('minutes', 'C'))), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False),
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=assurance.search_vectors.SearchIndex(fields=['search_vector'], name='meeting_search_idx'),
        ),
        migrations.AddIndex(
            model_name='agendaitem',
            index=assurance.search_vectors.SearchIndex(fields=['search_vector'], name='agendaitem_search_idx'),
        ),
    ]
