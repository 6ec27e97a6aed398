"""Create the PostgreSQL database a database URL names, unless it exists already.

    python scripts/ensure_database.py [URL]    (default: the DATABASE_URL environment variable)

The one place the project creates its database: ``make database``, ``make serve`` and CI
(``.ci/run``) call it. A URL of another engine (SQLite) needs nothing and is left alone. Exits
with status 1, saying why, when the PostgreSQL server cannot be reached.
"""

from __future__ import annotations

import os
import sys

import dj_database_url
import psycopg2
from psycopg2 import sql


def ensure_database(url: str) -> None:
    """Create the database ``url`` names on its server if it is missing; raises
    ``psycopg2.OperationalError`` if the server cannot be reached."""
    settings = dj_database_url.parse(url)
    if settings["ENGINE"] != "django.db.backends.postgresql":
        return
    # Through the server's maintenance database: the one named may not exist yet.
    server = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
        connect_timeout=5,
    )
    server.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings["NAME"]))
                )
    finally:
        server.close()


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else os.environ.get("DATABASE_URL", "")
    if not url:
        print("Name the database: a URL argument or DATABASE_URL.", file=sys.stderr)
        return 2
    try:
        ensure_database(url)
    except psycopg2.OperationalError as error:
        print(f"PostgreSQL unreachable: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
