"""The project package's models: the content version read by ``assurance.caching``, and the
forms already sent, read by ``assurance.submissions``."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ContentVersion(models.Model):
    """A single row whose ``value`` goes up after every committed change to the records, so
    that every process can tell, in one query, whether what it rendered earlier is still true.

    ``epoch`` is drawn when the row is made: a database restored from a backup (which leaves
    this row out) counts again from 1, and the new epoch keeps its versions apart from those a
    running process saw before the restore."""

    epoch = models.UUIDField(default=uuid.uuid4, editable=False)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Content version {self.value}"


class Submission(models.Model):
    """A form sent with a one-time token (``assurance.submissions``): who sent it, when, and
    where its write sent them, so that the same form sent again goes there instead of writing
    a second time. Rows older than ``submissions.KEPT_FOR`` are deleted as new ones come."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Empty only inside the transaction that claims the token; set before it commits.
    redirect_to = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="submission_created_idx")]

    def __str__(self):
        return f"Form sent by {self.user} at {self.created_at:%Y-%m-%d %H:%M}"
