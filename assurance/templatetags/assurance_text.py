"""Template filters for user-entered text: ``{% load assurance_text %}``."""

from django import template

from assurance.text import render_text as render_text_html

register = template.Library()


@register.filter
def render_text(text):
    """``{{ item.minutes|render_text }}``: paragraphs, bullets and numbered items, sanitised."""
    return render_text_html(text)
