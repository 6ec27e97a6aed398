"""Login protection: lockout after repeated failed sign-ins (django-axes) of one username from one
address; Argon2 password hashing; password rules; sessions that end after inactivity; and a
password change signing out the user's other sessions."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model, password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assurance import settings as project_settings
from tests.pages import page_text

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests/factories.py UserFactory
LOCKED_OUT = "Signing in is paused for 15 minutes"


def sign_in(username: str, password: str, address: str = "203.0.113.1", client=None, **headers):
    client = client or Client()
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )


def fail(times: int, username: str, address: str = "203.0.113.1", **headers):
    for _ in range(times):
        sign_in(username, "wrong-password", address, **headers)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# Lockout


def test_four_wrong_passwords_do_not_lock_anyone_out(officer):
    fail(4, "officer")
    client = Client()
    response = sign_in("officer", PASSWORD, client=client)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_fifth_wrong_password_shows_the_locked_out_page(officer):
    fail(4, "officer")
    response = sign_in("officer", "wrong-password")

    assert response.status_code == 429
    text = page_text(response)
    assert LOCKED_OUT in text
    assert "Wait 15 minutes, then sign in again" in text
    assert "Signing in is paused" in response.content.decode().split("<title>")[1]
    assert "Content-Security-Policy" in response.headers


# Locking the pair of username and address, not either alone, and the delays for a username
# tried from many addresses: tests/test_hardening_signin_ops.py.


def test_the_test_client_login_goes_through_the_protection(officer):
    """authenticate() without a request (the test client, scripts) is checked against a blank
    request instead of failing; having no address, it is not held by a lock on an address."""
    assert Client().login(username="officer", password=PASSWORD)
    fail(5, "officer")
    assert sign_in("officer", PASSWORD).status_code == 429
    assert Client().login(username="officer", password=PASSWORD)


def test_the_admin_login_is_protected_too(officer):
    fail(5, "officer")
    response = Client().post(
        reverse("admin:login"),
        {"username": "officer", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.1",
    )
    assert response.status_code == 429


def test_the_lock_lifts_15_minutes_after_the_last_failure(officer):
    fail(5, "officer")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert sign_in("officer", PASSWORD).status_code == 429  # which also restarts the wait

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    client = Client()
    assert sign_in("officer", PASSWORD, client=client).status_code == 302
    assert is_signed_in(client)


def test_signing_in_clears_the_count_of_failures(officer):
    fail(4, "officer")
    assert sign_in("officer", PASSWORD).status_code == 302
    fail(4, "officer")
    assert sign_in("officer", PASSWORD).status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_address_is_ignored(officer):
    for number in range(5):
        fail(1, "officer", address="203.0.113.1", x_forwarded_for=f"192.0.2.{number}")
    assert sign_in("officer", PASSWORD, address="203.0.113.1").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(settings, officer):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    # The attacker's own X-Forwarded-For entry comes first; the proxy appends the real address.
    for number in range(5):
        fail(1, "officer", address=proxy, x_forwarded_for=f"192.0.2.{number}, 203.0.113.9")

    locked = sign_in("officer", PASSWORD, address=proxy, x_forwarded_for="203.0.113.9")
    assert locked.status_code == 429
    # Someone else behind the same proxy is not locked out.
    other = sign_in("officer", PASSWORD, address=proxy, x_forwarded_for="198.51.100.7")
    assert other.status_code == 302


# Passwords


def test_argon2_hashes_passwords():
    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_a_new_password_is_stored_as_an_argon2_hash(settings):
    # tests/conftest.py swaps in a fast hasher for every test; put the project's back.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = get_user_model().objects.create(username="newcomer")
    user.set_password("a long enough passphrase")
    user.save()

    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password("a long enough passphrase")


def test_a_password_must_be_at_least_12_characters(officer):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        password_validation.validate_password("eleven-char", officer)
    password_validation.validate_password("twelve-chars", officer)


def test_the_password_change_page_refuses_a_short_password(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short-pw", "new_password2": "short-pw"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in page_text(response)
    # Drawn by the one field template: the refused field points at its error, and keeps its
    # autocomplete hint for password managers.
    page = response.content.decode()
    new_password = re.search(r'<input[^>]*id="id_new_password2"[^>]*>', page).group(0)
    described_by = re.search(r'aria-describedby="([^"]*)"', new_password).group(1).split()
    assert "id_new_password2-error" in described_by
    assert 'aria-invalid="true"' in new_password and 'autocomplete="new-password"' in new_password
    assert 'id="id_new_password2-error"' in page
    assert '<label for="id_old_password"' in page
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


# Sessions


def test_sessions_end_after_30_idle_minutes_or_when_the_browser_closes():
    assert project_settings.SESSION_COOKIE_AGE == 30 * 60
    assert project_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    # Requests push the expiry on through assurance.sessions (tests/test_session_refresh.py),
    # which must run its response phase just before SessionMiddleware saves the session.
    middleware = project_settings.MIDDLEWARE
    after_sessions = middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
    assert middleware[after_sessions] == "assurance.sessions.RefreshSessionExpiryMiddleware"
    assert project_settings.SESSION_SAVE_EVERY_REQUEST is False


def test_the_session_cookie_lasts_only_as_long_as_the_browser(officer):
    client = Client()
    sign_in("officer", PASSWORD, client=client)
    cookie = client.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"]


def test_a_request_pushes_a_stale_session_expiry_on(client, officer):
    client.force_login(officer)
    session = Session.objects.get()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))

    assert client.get(reverse("home")).status_code == 200

    session.refresh_from_db()
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)


def test_an_idle_session_has_ended(client, officer):
    client.force_login(officer)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Password change


def test_changing_the_password_signs_out_the_users_other_sessions_but_not_this_one(officer):
    here, elsewhere = Client(), Client()
    here.force_login(officer)
    elsewhere.force_login(officer)
    assert elsewhere.get(reverse("home")).status_code == 200

    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 302

    assert here.get(reverse("home")).status_code == 200
    signed_out = elsewhere.get(reverse("home"))
    assert signed_out.status_code == 302
    assert signed_out.url.startswith(reverse("login"))
