"""load_demo loads the seed meetings and the demo users, safely and repeatably."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.models import Action, ActionUpdate
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def counts():
    return (
        Meeting.objects.count(),
        Action.objects.count(),
        ActionUpdate.objects.count(),
        get_user_model().objects.count(),
    )


def test_load_demo_creates_the_three_demo_users_and_can_run_twice(settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    users = get_user_model().objects.prefetch_related("groups", "acts_for_offices")
    groups = {user.username: [group.name for group in user.groups.all()] for user in users}
    assert groups == {"officer": ["opcc"], "pcc": ["commissioner"], "force": ["force"]}
    force = users.get(username="force")
    assert sorted(office.abbreviation for office in force.acts_for_offices.all()) == [
        "ACC",
        "ACC-CV",
        "ACC-LP",
        "CC",
        "DCC",
    ]
    assert client.login(username="pcc", password="assurance-demo")


def test_load_demo_refuses_to_create_users_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()


def test_running_load_demo_again_keeps_what_users_changed(settings):
    """``make run`` a second time must not put the seeds back over the officers' work."""
    settings.DEBUG = True
    call_command("load_demo")
    action = Action.objects.filter(status="open").order_by("reference").first()
    Action.objects.filter(pk=action.pk).update(status="in_progress", description="Changed.")
    meeting = Meeting.objects.order_by("date").first()
    Meeting.objects.filter(pk=meeting.pk).update(title="Retitled by an officer")
    get_user_model().objects.filter(username="pcc").delete()

    call_command("load_demo")

    action.refresh_from_db()
    assert (action.status, action.description) == ("in_progress", "Changed.")
    assert Meeting.objects.get(pk=meeting.pk).title == "Retitled by an officer"
    # What is missing is added: the demo account deleted in between.
    assert get_user_model().objects.filter(username="pcc").exists()
