"""Backup and restore: the seed data, the demo users and some history go through ``manage.py
backup`` and ``manage.py restore`` into an emptied database and come back identical."""

import datetime
import json
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.models import Action, ActionOwner, ActionUpdate, ReviewedAction
from assurance.management.commands.backup import EXCLUDED, backed_up_models
from meetings.models import (
    AgendaItem,
    ApprovedMinutes,
    Attendance,
    Meeting,
    Office,
    PublishedPdf,
    Series,
    Topic,
)
from minutes.pdf import published_pdf
from minutes.record import record_of, with_minutes_header

# The restore runs its own transaction and the test empties the database: a real one is needed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    """The seed meetings and demo users, then changes made by people, so there is history."""
    settings.DEBUG = True  # load_demo refuses to create its published-password users otherwise
    call_command("load_demo", verbosity=0)
    officer = get_user_model().objects.get(username="officer")
    meeting = Meeting.objects.filter(items__isnull=False).distinct().order_by("date").last()
    meeting.venue = "Police HQ, Worcester"
    meeting._history_user = officer
    meeting.save()
    item = meeting.items.first()
    item._history_user = officer
    item.title = "Renamed in the test"
    item.save()
    item.topics.add(Topic.objects.create(name="Backups", slug="backups"))
    attendance = Attendance.objects.filter(meeting=meeting).first()
    attendance.status = Attendance.Status.APOLOGIES
    attendance.save()
    action = Action.objects.first()
    ActionOwner.objects.create(action=action, office=Office.objects.get(abbreviation="DCC"))
    # Published minutes as they were stored, with the outstanding matters they reviewed and
    # the public PDF (bytes) as it was served.
    published = with_minutes_header(Meeting.objects.filter(status=Meeting.Status.PUBLISHED))
    for minutes in published:
        record_of(minutes)
    published_pdf(published.order_by("date").last())
    assert ApprovedMinutes.objects.exists() and PublishedPdf.objects.exists()
    assert ReviewedAction.objects.exists()
    return meeting


def everything() -> dict[str, list[str]]:
    """Every row of every backed-up model, with its many-to-many links, in a comparable form:
    users and groups by their natural keys (the restore may number them afresh), the rest by
    id."""
    rows = {}
    for model in backed_up_models():
        serialized = serializers.serialize(
            "python",
            model._base_manager.order_by("pk"),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        for row in serialized:
            for name, value in row["fields"].items():
                if isinstance(value, list):  # many-to-many: order does not matter
                    row["fields"][name] = sorted(value, key=repr)
        rows[model._meta.label_lower] = sorted(json.dumps(row, default=str) for row in serialized)
    return rows


def test_a_backup_restored_into_an_emptied_database_gives_back_every_record(demo, tmp_path):
    before = everything()
    user_groups = {
        user.username: (user.password, sorted(user.groups.values_list("name", flat=True)))
        for user in get_user_model().objects.all()
    }
    delegates = sorted(Office.delegates.through.objects.values_list("office_id", "user__username"))
    history_counts = {
        model: model.history.count()
        for model in (Series, Meeting, Attendance, AgendaItem, Action, ActionOwner, ReviewedAction)
    }
    pdfs = {pdf.pk: (bytes(pdf.pdf), pdf.sha256) for pdf in PublishedPdf.objects.all()}
    assert Meeting.history.filter(history_user__username="officer").exists()

    call_command("backup", output=str(tmp_path), verbosity=0)
    (archive,) = tmp_path.iterdir()
    call_command("flush", interactive=False, verbosity=0)
    assert not Meeting.objects.exists() and not get_user_model().objects.exists()
    call_command("restore", str(archive), verbosity=0)

    after = everything()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], f"{label} differs after the restore"
    assert {
        user.username: (user.password, sorted(user.groups.values_list("name", flat=True)))
        for user in get_user_model().objects.all()
    } == user_groups
    assert (
        sorted(Office.delegates.through.objects.values_list("office_id", "user__username"))
        == delegates
    )
    assert {
        model: model.history.count()
        for model in (Series, Meeting, Attendance, AgendaItem, Action, ActionOwner, ReviewedAction)
    } == history_counts
    assert {pdf.pk: (bytes(pdf.pdf), pdf.sha256) for pdf in PublishedPdf.objects.all()} == pdfs
    assert Meeting.history.filter(history_user__username="officer").exists()
    assert ActionUpdate.objects.count() == len(before["actions.actionupdate"])
    # New rows carry on after the restored ones (loaddata resets PostgreSQL's id sequences).
    meeting = Meeting.objects.create(
        series=Series.objects.first(), title="After the restore", date=datetime.date(2030, 1, 1)
    )
    get_user_model().objects.create_user("newcomer")
    assert meeting.history.count() == 1


def test_the_archive_is_dated_and_says_what_it_holds(demo, tmp_path):
    call_command("backup", output=str(tmp_path), verbosity=0)
    (archive,) = tmp_path.iterdir()

    assert re.fullmatch(r"assurance-backup-\d{4}-\d\d-\d\d-\d{6}\.zip", archive.name)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        data = json.loads(opened.read("data.json"))
    assert manifest["counts"]["meetings.meeting"] == Meeting.objects.count()
    assert manifest["counts"]["auth.user"] == 3
    assert manifest["counts"]["meetings.historicalmeeting"] == Meeting.history.count()
    assert "0004_history" in manifest["migrations"]["meetings"]
    labels = {row["model"] for row in data}
    assert {"auth.user", "auth.group", "meetings.office", "meetings.historicalagendaitem"} <= labels
    assert not {label for label in labels if label.split(".")[0] in EXCLUDED}


def test_the_backup_can_be_written_to_a_named_file(demo, tmp_path):
    target = tmp_path / "tonight.zip"
    call_command("backup", output=str(target), verbosity=0)
    assert zipfile.is_zipfile(target)


def test_restore_refuses_a_database_that_already_holds_records(demo, tmp_path):
    call_command("backup", output=str(tmp_path), verbosity=0)
    (archive,) = tmp_path.iterdir()
    before = everything()

    with pytest.raises(CommandError, match="Restore only into an empty database"):
        call_command("restore", str(archive), verbosity=0)
    assert everything() == before


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    not_a_backup = tmp_path / "notes.zip"
    with zipfile.ZipFile(not_a_backup, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(CommandError, match="not an Assurance backup"):
        call_command("restore", str(not_a_backup), verbosity=0)


def test_every_app_model_is_backed_up():
    labels = {model._meta.label_lower for model in backed_up_models()}
    for model in apps.get_app_config("meetings").get_models():
        assert model._meta.label_lower in labels
    for model in apps.get_app_config("actions").get_models():
        assert model._meta.label_lower in labels
    assert {"auth.user", "auth.group"} <= labels
