"""Action updates are append-only: nothing in the product, the admin or the model edits or deletes
one once it is written."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actions.models import ActionUpdate, AppendOnlyError
from tests.factories import ActionUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def update():
    return ActionUpdateFactory(note="The force has started the review.")


def stored_note(update):
    return ActionUpdate.objects.values_list("note", flat=True).get(pk=update.pk)


# The model


def test_a_new_update_is_saved(update):
    assert ActionUpdate.objects.filter(pk=update.pk).exists()


def test_saving_an_existing_update_again_is_refused(update):
    update.note = "Rewritten"
    with pytest.raises(AppendOnlyError):
        update.save()
    assert stored_note(update) == "The force has started the review."


def test_an_update_read_back_from_the_database_cannot_be_saved_either(update):
    again = ActionUpdate.objects.get(pk=update.pk)
    again.note = "Rewritten"
    with pytest.raises(AppendOnlyError):
        again.save(update_fields=["note"])
    assert stored_note(update) == "The force has started the review."


def test_a_new_update_cannot_overwrite_an_existing_row_by_reusing_its_id(update):
    copy = ActionUpdate(
        pk=update.pk,
        action=update.action,
        note="Forged",
        status_before=update.status_before,
        status_after=update.status_after,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert stored_note(update) == "The force has started the review."


def test_deleting_an_update_is_refused(update):
    with pytest.raises(AppendOnlyError):
        update.delete()
    assert ActionUpdate.objects.filter(pk=update.pk).exists()


# The admin


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_the_admin_refuses_to_change_an_update(superuser_client, update):
    url = reverse("admin:actions_actionupdate_change", args=[update.pk])
    response = superuser_client.post(url, {"note": "Rewritten"})

    assert response.status_code == 403
    assert stored_note(update) == "The force has started the review."


def test_the_admin_refuses_to_delete_an_update(superuser_client, update):
    url = reverse("admin:actions_actionupdate_delete", args=[update.pk])
    response = superuser_client.post(url, {"post": "yes"})

    assert response.status_code == 403
    assert ActionUpdate.objects.filter(pk=update.pk).exists()


def test_the_admin_offers_no_bulk_delete_of_updates(superuser_client, update):
    url = reverse("admin:actions_actionupdate_changelist")
    response = superuser_client.post(
        url, {"action": "delete_selected", "_selected_action": [update.pk], "post": "yes"}
    )

    assert response.status_code in (200, 302, 403)
    assert ActionUpdate.objects.filter(pk=update.pk).exists()


def test_the_admin_action_page_shows_updates_read_only(superuser_client, update):
    url = reverse("admin:actions_action_change", args=[update.action_id])
    body = superuser_client.get(url).content.decode()

    assert "The force has started the review." in body
    assert 'name="updates-0-note"' not in body
    assert 'name="updates-0-DELETE"' not in body


# The product


def every_route(resolver=None, prefix=""):
    """(route, name) of every URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if getattr(pattern, "app_name", None) == "admin":
                continue
            yield from every_route(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name or ""


def test_no_page_outside_the_admin_edits_or_deletes_an_update():
    routes = list(every_route())
    assert any("actions" in route for route, _ in routes)  # the walk found the action pages
    editing = re.compile(r"update.*(edit|delete|remove|change)|(edit|delete|remove).*update", re.I)
    assert [(route, name) for route, name in routes if editing.search(f"{route} {name}")] == []
