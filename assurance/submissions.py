"""One-time submission tokens: a form sent twice (a double click, a resend after a slow answer,
the back button) writes once, and the second sending is shown the result of the first.

A form that creates or appends carries ``{% submission_token %}`` (``assurance_submissions``): a
hidden field with a fresh random value. Its view, decorated with ``submitted_once``, claims the
token by inserting a ``Submission`` in the same transaction as the write, and keeps the address
the write redirected to. The same token sent again finds the row and is redirected there,
writing nothing. A second sending that arrives while the first is still being saved waits on the
token's unique index until the first commits, then does the same; if the first rolled back, the
second goes ahead. Only a view that ends in a redirect keeps its claim: a form shown again with
errors (or a refusal such as 403) leaves the token unused, so correcting and resending works. A
form sent without a token (a page from before, a hand-made request) is handled as before.
"""

from __future__ import annotations

import datetime
import re
import secrets
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.http.response import HttpResponseRedirectBase
from django.utils import timezone

from assurance.models import Submission

TOKEN_FIELD = "submission_token"
# What new_token() makes; anything else posted is treated as no token.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
# How long a token is remembered: long past any double click or resend.
KEPT_FOR = datetime.timedelta(days=1)
ALREADY_SENT_MESSAGE = "This form was sent twice: it has been saved once, not twice."


def new_token() -> str:
    """A fresh, unguessable token for one form."""
    return secrets.token_urlsafe(32)


def posted_token(request) -> str | None:
    """The token a POST carries, or None if it carries none (or one we never made)."""
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    token = request.POST.get(TOKEN_FIELD, "")
    return token if TOKEN_PATTERN.fullmatch(token) else None


def _first_result(token: str, user) -> str | None:
    """Where the write made with ``token`` sent ``user``, if it has been made."""
    return (
        Submission.objects.filter(token=token, user=user)
        .exclude(redirect_to="")
        .values_list("redirect_to", flat=True)
        .first()
    )


def _claim(token: str, user) -> Submission | None:
    """Insert the token's row (call inside the write's transaction), or None if it is taken.
    Waits while another transaction holds the same token uncommitted."""
    try:
        with transaction.atomic():  # a savepoint: a clash leaves the caller's transaction usable
            return Submission.objects.create(token=token, user=user)
    except IntegrityError:
        return None


def forget_old_submissions(now: datetime.datetime | None = None) -> int:
    """Delete the tokens older than ``KEPT_FOR``; returns how many. One indexed delete."""
    cutoff = (now or timezone.now()) - KEPT_FOR
    deleted, _by_model = Submission.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _replay(request, first: str) -> HttpResponseRedirect:
    messages.info(request, ALREADY_SENT_MESSAGE)
    return HttpResponseRedirect(first)


def submitted_once(view):
    """Decorator for a view whose successful POST writes and redirects: the same form (same
    token) sent again is redirected where the first went, and writes nothing.

    Put it under the permission decorators, so refusals come first and claim nothing."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = posted_token(request)
        if token is None:
            return view(request, *args, **kwargs)
        first = _first_result(token, request.user)
        if first is not None:
            return _replay(request, first)
        with transaction.atomic():
            submission = _claim(token, request.user)
            if submission is not None:
                response = view(request, *args, **kwargs)
                if isinstance(response, HttpResponseRedirectBase):
                    submission.redirect_to = response["Location"]
                    submission.save(update_fields=["redirect_to"])
                    # Outside this transaction, so old rows' locks never hold up this write.
                    transaction.on_commit(forget_old_submissions)
                else:  # the form is shown again: the token stays unused
                    submission.delete()
                return response
        # Taken by a sending that committed while this one waited.
        first = _first_result(token, request.user)
        if first is not None:
            return _replay(request, first)
        # The token is another user's (copied from their page): it cannot show this user
        # their result, so the request is handled as one without a token.
        return view(request, *args, **kwargs)

    return wrapped
