"""Who may open which page: the role check ``has_role`` and its decorator ``role_required``.

Anonymous users never reach these checks (LoginRequiredMiddleware sends them to log in);
a signed-in user without the role gets 403.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied

from assurance import roles


def has_role(user, *role_names: str) -> bool:
    return user.is_authenticated and (
        user.is_superuser or any(roles.in_group(user, name) for name in role_names)
    )


def role_required(*role_names: str):
    """Decorator for function views: 403 unless the user has one of the roles."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *role_names):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
