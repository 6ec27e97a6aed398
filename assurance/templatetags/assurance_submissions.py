"""The one-time token of a form that creates or appends: ``{% load assurance_submissions %}``,
then ``{% submission_token %}`` inside the form, beside ``{% csrf_token %}``. The view reads it
with ``assurance.submissions.submitted_once``."""

from django import template
from django.utils.html import format_html

from assurance.submissions import TOKEN_FIELD, new_token

register = template.Library()


@register.simple_tag
def submission_token():
    """A hidden field with a fresh token: each time the form is shown, a new one."""
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, new_token())
