"""The one model of the project package: the content version read by ``assurance.caching``."""

from django.db import models


class ContentVersion(models.Model):
    """A single row whose ``value`` goes up after every committed change to the records, so
    that every process can tell, in one query, whether what it rendered earlier is still true."""

    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"Content version {self.value}"
