"""Every page but the login page sends anonymous visitors to log in."""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db

# Pages meant for anonymous visitors.
PUBLIC = {"login", "logout", "health", "public:list", "public:detail", "public:pdf"}


def named_patterns(resolver=None, namespace=""):
    """(full name, pattern) for every named URL outside the admin."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def test_anonymous_users_are_sent_to_login_from_every_page(client):
    action = ActionFactory()
    # Fill any URL argument with the id of a real record, so the check reaches the view.
    sample = {
        "pk": action.origin_meeting_id,
        "item_pk": action.origin_item_id,
        "slug": "any-slug",
    }
    checked = []
    for name, pattern in named_patterns():
        if name in PUBLIC:
            continue
        kwargs = {key: sample[key] for key in pattern.pattern.converters}
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse(settings.LOGIN_URL)), name
        checked.append(name)
    assert "meetings:detail" in checked and "meetings:list" in checked
