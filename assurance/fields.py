"""The bound field of every form of the product, rendered by the one field template,
``templates/includes/form_field.html`` (crispy-forms' field template includes it too)."""

from __future__ import annotations

from html import escape as html_escape

from django import forms
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class GovukBoundField(BoundField):
    """Adds Bootstrap's classes and points the input at its hint and its error message.

    The ids match the field template: ``<id>-hint`` and ``<id>-error``
    (includes/field_error.html). Radios and checkbox lists are described on their fieldset
    instead, by the template. A class set on the widget is kept after Bootstrap's; an input
    with an error is marked ``aria-invalid``.

    A form whose errors of its own belong beside one field (the sign-in form's "Enter a
    correct username and password") names it in ``non_field_errors_shown_at``: that field shows
    them with its own (``extra_errors``) and its input is described by them.
    """

    def _bootstrap_class(self, widget) -> str:
        if self.use_fieldset or isinstance(widget, forms.CheckboxInput):
            return "form-check-input"
        if isinstance(widget, forms.Select):
            return "form-select"
        return "form-control"

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        css = " ".join(filter(None, [self._bootstrap_class(widget), widget.attrs.get("class")]))
        invalid = bool(self.errors or self.extra_errors)
        attrs["class"] = f"{css} is-invalid" if invalid else css
        attrs.pop("aria-describedby", None)
        if self.describedby and not self.use_fieldset:
            attrs["aria-describedby"] = self.describedby
        if invalid and not self.use_fieldset:
            attrs["aria-invalid"] = "true"
        return attrs

    @property
    def extra_errors(self) -> list[str]:
        """The form's own errors, when the form shows them beside this field."""
        if getattr(self.form, "non_field_errors_shown_at", None) != self.name:
            return []
        return list(self.form.non_field_errors())

    @property
    def describedby(self) -> str:
        ids = []
        if self.help_text:
            ids.append(f"{self.auto_id}-hint")
        if self.errors or self.extra_errors:
            ids.append(f"{self.id_for_label}-error")
        return " ".join(ids)


class FirstChoiceRadioSelect(forms.RadioSelect):
    """Radios whose field is identified by its first choice, as the error summary links to it
    (Django's RadioSelect gives none, which would leave the summary's link empty)."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class PlainSelect(forms.Select):
    """A select whose options are written straight from its choices: the action filters list
    every meeting of the archive, and Django's Select builds a dictionary and renders a template
    for each option (``manage.py benchmark`` prints what each costs at every scale).
    Same markup; escaped by the standard library's ``html.escape``, which Django's ``escape``
    calls behind a lazy-string wrapper that costs more than the escaping."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(chosen) for chosen in self.format_value(value)}
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(self._options(self.choices, selected)),  # every value and label escaped
        )

    def _options(self, choices, selected: set[str]) -> str:
        """The options, a group's (``(group label, [(value, label), …])``) in an optgroup."""
        return "".join(
            f'<optgroup label="{html_escape(str(option_value))}">'
            f"{self._options(label, selected)}</optgroup>"
            if isinstance(label, (list, tuple))
            else f'<option value="{html_escape(str(option_value))}"'
            f"{' selected' if str(option_value) in selected else ''}>"
            f"{html_escape(str(label))}</option>"
            for option_value, label in choices
        )
