"""Bounds every form of the product puts on what it takes in: a one-line text box holds one line,
and a formset takes a bounded number of rows, refusing a request for more before building any.

``OneLineFieldsMixin`` is mixed into each form with text boxes; ``BoundedFormSet`` is the base
of each formset. ``one_line`` flattens stored text for output that must be one line (calendars).
"""

from __future__ import annotations

import re
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import (
    TOTAL_FORM_COUNT,
    ManagementForm,
)
from django.shortcuts import render

# Every character Python's str.splitlines() breaks a line at: a calendar, a CSV row or a
# header breaks on any of them, not only on "\n".
LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")

ONE_LINE_MESSAGE = "Enter this on one line: remove the line breaks"


def validate_one_line(value: str) -> None:
    """Refuse text holding a line break (a text box cannot type one; a hand-made post can)."""
    if LINE_BREAKS.search(value):
        raise ValidationError(ONE_LINE_MESSAGE, code="line_break")


def one_line(text: str) -> str:
    """``text`` with each run of line breaks as one space, for output that must be one line."""
    return LINE_BREAKS.sub(" ", text).strip()


def is_text_box(field: forms.Field) -> bool:
    """A one-line text field: a CharField drawn as a plain text box (not a text area, a hidden
    input or a date box)."""
    return isinstance(field, forms.CharField) and type(field.widget) is forms.TextInput


class OneLineFieldsMixin:
    """Every text box of the form refuses line breaks, with ``ONE_LINE_MESSAGE``."""

    def full_clean(self):
        # At cleaning time, so that fields a form adds in its __init__ are covered too (each form
        # has its own copy of its fields and of their validators).
        for field in self.fields.values():
            if is_text_box(field) and validate_one_line not in field.validators:
                field.validators.append(validate_one_line)
        super().full_clean()


class BoundedFormSet(forms.BaseFormSet):
    """A formset that takes at most ``absolute_max`` rows in one request.

    Django caps the rows it builds at ``absolute_max`` but still builds and checks that many
    before refusing. Here a request whose TOTAL_FORMS asks for more is refused first, with the
    formset's ``too_many_forms`` message, and its view answers with ``too_many_rows_response``
    rather than drawing the rows again: no page of ours sends that many, and drawing them is
    what would hold a worker. Subclasses set ``max_num`` and ``absolute_max`` to the same small
    number.
    """

    @cached_property
    def _posted_counts(self) -> ManagementForm:
        """The management form as the request sent it (or as the page will show it)."""
        return forms.BaseFormSet.management_form.func(self)

    @cached_property
    def asked_for_too_many(self) -> bool:
        """Whether the request's TOTAL_FORMS asked for more than ``absolute_max`` rows."""
        if not self.is_bound:
            return False
        posted = self._posted_counts
        return posted.is_valid() and posted.cleaned_data[TOTAL_FORM_COUNT] > self.absolute_max

    def full_clean(self):
        if not self.asked_for_too_many:
            super().full_clean()
            return
        # Refused before any row is checked.
        self._errors = []
        message = self.error_messages["too_many_forms"] % {"num": self.max_num}
        self._non_form_errors = self.error_class(
            [ValidationError(message, code="too_many_forms")],
            error_class="nonform",
            renderer=self.renderer,
        )

    def is_valid(self):
        if self.asked_for_too_many:
            return False
        return super().is_valid()


def too_many_rows_response(request, formset: BoundedFormSet, *, back_url: str):
    """The short page a request asking for more rows than ``formset`` takes gets instead of the
    form: no page can send that many (the form's script stops at the limit), so nothing typed
    in one is lost, and drawing hundreds of rows again is what would tie up a worker."""
    message = formset.error_messages["too_many_forms"] % {"num": formset.max_num}
    return render(
        request,
        "too_many_rows.html",
        {"message": message, "back_url": back_url},
        status=400,
    )
