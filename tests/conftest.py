"""Shared fixtures: users in each role, built by factories."""

from functools import partial

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assurance import roles
from tests.factories import MeetingFactory, OfficeFactory, UserFactory
from tests.seed_data import load_seeds


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing with the production hasher costs half a second a user; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def meetings_dated_from_2022():
    """Factory meetings are four weeks apart from January 2022 in every test, however many
    tests ran before: a sequence left to grow would date them in the future, where updates
    cannot yet be recorded at them."""
    MeetingFactory.reset_sequence()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test's database starts again from the migrations, so the pages another test
    rendered (assurance.caching) must not be served to it."""
    cache.clear()


@pytest.fixture(autouse=True)
def role_groups(request):
    """The role groups come from a data migration, but a transactional test (the browser and
    race tests) empties the database when it ends: put them back for the tests after it. A test
    without the database is left alone."""
    uses_database = "django_db" in request.keywords or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if not uses_database:
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        if Group.objects.filter(name__in=roles.GROUP_PERMISSIONS).count() < len(
            roles.GROUP_PERMISSIONS
        ):
            roles.create_groups(Group, Permission)


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


@pytest.fixture
def seeds(db):
    """The seed meetings, loaded (tests/seed_data.py)."""
    load_seeds()


@pytest.fixture
def captured_queries():
    """``with captured_queries() as queries:`` records the queries run inside without bounding
    their number: a first count that ``django_assert_num_queries(len(queries))`` then holds a
    bigger page to, or SQL to read (``query["sql"] for query in queries``). A count with a bound
    is pytest-django's ``django_assert_num_queries`` or ``django_assert_max_num_queries``."""
    return partial(CaptureQueriesContext, connection)
