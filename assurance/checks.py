"""System check: the database can be reached, so the service refuses to start without it.

``manage.py check --database default`` and ``manage.py check --deploy`` connect to the database
and report an error when they cannot; gunicorn.conf.py runs the first before gunicorn serves,
so a wrong DATABASE_URL stops the start instead of serving errors.
"""

from django.core import checks
from django.db import Error, connections

UNREACHABLE = "assurance.E001"


def unreachable(aliases) -> list[checks.CheckMessage]:
    """An error for each database of ``aliases`` that cannot be connected to."""
    errors = []
    for alias in aliases:
        connection = connections[alias]
        try:
            connection.ensure_connection()
        except Error as error:
            # The driver's message names the host and port, never the password.
            reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            errors.append(
                checks.Error(
                    f"The database '{alias}' cannot be reached: {reason}",
                    hint="Check DATABASE_URL and that the database server is running.",
                    id=UNREACHABLE,
                )
            )
    return errors


@checks.register(checks.Tags.database)
def database_reachable(app_configs=None, databases=None, **kwargs):
    """``check --database ALIAS``: each named database answers."""
    return unreachable(databases or [])


@checks.register(checks.Tags.database, deploy=True)
def database_reachable_on_deploy(app_configs=None, databases=None, **kwargs):
    """``check --deploy``: every configured database answers (once, if also named)."""
    if databases:
        return []  # database_reachable checks them
    return unreachable(connections)
