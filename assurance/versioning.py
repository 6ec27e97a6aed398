"""Optimistic locking for the editing forms: no silent overwrite of someone else's save.

A form carries the version of the record it was loaded from; saving checks it under a row lock
and bumps it, or refuses with ``StaleEdit`` so the view can redisplay what the user typed.
"""

from __future__ import annotations

from django import forms

STALE_EDIT_MESSAGE = (
    "Someone else saved a change to this {thing} while you were editing it, so your changes "
    "have not been saved. What you typed is shown below: open the {thing} again in a new tab "
    "to see the latest version, then reapply your changes there."
)


class StaleEdit(Exception):
    """The record changed since the form was loaded."""


class VersionedFormMixin(forms.Form):
    """Adds a hidden ``version`` field, filled from the instance being edited."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"].initial = instance.version


def check_version(instance, submitted_version: int | None) -> None:
    """Lock the instance's row and bump its version, or raise StaleEdit if it has moved on.

    Call inside ``transaction.atomic()`` and save the instance in the same transaction.
    """
    if instance.pk is None:
        return
    current = type(instance).objects.select_for_update().values_list("version", flat=True)
    current_version = current.get(pk=instance.pk)
    if submitted_version is None or current_version != submitted_version:
        raise StaleEdit
    instance.version = current_version + 1
