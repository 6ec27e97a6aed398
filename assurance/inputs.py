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
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
    ManagementForm,
)

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
    formset's ``too_many_forms`` message; the page shows only the rows the request carried (up
    to the limit) and counts those in its management form, so what was typed is kept, sending
    the page again works, and a hand-made request cannot make a big page.
    Subclasses set ``max_num`` and ``absolute_max`` to the same small number.
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

    @cached_property
    def management_form(self):
        posted = self._posted_counts
        if not self.asked_for_too_many:
            return posted
        # Count only the rows shown, so that the page sent again is taken.
        shown = min(self._rows_posted(), self.absolute_max)
        counts = {
            TOTAL_FORM_COUNT: shown,
            INITIAL_FORM_COUNT: min(posted.cleaned_data[INITIAL_FORM_COUNT], shown),
            MIN_NUM_FORM_COUNT: self.min_num,
            MAX_NUM_FORM_COUNT: self.max_num,
        }
        form = ManagementForm(
            {posted.add_prefix(name): str(count) for name, count in counts.items()},
            auto_id=self.auto_id,
            prefix=self.prefix,
            renderer=self.renderer,
        )
        form.full_clean()
        return form

    def _rows_posted(self) -> int:
        """One more than the highest row index named in the posted data."""
        prefix = f"{self.prefix}-"
        highest = -1
        for key in self.data:
            if key.startswith(prefix):
                index = key[len(prefix) :].partition("-")[0]
                # Past nine digits it is no row of ours (and int() of thousands refuses).
                if index.isascii() and index.isdigit() and len(index) <= 9:
                    highest = max(highest, int(index))
        return highest + 1

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
