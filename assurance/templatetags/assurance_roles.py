"""Role checks for templates: ``{% load assurance_roles %}``, then
``{% if user|has_role:"opcc" %}``: the rule the views' ``role_required`` applies, reading the
user's groups at most once a request (``roles.names``), so a link shown only to a role costs the
page no query of its own."""

from django import template

from assurance import permissions

register = template.Library()


@register.filter
def has_role(user, role_name: str) -> bool:
    return permissions.has_role(user, role_name)
