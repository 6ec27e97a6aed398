"""The sign-in form, and the login protection around it (django-axes).

The protection is configured in settings (AXES_*); these are the project's hooks into it: the
authentication backend, the username and address it records, and the locked-out page. The
delays for a username tried from many addresses are in assurance/signin_throttle.py.
"""

import ipaddress
import math

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assurance.fields import GovukBoundField
from assurance.inputs import OneLineFieldsMixin


def username_max_length() -> int:
    """The longest username the user model stores (150 for Django's User)."""
    user_model = get_user_model()
    return user_model._meta.get_field(user_model.USERNAME_FIELD).max_length


class LoginForm(OneLineFieldsMixin, AuthenticationForm):
    """Django's login form with messages that say what to do, GOV.UK style. A refused sign-in
    is shown at the username."""

    bound_field_class = GovukBoundField
    non_field_errors_shown_at = "username"

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # AuthenticationForm sets max_length after the field is built, so the browser gets a
        # maxlength but the server never checks it: a hand-made POST could send any length.
        limit = username_max_length()
        username.validators.append(MaxLengthValidator(limit))
        username.error_messages["max_length"] = (
            f"Username must be {limit} characters or fewer. Check the username you typed."
        )
        username.widget.attrs["spellcheck"] = "false"

    def full_clean(self):
        super().full_clean()
        # The error summary takes the focus of a page with errors.
        if self.errors:
            self.fields["username"].widget.attrs.pop("autofocus", None)

    def get_invalid_login_error(self):
        # Set by assurance.signin_throttle when it refused the attempt without checking it.
        wait = getattr(self.request, "signin_wait_seconds", None)
        if wait:
            return ValidationError(
                "There have been many unsuccessful attempts to sign in to this account from "
                f"other places. Wait {wait_in_words(wait)}, then sign in again, or sign in "
                "from a device and network you have signed in from before.",
                code="signin_delayed",
            )
        return super().get_invalid_login_error()


class PasswordChange(PasswordChangeForm):
    """Django's password change form, drawn by the one field template like every other."""

    bound_field_class = GovukBoundField


def wait_in_words(seconds: int) -> str:
    """A wait for people: '45 seconds', '1 minute', or whole minutes rounded up ('15 minutes')."""
    if seconds > 60:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minutes"
    return "1 minute" if seconds == 60 else f"{seconds} second{'s' if seconds != 1 else ''}"


class LoginProtectionBackend(AxesStandaloneBackend):
    """django-axes' lockout check, also for a caller that has no request.

    The sign-in pages (ours and the admin's) always pass the request. Axes refuses a call
    without one, which would break the test client's login() and scripts; check those against
    a blank request instead, so a locked-out username stays locked out for them too.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            request = HttpRequest()
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username django-axes counts and stores a sign-in attempt under (AXES_USERNAME_CALLABLE).

    Axes stores it in a 255-character column; a longer one made PostgreSQL refuse the row and the
    sign-in answer 500. No account's name is longer than the user model allows, so a longer one
    is cut to that length, and a NUL, which PostgreSQL cannot store, is dropped. Every caller of
    authenticate() gets this, the admin's login form included, which checks no length itself.
    """
    field = get_user_model().USERNAME_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if username is None:
        return None
    return str(username).replace("\0", "")[: username_max_length()]


def _valid_address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except (AttributeError, ValueError):
        return None


def client_ip_address(request: HttpRequest) -> str | None:
    """The address a request came from, for counting failed sign-ins.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each appending the address it received from to
    X-Forwarded-For, the client is that many entries from the right; anything further left was
    sent by the client and may be forged. With no proxies configured, the header is ignored.
    Only a well-formed address is returned (axes stores it in an address column), so a
    malformed header entry falls back to the address of the connection.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies and (address := _valid_address(forwarded[-proxies])):
            return address
    return _valid_address(request.META.get("REMOTE_ADDR"))


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page for a sign-in refused because of too many failed attempts (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
