"""Base classes for the apps' admin: change history that can be read but not restored, and
forms that refuse to save over a newer version of a versioned record (``assurance.versioning``).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from assurance.versioning import STALE_EDIT_MESSAGE, StaleEdit, check_version


class HistoryAdmin(SimpleHistoryAdmin):
    """Shows who changed what and when, without simple-history's "Revert" button: reverting
    would bypass the checks the product's own code makes (the edit-conflict check, the action
    workflow, read-only approved minutes), so a historical version can be read but not saved."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Historical versions are for reading; they cannot be restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class VersionedAdminForm(forms.ModelForm):
    """The admin form of a versioned record: it carries the version it was loaded at, and its
    save is refused if the record changed since, else raises the version (under the row lock,
    in the admin's transaction), so that forms open elsewhere on the older version go stale.
    The record's own ``version`` stays a read-only field of the admin."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # The admin saves the record on its change form whether or not a field changed; an inline
    # row only when it changed.
    saved_when_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and (self.saved_when_unchanged or self.has_changed()):
            try:
                check_version(self.instance, cleaned.get("loaded_version"))
            except StaleEdit:
                thing = self._meta.model._meta.verbose_name
                raise forms.ValidationError(STALE_EDIT_MESSAGE.format(thing=thing)) from None
        return cleaned


class VersionedInlineForm(VersionedAdminForm):
    saved_when_unchanged = False
