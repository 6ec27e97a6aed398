from django.apps import AppConfig


class MinutesConfig(AppConfig):
    """The minutes of a meeting as a document: its items with the actions arising, the record
    stored at approval, publishing, and the pages, PDF and search that show them. It composes
    the meetings and actions apps, which never import it."""

    name = "minutes"
    verbose_name = "Minutes"
