"""Responses to a signed-in user are never stored by a browser or a proxy.

Signed-in pages carry restricted minutes, draft actions and exports; a shared computer's
browser cache or a caching proxy must not keep them after the user has gone. Pages for
anonymous readers (the public minutes) keep whatever caching their views choose, and static
files, served by WhiteNoise before this middleware runs, keep theirs.
"""

from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    """Send ``Cache-Control: no-store, private`` on every response to a signed-in user. A
    view's own directives stay (``no-cache``, say) unless they allow storing: ``public`` gives
    way to ``private``, and ``no-store`` overrides any ``max-age``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
