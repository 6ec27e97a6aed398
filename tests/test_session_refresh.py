"""Sessions slide without a write on every request: a request pushes the session's expiry on
(saving the django_session row) only when the last push is more than a minute old, and a session
still ends after SESSION_COOKIE_AGE seconds without a request."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from assurance import sessions

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests/factories.py UserFactory
IDLE_LIMIT = datetime.timedelta(minutes=30)  # SESSION_COOKIE_AGE in assurance/settings.py
INTERVAL = datetime.timedelta(seconds=sessions.REFRESH_INTERVAL)


def session_writes(queries) -> int:
    return sum(
        1
        for query in queries
        if "django_session" in query["sql"] and query["sql"].lstrip().upper().startswith("UPDATE")
    )


def expire_date() -> datetime.datetime:
    return Session.objects.get().expire_date


def age_the_refresh_stamp(client, by: datetime.timedelta):
    """Move the session's last refresh back in time, as if it happened `by` ago."""
    session = client.session
    session[sessions.REFRESHED_AT] -= int(by.total_seconds())
    session.save()


def sign_in(client):
    response = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302


class Clock:
    """Django's clock, moved by the test (sessions, their expiry and the refresh stamp all read
    django.utils.timezone.now)."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, delta: datetime.timedelta):
        self.now += delta


# Fewer writes


def test_pages_after_signing_in_do_not_write_the_session(client, officer, captured_queries):
    sign_in(client)  # the sign-in saves the session, stamp included
    with captured_queries() as queries:
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("meetings:list")).status_code == 200
    assert session_writes(queries) == 0


def test_two_quick_requests_write_the_session_once_at_most(client, officer, captured_queries):
    client.force_login(officer)  # a session saved without the stamp, as before this change
    with captured_queries() as queries:
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("meetings:list")).status_code == 200
    assert session_writes(queries) == 1


def test_a_quick_request_leaves_the_expiry_and_the_cookie_alone(client, officer):
    client.force_login(officer)
    client.get(reverse("home"))
    before = expire_date()

    response = client.get(reverse("meetings:list"))

    assert response.status_code == 200
    assert expire_date() == before
    assert "sessionid" not in response.cookies


# The expiry still slides


def test_a_request_after_the_interval_pushes_the_expiry_on(client, officer, captured_queries):
    client.force_login(officer)
    client.get(reverse("home"))
    age_the_refresh_stamp(client, INTERVAL + datetime.timedelta(seconds=1))
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=5))

    with captured_queries() as queries:
        response = client.get(reverse("meetings:list"))

    assert response.status_code == 200
    assert session_writes(queries) == 1
    remaining = expire_date() - timezone.now()
    assert IDLE_LIMIT - datetime.timedelta(minutes=1) < remaining <= IDLE_LIMIT
    # The cookie is sent again with the save; it still ends with the browser.
    cookie = response.cookies["sessionid"]
    assert cookie.value == client.cookies["sessionid"].value
    assert not cookie["expires"] and not cookie["max-age"]


def test_a_refresh_renews_the_cookies_max_age_when_it_outlives_the_browser(
    client, officer, settings
):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    client.force_login(officer)
    client.get(reverse("home"))
    age_the_refresh_stamp(client, INTERVAL + datetime.timedelta(seconds=1))

    response = client.get(reverse("meetings:list"))

    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_a_user_active_every_interval_stays_signed_in_past_the_idle_limit(
    client, officer, monkeypatch, captured_queries
):
    clock = Clock(monkeypatch)
    sign_in(client)
    with captured_queries() as queries:
        for _ in range(45):  # 45 minutes, a page every 59 seconds, in turn...
            clock.advance(INTERVAL - datetime.timedelta(seconds=1))
            assert client.get(reverse("meetings:list")).status_code == 200
    # ...writes the session every other page, not on all 45.
    assert session_writes(queries) <= 23


def test_a_user_idle_for_less_than_the_limit_less_the_interval_stays_signed_in(
    client, officer, monkeypatch
):
    clock = Clock(monkeypatch)
    sign_in(client)
    clock.advance(INTERVAL - datetime.timedelta(seconds=1))
    client.get(reverse("meetings:list"))  # not refreshed: the expiry is from the sign-in
    clock.advance(IDLE_LIMIT - INTERVAL)

    assert client.get(reverse("meetings:list")).status_code == 200


# The idle limit still holds


def test_a_user_idle_past_the_limit_is_signed_out(client, officer, monkeypatch):
    clock = Clock(monkeypatch)
    sign_in(client)
    client.get(reverse("meetings:list"))
    clock.advance(IDLE_LIMIT + datetime.timedelta(seconds=1))

    response = client.get(reverse("meetings:list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_an_idle_session_is_signed_out_and_not_brought_back(client, officer):
    client.force_login(officer)
    client.get(reverse("home"))
    age_the_refresh_stamp(client, IDLE_LIMIT + datetime.timedelta(seconds=1))
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    # The ended session is not saved again (which would sign the user back in) nor replaced.
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()
    assert response.cookies["sessionid"].value == ""  # the cookie is deleted


# Anonymous visitors


@pytest.mark.parametrize("url_name", ["login", "public:list"])
def test_an_anonymous_visit_creates_no_session(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_signing_out_leaves_no_session(client, officer):
    sign_in(client)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert not Session.objects.exists()
    assert response.cookies["sessionid"].value == ""
