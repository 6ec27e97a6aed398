"""Sliding session expiry without a database write on every request.

A session ends after SESSION_COOKIE_AGE seconds without a request. Rather than saving the
session on every request (SESSION_SAVE_EVERY_REQUEST), RefreshSessionExpiryMiddleware saves it
only when its expiry was last pushed on more than REFRESH_INTERVAL seconds ago, so an active
user costs one session write a minute instead of one a page.
"""

from django.conf import settings
from django.utils import timezone

# How stale a session's expiry may get before a request pushes it on. Each refresh is an UPDATE
# of django_session (and the cookie sent again), so a user clicking through pages writes the row
# at most once a minute; the price is that a session may end up to this long before
# SESSION_COOKIE_AGE of idleness (29 of the 30 minutes at worst), which nobody notices.
REFRESH_INTERVAL = 60

# The session key holding when the expiry was last pushed on (whole seconds since the epoch).
# It lives in the session data so that it is saved, and read, with the session itself.
REFRESHED_AT = "_expiry_refreshed_at"


def refresh_interval() -> int:
    """REFRESH_INTERVAL, or a tenth of the session's age when that is shorter, so that a short
    SESSION_IDLE_MINUTES still signs out an idle user near the time it names."""
    return min(REFRESH_INTERVAL, settings.SESSION_COOKIE_AGE // 10)


class RefreshSessionExpiryMiddleware:
    """Mark an existing session modified, so SessionMiddleware saves it (pushing its expiry and
    the cookie's on), when its last refresh is older than refresh_interval().

    It must come right after SessionMiddleware: its response phase then runs after every other
    middleware's (the messages middleware, for one, writes to the session there) and just before
    SessionMiddleware's, which saves a modified session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # No session cookie and nothing stored: an anonymous visitor. Never create a session.
        if session is None or session.is_empty():
            return response
        refreshed_at = session.get(REFRESHED_AT)
        # The cookie named a session that has ended or never existed, or the view signed out.
        if session.is_empty():
            return response
        now = int(timezone.now().timestamp())
        # A session saved anyway takes the new stamp for free; a stamp from the future (the
        # clock went back) counts as stale, so the session cannot outlive its expiry unrefreshed.
        if (
            session.modified
            or refreshed_at is None
            or not 0 <= now - refreshed_at < refresh_interval()
        ):
            session[REFRESHED_AT] = now  # marks the session modified: SessionMiddleware saves it
        return response
