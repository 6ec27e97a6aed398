"""Growing delays for a username tried from many addresses, on top of django-axes' lock on the
pair of username and address.

Axes locks a username at one address after AXES_FAILURE_LIMIT failures there, and nowhere else,
so nobody can lock another person out. Someone trying one username from many addresses never
reaches that limit; so once a username has had SIGNIN_THROTTLE_AFTER failures within
SIGNIN_THROTTLE_WINDOW, from anywhere, each further attempt for it from an address that has not
signed in as that user within SIGNIN_KNOWN_ADDRESS_AGE must wait: 1 second after the last
failure, doubling with each further failure, up to SIGNIN_THROTTLE_MAX_DELAY. An attempt made
too soon is refused before its password is checked and is not counted. An address the user has
signed in from is never delayed, so a stranger elsewhere cannot keep the user out.

The failures are axes' AccessFailureLog rows (AXES_ENABLE_ACCESS_FAILURE_LOG); the sign-ins are
its AccessLog rows. The handler is installed as AXES_HANDLER.
"""

import datetime
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

# 2 ** 20 seconds is twelve days, far past any sensible SIGNIN_THROTTLE_MAX_DELAY.
LARGEST_DOUBLING = 20


def signed_in_from(username: str, address: str | None, now: datetime.datetime) -> bool:
    """Whether ``username`` signed in successfully from ``address`` recently enough to trust it."""
    if address is None:
        return False
    return AccessLog.objects.filter(
        username=username,
        ip_address=address,
        attempt_time__gte=now - settings.SIGNIN_KNOWN_ADDRESS_AGE,
    ).exists()


def seconds_to_wait(username: str | None, address: str | None, now: datetime.datetime) -> int:
    """How many seconds an attempt to sign in as ``username`` from ``address`` must still wait
    (0 when it may go ahead now)."""
    if not username:
        return 0
    failures = AccessFailureLog.objects.filter(
        username=username, attempt_time__gte=now - settings.SIGNIN_THROTTLE_WINDOW
    ).aggregate(count=Count("id"), last=Max("attempt_time"))
    beyond = failures["count"] - settings.SIGNIN_THROTTLE_AFTER
    if beyond < 0:
        return 0
    delay = min(
        datetime.timedelta(seconds=2 ** min(beyond, LARGEST_DOUBLING)),
        settings.SIGNIN_THROTTLE_MAX_DELAY,
    )
    remaining = (failures["last"] + delay - now).total_seconds()
    if remaining <= 0 or signed_in_from(username, address, now):
        return 0
    return math.ceil(remaining)


class ThrottledDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler, also refusing an attempt that must still wait (seconds_to_wait).

    The refusal reaches the sign-in form as ``request.signin_wait_seconds``; the form says how
    long to wait (assurance.signin.LoginForm).
    """

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        wait = seconds_to_wait(
            get_client_username(request, credentials),
            request.axes_ip_address,
            request.axes_attempt_time or timezone.now(),
        )
        if wait:
            request.signin_wait_seconds = wait
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and getattr(request, "signin_wait_seconds", None):
            # Refused before its password was checked: not a failure, and not counted.
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The delays look back SIGNIN_THROTTLE_WINDOW; older failures only take up room.
        AccessFailureLog.objects.filter(
            attempt_time__lt=timezone.now() - settings.SIGNIN_THROTTLE_WINDOW
        ).delete()
