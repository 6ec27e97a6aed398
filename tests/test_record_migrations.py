"""The migrations that brought series and dated history carry an existing database over: every
meeting goes into one series named from the seeds, and every update takes effect on its
meeting's date (or the day it was typed), with a closed action's closing dated to match."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("meetings", "0005_search_vectors"), ("actions", "0005_search_vectors")]
AFTER = [("meetings", "0007_series_required"), ("actions", "0006_dated_history")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_meetings_join_one_series_and_updates_take_their_meetings_date():
    old = migrate(BEFORE)
    Meeting = old.get_model("meetings", "Meeting")
    Action = old.get_model("actions", "Action")
    ActionUpdate = old.get_model("actions", "ActionUpdate")
    typed_in_march = timezone.make_aware(datetime.datetime(2022, 3, 20, 10, 0))
    january = Meeting.objects.create(kind="monthly", title="January", date="2022-01-18")
    february = Meeting.objects.create(kind="thematic", title="VAWG", date="2022-02-15")
    action = Action.objects.create(
        reference="2022-01-01",
        origin_meeting=january,
        description="Report back.",
        status="closed",
        closed_at=typed_in_march,
    )
    # Signed off at February's meeting, typed in March; a note typed between meetings.
    ActionUpdate.objects.create(
        action=action,
        meeting=february,
        created_at=typed_in_march,
        status_before="open",
        status_after="closed",
        note="Done.",
    )
    ActionUpdate.objects.create(
        action=action,
        created_at=typed_in_march,
        status_before="closed",
        status_after="closed",
        note="Filed.",
    )

    try:
        new = migrate(AFTER)
        Meeting = new.get_model("meetings", "Meeting")
        ActionUpdate = new.get_model("actions", "ActionUpdate")
        Action = new.get_model("actions", "Action")
        names = set(Meeting.objects.values_list("series__name", flat=True))
        assert names == {"Monthly Assurance Meeting"}
        effective = dict(ActionUpdate.objects.values_list("note", "effective_on"))
        assert effective == {
            "Done.": datetime.date(2022, 2, 15),
            "Filed.": datetime.date(2022, 3, 20),
        }
        closed_at = Action.objects.get(reference="2022-01-01").closed_at
        assert timezone.localdate(closed_at) == datetime.date(2022, 2, 15)
    finally:
        migrate(
            [
                ("meetings", executor_leaf("meetings")),
                ("actions", executor_leaf("actions")),
            ]
        )


def executor_leaf(app: str) -> str:
    """The app's latest migration, to leave the database as the other tests expect it."""
    executor = MigrationExecutor(connection)
    return max(name for label, name in executor.loader.graph.leaf_nodes() if label == app)


def test_existing_owners_keep_the_order_they_printed_in():
    """Owners printed in their offices' order before they had positions of their own: the
    migration gives each action's owners that order, so nothing already printed changes."""
    old = migrate(
        [
            ("meetings", "0010_older_records_keep_their_numbers"),
            ("actions", "0007_latest_effect_index"),
        ]
    )
    Series = old.get_model("meetings", "Series")
    Meeting = old.get_model("meetings", "Meeting")
    Office = old.get_model("meetings", "Office")
    Action = old.get_model("actions", "Action")
    ActionOwner = old.get_model("actions", "ActionOwner")
    series = Series.objects.create(name="Board")
    meeting = Meeting.objects.create(series=series, title="Board", date="2022-01-18")
    # Added to the action in the opposite order to the offices'.
    dcc = Office.objects.create(
        abbreviation="DCC", title="Deputy", organisation="force", position=2
    )
    pcc = Office.objects.create(abbreviation="PCC", title="PCC", organisation="opcc", position=0)
    cc = Office.objects.create(abbreviation="CC", title="Chief", organisation="force", position=1)
    action = Action.objects.create(reference="2022-01-01", origin_meeting=meeting, description="X")
    for office in (dcc, cc, pcc):
        ActionOwner.objects.create(action=action, office=office)

    try:
        new = migrate([("meetings", "0011_owners_as_people"), ("actions", "0008_owners_as_people")])
        ActionOwner = new.get_model("actions", "ActionOwner")
        owners = ActionOwner.objects.filter(action_id=action.pk).order_by("position", "pk")
        assert [(row.office.abbreviation, row.position) for row in owners] == [
            ("PCC", 0),
            ("CC", 1),
            ("DCC", 2),
        ]
        assert all(row.person_id is None for row in owners)
    finally:
        migrate(
            [
                ("meetings", executor_leaf("meetings")),
                ("actions", executor_leaf("actions")),
            ]
        )
