"""Template context shared by every page."""

from django.conf import settings

from assurance.sessions import refresh_interval


def organisation(request):
    return {
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "FORCE_NAME": settings.FORCE_NAME,
        # How long a signed-in session is sure to last after this page's request, for the
        # warning before the idle timeout (static/js/session_timeout.js). A request pushes the
        # expiry on only once per refresh interval, so the session may end that much sooner
        # than SESSION_COOKIE_AGE. Kept here so that settings.py needs no second processor.
        "SESSION_SECONDS_LEFT": settings.SESSION_COOKIE_AGE - refresh_interval(),
    }
