"""The page cache: what a view rendered, kept until the records behind it change.

The dashboard and the minutes are rendered from hundreds of rows that change a few times a day
and are read many times in between. A view opts in with ``@cached_page(vary=..., frame=...)``,
which keeps what the view rendered under the *content version*: a counter in the database
raised after every committed change to meetings, actions, offices, people and accounts. A change
therefore makes every earlier page unreachable in every process (the cache's size limit drops
them later), and checking costs one query by primary key. There is no expiry to tune and no
invalidation to forget: a new kind of record in those apps is covered by the signals below
without a line of code. The row's random epoch keeps a restored database, whose count starts
again, from meeting pages kept before.

Why the counter is raised after the commit, not inside the transaction: inside, its row lock
would be held until the commit and would serialise (and could deadlock) concurrent writers.
After the commit it is safe because a page reads the counter before the rows: a page that read
the old counter may have seen the new rows, and then keeps them under the old key, which only
pages older than the change ask for; a page that read the new counter reads only new rows.

Each process also counts the changes it makes itself, committed or not, and adds that to the
key, so a process never reads back a page from before its own write (a test runs inside a
transaction that never commits, and a request may render after writing in the same transaction).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, signals
from django.http import HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from simple_history.models import HistoricalChanges

from assurance.history import bulk_created
from assurance.models import ContentVersion

# The apps whose records the cached pages show. "auth" for names, groups and offices held.
CACHED_APPS = frozenset({"meetings", "actions", "auth"})
_local_changes = itertools.count()
_local_version = 0


def _committed() -> tuple[uuid.UUID, int] | None:
    """The counter's epoch and value; None before its row is made."""
    return ContentVersion.objects.filter(pk=1).values_list("epoch", "value").first()


def content_version() -> int:
    """The committed content version (0 before the first change)."""
    committed = _committed()
    return committed[1] if committed else 0


def _raise_committed_version() -> None:
    if not ContentVersion.objects.filter(pk=1).update(value=F("value") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"value": 1})


def content_changed() -> None:
    """Record that the records changed: at once in this process, for every process once the
    transaction commits. Called by the signals below (``bulk_created`` for bulk inserts, which
    send no save signal)."""
    global _local_version
    _local_version = next(_local_changes) + 1
    transaction.on_commit(_raise_committed_version)


def _is_content(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return (
        meta is not None
        and meta.app_label in CACHED_APPS
        # A historical record is written with the change it records: one raise is enough.
        and not issubclass(sender, HistoricalChanges)
        # Migrations' own models: their writes come before the counter's table may exist.
        and sender.__module__ != "__fake__"
    )


def _on_save(sender, update_fields=None, **kwargs):
    # Signing in stamps last_login, which no page shows.
    if _is_content(sender) and update_fields != frozenset({"last_login"}):
        content_changed()


def _on_change(sender, **kwargs):
    if _is_content(sender):
        content_changed()


def _on_m2m(sender, action, **kwargs):
    if action.startswith("post_") and _is_content(sender):
        content_changed()


def connect_signals() -> None:
    signals.post_save.connect(_on_save, dispatch_uid="assurance.caching.save")
    signals.post_delete.connect(_on_change, dispatch_uid="assurance.caching.delete")
    signals.m2m_changed.connect(_on_m2m, dispatch_uid="assurance.caching.m2m")
    bulk_created.connect(_on_change, dispatch_uid="assurance.caching.bulk_create")


class _NoTokenInCachedContent:
    """What ``{% csrf_token %}`` finds while cached content renders. A token is valid only for
    the session it was made in, so one kept in the cache would be refused when served to the
    next session: forms that post belong in the frame, rendered on every request."""

    def _refuse(self, *args):
        raise ImproperlyConfigured(
            "A CSRF token in cached content would be another session's: put the form in the "
            "page's frame (assurance.caching.cached_page)."
        )

    __bool__ = __str__ = __html__ = _refuse


def _key(view, vary: tuple) -> str:
    parts = repr((_committed(), _local_version, *vary)).encode()
    return f"page:{view.__module__}.{view.__qualname__}:{hashlib.sha256(parts).hexdigest()}"


def cached_page(*, vary: Callable[..., tuple | None], frame: str | None = None):
    """Keep what the decorated view renders until the records change.

    The view returns a ``TemplateResponse`` of the page's content; ``vary(request, *args,
    **kwargs)`` returns everything else that content depends on (the user or their roles,
    today's date, the query string), or None for a page not worth keeping (it is rendered each
    time). With ``frame``, the content is placed as ``body`` in that template, rendered on every
    request with the context the view put under ``"frame"`` (kept with the content), so the
    session's CSRF token, messages and timeout are always this request's. Without a frame the
    content is the whole page, for a page with nothing of its request in it (the public
    minutes). Only a rendered 200 is kept, without the view's headers: a 404 or a redirect is
    asked for again next time."""

    def decorator(view):
        @functools.wraps(view)
        def cached_view(request, *args, **kwargs):
            varies = vary(request, *args, **kwargs)
            key = None if varies is None else _key(view, varies)
            kept = None if key is None else cache.get(key)
            if kept is None:
                response = view(request, *args, **kwargs)
                if not isinstance(response, TemplateResponse) or response.status_code != 200:
                    return response
                context = dict(response.context_data or {})
                frame_context = context.pop("frame", {})
                response.context_data = context | {"csrf_token": _NoTokenInCachedContent()}
                content = response.rendered_content
                # A whole page is kept as the bytes it is sent as, so that serving it neither
                # encodes it again nor copies it; a body, as the text its frame takes.
                kept = (content if frame else content.encode(response.charset), frame_context)
                if key is not None:
                    cache.set(key, kept)  # for the TIMEOUT of settings.CACHES
            body, frame_context = kept
            if frame is None:
                return HttpResponse(body)
            return render(request, frame, {**frame_context, "body": body})

        return cached_view

    return decorator
