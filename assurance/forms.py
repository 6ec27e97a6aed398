"""The sign-in form, and the login protection around it (django-axes).

The protection is configured in settings (AXES_*); these are the project's hooks into it: the
authentication backend, how the client's address is read, and the locked-out page.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LoginForm(AuthenticationForm):
    """Django's login form with messages that say what to do, GOV.UK style."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


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


def client_ip_address(request: HttpRequest) -> str | None:
    """The address a request came from, for counting failed sign-ins.

    Behind TRUSTED_PROXY_COUNT reverse proxies, each appending the address it received from to
    X-Forwarded-For, the client is that many entries from the right; anything further left was
    sent by the client and may be forged. With no proxies configured, the header is ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page for a sign-in refused because of too many failed attempts (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
