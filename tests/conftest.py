"""Shared fixtures: users in each role, built by factories."""

import pytest

from assurance import roles
from tests.factories import OfficeFactory, UserFactory


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", groups=[roles.OPCC])


@pytest.fixture
def commissioner(db):
    return UserFactory(username="pcc", groups=[roles.COMMISSIONER])


@pytest.fixture
def force_user(db):
    user = UserFactory(username="force", groups=[roles.FORCE])
    OfficeFactory(abbreviation="CC", title="Chief Constable").delegates.add(user)
    return user


@pytest.fixture
def no_role_user(db):
    return UserFactory(username="nobody")
