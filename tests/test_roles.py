"""The role groups exist with their permissions, and who may read which minutes."""

import pytest
from django.contrib.auth.models import Group

from assurance import roles
from meetings.models import Meeting
from tests.factories import MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_migration_creates_the_three_groups_with_their_permissions():
    for group_name, apps_models in roles.GROUP_PERMISSIONS.items():
        group = Group.objects.get(name=group_name)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        expected = {
            f"{app}.{action}_{model}"
            for app, models in apps_models.items()
            for model, actions in models.items()
            for action in actions
        }
        assert granted == expected


def test_only_the_opcc_may_edit_minutes(officer, commissioner, force_user):
    assert officer.has_perm("meetings.change_agendaitem")
    assert not commissioner.has_perm("meetings.change_agendaitem")
    assert not force_user.has_perm("meetings.change_agendaitem")
    assert force_user.has_perm("actions.add_actionupdate")


def test_force_users_never_see_draft_minutes(officer, commissioner, force_user, no_role_user):
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    approved = MeetingFactory(status=Meeting.Status.APPROVED)
    published = MeetingFactory(status=Meeting.Status.PUBLISHED)
    everything = {draft, approved, published}
    assert set(Meeting.objects.visible_to(officer)) == everything
    assert set(Meeting.objects.visible_to(commissioner)) == everything
    assert set(Meeting.objects.visible_to(force_user)) == {approved, published}
    assert set(Meeting.objects.visible_to(no_role_user)) == set()


def test_force_users_act_for_the_offices_they_are_delegated(force_user):
    assert [office.abbreviation for office in force_user.acts_for_offices.all()] == ["CC"]


def test_superusers_see_drafts():
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    admin = UserFactory(is_superuser=True)
    assert list(Meeting.objects.visible_to(admin)) == [draft]
