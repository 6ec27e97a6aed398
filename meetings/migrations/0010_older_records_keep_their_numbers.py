"""A series whose meetings were entered from older records with the numbers those minutes
printed keeps printing them: it numbers by the board's own reference where an item has one."""

from django.db import migrations


def keep_printed_numbers(apps, schema_editor):
    Series = apps.get_model("meetings", "Series")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    with_printed = AgendaItem.objects.exclude(printed_number="").values("meeting__series_id")
    Series.objects.filter(pk__in=with_printed).update(reference_style="own")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0009_directory_end_time_previous_minutes")]

    operations = [migrations.RunPython(keep_printed_numbers, migrations.RunPython.noop)]
