"""The one error summary of every form page: all the errors of the page's forms and formsets in
page order, each linking to the field it is about (includes/error_summary.html)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms.formsets import BaseFormSet


@dataclass(frozen=True)
class SummaryEntry:
    """One field's errors, or one formset row's errors that are not a field's, and the id of
    the field the entry links to."""

    errors: list[str]
    id_for_label: str


class ErrorSummary:
    """Shaped like a form for includes/error_summary.html (``errors``, ``non_field_errors``,
    ``visible_fields``), built from any number of forms and formsets, and page-wide
    ``messages`` which come first.

    A form's hidden fields (its version) have nowhere else to show their errors, so they count
    as the form's own errors; a formset row's own errors link to the row's first field; a row
    the user removed is not checked, so it has none.
    """

    def __init__(self, *parts: forms.BaseForm | BaseFormSet, messages=()):
        self.parts, self.messages = parts, list(messages)

    # Read when the page is drawn, not when the summary is made: a save refused after
    # validation adds its reason to the forms in between.
    @property
    def errors(self) -> bool:
        non_field_errors, entries, _first = self._collect()
        return bool(non_field_errors or entries)

    def non_field_errors(self) -> list[str]:
        return self._collect()[0]

    def visible_fields(self) -> list[SummaryEntry]:
        return self._collect()[1]

    @property
    def first_field_id(self) -> str:
        return self._collect()[2]

    def _collect(self) -> tuple[list[str], list[SummaryEntry], str]:
        non_field_errors, entries, first = list(self.messages), [], ""
        for part in self.parts:
            if isinstance(part, BaseFormSet):
                if not part.is_bound:
                    continue
                non_field_errors += part.non_form_errors()
                rows = [row for row in part.forms if not _removed(part, row)]
            else:
                rows = [part]
            for form in rows:
                visible = form.visible_fields()
                first = first or (visible[0].id_for_label if visible else "")
                own = list(form.non_field_errors())
                own += [error for hidden in form.hidden_fields() for error in hidden.errors]
                if own and form is not part and visible:
                    entries.append(SummaryEntry(own, visible[0].id_for_label))
                else:
                    non_field_errors += own
                entries += [
                    SummaryEntry(list(field.errors), field.id_for_label)
                    for field in visible
                    if field.errors
                ]
        return non_field_errors, entries, first


def _removed(formset: BaseFormSet, row: forms.BaseForm) -> bool:
    """Whether the user removed the row: a removed row is not checked, so it has no errors."""
    return bool(formset.can_delete and getattr(row, "cleaned_data", {}).get("DELETE"))
