"""Audit history for bulk writes: a queryset whose ``bulk_create`` and ``bulk_update`` record
history as ``save()`` does, for the models of either app that keep a change history."""

from __future__ import annotations

from django.db import models
from django.dispatch import Signal

# Sent after a bulk insert, which sends no save signal: those who follow every change (the page
# cache) listen for it as they do for ``post_save``. Arguments: ``sender`` (the model).
bulk_created = Signal()


class HistoryRecordingQuerySet(models.QuerySet):
    """A queryset whose bulk writes leave audit history, like ``save()`` does.

    django-simple-history records a change from the save and delete signals, which
    ``bulk_create`` and ``bulk_update`` do not send; the attendance formset, the agenda builder
    and the actions arising save rows in bulk, and those changes must be audited too. (So do not
    use simple-history's ``bulk_create_with_history`` on these models: it would record twice.)
    """

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        bulk_created.send(sender=self.model)
        # New rows have no many-to-many links yet, so the bulk history insert loses nothing.
        self.model.history.bulk_history_create([obj for obj in created if obj.pk is not None])
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        # Tell the history what a save would have told it, one row at a time: unlike
        # ``bulk_history_create`` this also copies the item's topics and areas into the record.
        for obj in objs:
            models.signals.post_save.send(
                sender=self.model,
                instance=obj,
                created=False,
                update_fields=frozenset(fields),
                raw=False,
                using=self.db,
            )
        return rows
