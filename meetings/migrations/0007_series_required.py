"""Every meeting belongs to a series, now that 0006 has put the existing ones into one.

Apart from 0006 so that PostgreSQL does not alter the table in the transaction that updated
its rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("meetings", "0006_series")]

    operations = [
        migrations.AlterField(
            model_name="meeting",
            name="series",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetings",
                to="meetings.series",
            ),
        ),
    ]
