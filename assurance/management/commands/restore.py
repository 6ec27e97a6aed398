"""``manage.py restore PATH``: load an archive written by ``manage.py backup`` into an empty
database.

Run ``migrate`` on the new database first. The restore refuses a database that already holds
users or meetings (it never merges or overwrites), and an archive from a later version of the
code (migrations this database has not applied). It loads everything in one transaction, with
the history recording switched off so that loading writes no history of its own, checks the
row counts against the archive's manifest, and resets the id sequences (loaddata does that on
PostgreSQL): all or nothing.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from tempfile import TemporaryDirectory

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from assurance.management.commands.backup import (
    ARCHIVE_FORMAT,
    DATA_NAME,
    MANIFEST_NAME,
    applied_migrations,
    row_counts,
)
from meetings.models import Meeting


def read_manifest(archive: zipfile.ZipFile) -> dict:
    names = set(archive.namelist())
    if not {DATA_NAME, MANIFEST_NAME} <= names:
        raise CommandError(
            f"This is not an Assurance backup: it should hold {DATA_NAME} and {MANIFEST_NAME}."
        )
    manifest = json.loads(archive.read(MANIFEST_NAME))
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise CommandError(f"This backup's format ({manifest.get('format')}) is not supported.")
    return manifest


def check_migrations(manifest: dict) -> None:
    """Refuse an archive whose tables this database does not have yet."""
    here = applied_migrations()
    missing = [
        f"{app_label}.{name}"
        for app_label, names in manifest["migrations"].items()
        for name in names
        if name not in here.get(app_label, [])
    ]
    if missing:
        raise CommandError(
            "The backup was written by a later version of Assurance: this database lacks the "
            f"migrations {', '.join(missing)}. Update the code and run migrate, then restore."
        )


def check_empty() -> None:
    """Refuse a database that already holds records, so nothing is ever overwritten."""
    users = get_user_model()._base_manager.count()
    meetings = Meeting._base_manager.count()
    if users or meetings:
        raise CommandError(
            f"This database already holds {users} users and {meetings} meetings. Restore only "
            "into an empty database: create a new one, run migrate, then restore."
        )


def restore_backup(path: Path) -> dict:
    """Load the archive at ``path`` into this (empty, migrated) database; return its manifest."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise CommandError(f"Cannot read {path} as a backup archive: {error}") from error
    with archive, TemporaryDirectory() as workdir:
        manifest = read_manifest(archive)
        check_migrations(manifest)
        data = Path(archive.extract(DATA_NAME, workdir))
        # The history records are part of the archive; loading must not add records of its own
        # (simple-history records many-to-many changes even for loaddata's raw saves).
        with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic():
            check_empty()
            call_command("loaddata", str(data), verbosity=0)
            loaded = row_counts()
            differences = {
                label: (count, loaded.get(label))
                for label, count in manifest["counts"].items()
                if loaded.get(label) != count
            }
            if differences:
                listed = ", ".join(
                    f"{label} {found} rows, expected {expected}"
                    for label, (expected, found) in differences.items()
                )
                raise CommandError(
                    f"The restore did not match the backup, so it was undone: {listed}"
                )
    return manifest


class Command(BaseCommand):
    help = (
        "Load a backup written by manage.py backup into an empty, migrated database, in one "
        "transaction. Refuses a database that already holds users or meetings."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup archive (assurance-backup-….zip)")

    def handle(self, *args, path, **options):
        manifest = restore_backup(Path(path))
        if not options["verbosity"]:
            return
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} records from {path} (written {manifest['written_at']})."
            )
        )
