"""``manage.py backup [--output PATH]``: write every record to one dated archive.

The archive (``assurance-backup-YYYY-MM-DD-HHMMSS.zip``) holds ``data.json``, a Django JSON
dump of every model — meetings, actions, their history, users with their password hashes, groups
and memberships, office delegates — and ``manifest.json``: when it was written, the row count
of each model and the migrations applied. ``manage.py restore`` loads it into an empty database.

Left out, because ``migrate`` recreates them or they are transient: content types and
permissions (referred to by natural key, so they match whatever the new database numbers them),
sessions, the admin's log and django-axes' record of failed sign-ins.

The archive is written readable by its owner only (mode 0600).
"""

from __future__ import annotations

import datetime
import json
import os
import zipfile
from pathlib import Path
from tempfile import TemporaryDirectory

import django
from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

ARCHIVE_FORMAT = 1
# The archive's permissions: its owner may read and write it, nobody else anything.
OWNER_ONLY = 0o600
DATA_NAME = "data.json"
MANIFEST_NAME = "manifest.json"
# assurance.contentversion only counts changes for the page cache; a restore raises it anyway.
# assurance.submission only remembers, for a day, which forms were sent, against double clicks.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "assurance.contentversion",
    "assurance.submission",
]


class PreciseJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds (as JavaScript does); a backup keeps every
    microsecond, so that a restored record, its history included, is the record backed up."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list:
    """The models whose rows the archive holds: every model but the excluded ones."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in EXCLUDED and model._meta.label_lower not in EXCLUDED
    ]


def row_counts() -> dict[str, int]:
    """The number of rows of each backed-up model, by ``app_label.modelname``."""
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in sorted(backed_up_models(), key=lambda model: model._meta.label_lower)
    }


def applied_migrations() -> dict[str, list[str]]:
    """The migrations applied to the database, by app."""
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def dump(stream) -> None:
    """Serialize every backed-up row to ``stream`` as JSON, as ``dumpdata`` would: users, groups,
    content types and permissions by natural key, models ordered so that what a row refers to
    by natural key comes before it."""
    wanted = set(backed_up_models())
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module]
    ordered = [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model in wanted
    ]

    def rows():
        for model in ordered:
            yield from model._base_manager.order_by(model._meta.pk.name).iterator()

    serializers.serialize(
        "json",
        rows(),
        stream=stream,
        cls=PreciseJSONEncoder,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )


def default_name(now=None) -> str:
    now = timezone.localtime(now)
    return f"assurance-backup-{now:%Y-%m-%d-%H%M%S}.zip"


def write_backup(path: Path) -> dict:
    """Dump every record to a zip archive at ``path`` and return its manifest.

    Everything is read in one transaction (repeatable read on PostgreSQL), so the archive is a
    consistent snapshot even while people are using the site. The file appears only when done.
    """
    path = Path(path)
    with TemporaryDirectory() as workdir, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # must be the transaction's first statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        data = Path(workdir) / DATA_NAME
        with data.open("w", encoding="utf-8") as stream:
            dump(stream)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "written_at": timezone.now().isoformat(),
            "django": django.get_version(),
            "database": connection.vendor,
            "counts": row_counts(),
            "migrations": applied_migrations(),
        }
        partial = path.with_name(path.name + ".partial")
        with open_owner_only(partial) as stream:
            with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.write(data, DATA_NAME)
                archive.writestr(MANIFEST_NAME, json.dumps(manifest, indent=2))
    os.replace(partial, path)
    return manifest


def open_owner_only(path: Path):
    """Open ``path`` for writing, readable and writable by its owner only (0600), whatever the
    umask: the archive holds password hashes and restricted minutes."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    try:
        os.fchmod(descriptor, OWNER_ONLY)  # a file left by an earlier run keeps its old mode
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "wb")


class Command(BaseCommand):
    help = (
        "Write every record (users, groups, memberships, meetings, actions and their history) "
        "to one dated zip archive, for manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=".",
            help="the archive's file name, or a directory to write the dated archive in "
            "(default: the current directory)",
        )

    def handle(self, *args, output, **options):
        path = Path(output)
        if path.is_dir():
            path = path / default_name()
        manifest = write_backup(path)
        if options["verbosity"]:
            rows = sum(manifest["counts"].values())
            self.stdout.write(self.style.SUCCESS(f"Backed up {rows} records to {path}"))
