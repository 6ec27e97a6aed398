"""The "Stay signed in" request: a signed-in page asks for it before the idle timeout ends the
session, and it pushes the session's expiry on by a full SESSION_COOKIE_AGE.

Anonymous callers are sent to the login page by LoginRequiredMiddleware, which is how the page's
script learns that the session has already ended.
"""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def keep_alive(request):
    """Answer 204 and save the session, so its expiry and the cookie's start again from now."""
    # A modified session is stamped by assurance.sessions.RefreshSessionExpiryMiddleware and
    # saved by SessionMiddleware, whatever the once-a-minute refresh would otherwise decide.
    request.session.modified = True
    return HttpResponse(status=204)
