"""The one model of the project package: the content version read by ``assurance.caching``."""

import uuid

from django.db import models


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
