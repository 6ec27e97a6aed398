"""The archive generator: the shape of what it writes, its update chains, and its determinism."""

import datetime
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F

from actions.models import OUTSTANDING, Action, ActionUpdate, Status
from actions.references import next_action_reference
from actions.workflow import TRANSITIONS
from meetings.models import AgendaItem, Attendance, Meeting, Series
from meetings.numbering import ordered_tree
from performance import synthetic_archive as archive
from performance.synthetic_archive import BASE_DATE, generate_archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years():
    """Scale 1: two years of monthly meetings."""
    return generate_archive(scale=1, seed=3)


def test_scale_one_is_two_years_of_monthly_meetings_and_the_next_one(two_years):
    dates = list(Meeting.objects.order_by("date").values_list("date", flat=True))
    assert len(dates) == 25 == two_years.meetings
    months = [(date.year, date.month) for date in dates]
    assert len(set(months)) == len(months), "one meeting a month"
    assert [date for date in dates if date >= BASE_DATE] == [dates[-1]]
    assert dates[0] < BASE_DATE - datetime.timedelta(days=700)


def test_every_meeting_has_10_to_15_items_nested_at_most_three_deep(two_years):
    items_by_meeting = defaultdict(list)
    for item in AgendaItem.objects.all():
        items_by_meeting[item.meeting_id].append(item)
    depths = Counter()
    for items in items_by_meeting.values():
        assert 10 <= len(items) <= 15
        depths.update(depth for _item, depth in ordered_tree(items))
    assert max(depths) == 3, "some items are nested three deep"
    assert depths[2] > 0


def test_every_meeting_has_attendance_with_a_chair_and_a_minute_taker(two_years):
    for meeting in Meeting.objects.select_related("chair", "minute_taker"):
        assert meeting.chair and meeting.minute_taker
        assert Attendance.objects.filter(meeting=meeting).count() == len(archive.ATTENDING_OFFICES)


def test_held_meetings_raise_3_to_8_actions_each_at_scale_one(two_years):
    held = Meeting.objects.filter(date__lt=BASE_DATE)
    for meeting in held:
        assert 3 <= meeting.actions_arising.count() <= 8
    assert not Action.objects.filter(origin_meeting__date__gte=BASE_DATE).exists()
    assert all(action.ownerships.exists() for action in Action.objects.all())


def test_scale_ten_is_denser():
    assert archive.months_for(10) == 240
    assert archive.density_for(10) == 9  # ~5.5 × 9 × 240 ≈ 12,000 actions
    assert archive.density_for(1) == archive.density_for(0.1) == 1


def test_most_old_actions_are_closed_and_some_are_overdue(two_years):
    year_ago = BASE_DATE - datetime.timedelta(days=365)
    old = Action.objects.filter(origin_meeting__date__lt=year_ago)
    settled = old.filter(status__in=[Status.CLOSED, Status.WITHDRAWN]).count()
    assert settled / old.count() > 0.8
    recent = Action.objects.filter(origin_meeting__date__gte=BASE_DATE - datetime.timedelta(90))
    assert recent.outstanding().count() > recent.count() / 2
    assert Action.objects.overdue(BASE_DATE).exists()
    assert set(two_years.statuses) >= {Status.OPEN, Status.IN_PROGRESS, Status.CLOSED}


def test_update_chains_follow_the_workflow_to_the_action_status(two_years):
    updates = defaultdict(list)
    for update in ActionUpdate.objects.select_related("meeting").order_by("created_at", "pk"):
        updates[update.action_id].append(update)
    counts = Counter()
    for action in Action.objects.select_related("origin_meeting"):
        chain = updates[action.pk]
        counts[len(chain)] += 1
        assert len(chain) <= 10
        status = Status.OPEN
        for update in chain:
            assert update.status_before == status, action.reference
            if update.status_after != update.status_before:
                assert any(
                    update.status_before in t.sources and update.status_after == t.target
                    for t in TRANSITIONS
                ), f"{action.reference}: no transition of the workflow makes this change"
            assert update.created_at > action.created_at
            assert update.created_at < archive.at(BASE_DATE, 0)
            if update.meeting:
                assert update.meeting.date > action.origin_meeting.date
            status = update.status_after
        assert status == action.status, action.reference
        if action.status == Status.CLOSED:
            assert action.closed_at == chain[-1].created_at
            assert action.closed_by == chain[-1].author
        else:
            assert action.closed_at is None
    assert min(counts) <= 1 and max(counts) >= 8, "0–10 updates an action"
    assert two_years.updates == ActionUpdate.objects.count()


def test_status_changes_are_made_by_the_roles_the_workflow_allows(two_years):
    changes = ActionUpdate.objects.select_related("author").exclude(status_before=F("status_after"))
    for update in changes.filter(meeting=None):
        if update.status_after in (Status.CLOSED, Status.WITHDRAWN):
            assert update.author.username in ("archive-officer", "archive-pcc")
        elif update.status_before in (Status.OPEN, Status.IN_PROGRESS):
            force_user = update.author
            assert Action.objects.acted_for_by(force_user).filter(pk=update.action_id).exists()


def test_each_route_is_made_of_the_workflows_transitions():
    for final, routes in archive.ROUTE_MOVES.items():
        for moves in routes:
            status = Status.OPEN
            for move in moves:
                assert move in TRANSITIONS and status in move.sources
                status = move.target
            assert status == final


def test_a_route_the_workflow_does_not_allow_is_refused():
    with pytest.raises(ValueError, match="does not allow 'reopen'"):
        archive.route(("reopen",), Status.IN_PROGRESS)  # an open action cannot be reopened
    with pytest.raises(ValueError, match="leads to"):
        archive.route(("start",), Status.CLOSED)


def test_references_follow_the_reference_rule_of_the_series():
    # The series the archive writes into (the migrations may have created it) numbers its own.
    Series.objects.update_or_create(
        name="Monthly Assurance Meeting", defaults={"reference_code": "MAM"}
    )
    generate_archive(scale=0.1, seed=2)
    references = list(Action.objects.values_list("reference", flat=True))
    assert references and all(reference.startswith("MAM-") for reference in references)
    last = Action.objects.order_by("-origin_meeting__date", "-reference").first()
    number = max(
        int(action.reference.rsplit("-", 1)[1])
        for action in Action.objects.filter(origin_meeting=last.origin_meeting)
    )
    assert next_action_reference(last.origin_meeting) == (
        f"MAM-{last.origin_meeting.date:%Y-%m}-{number + 1:02d}"
    )


def signature():
    return [
        (a.origin_meeting.date, a.status, a.description, a.due_date, a.updates.count())
        for a in Action.objects.select_related("origin_meeting").order_by("pk")
    ]


def test_the_same_seed_gives_the_same_archive_and_another_seed_another():
    generate_archive(scale=0.25, seed=11)
    first = signature()
    ActionUpdate.objects.all().delete()
    Action.objects.all().delete()
    generate_archive(scale=0.25, seed=11)
    assert signature() == first
    ActionUpdate.objects.all().delete()
    Action.objects.all().delete()
    generate_archive(scale=0.25, seed=12)
    assert signature() != first


def test_the_archive_does_not_reuse_references_already_taken():
    generate_archive(scale=0.1, seed=1)
    before = Action.objects.count()
    generate_archive(scale=0.1, seed=1)
    assert Action.objects.count() == 2 * before  # the unique constraint let every one in


def test_the_archive_accounts_can_read_what_their_role_allows():
    summary = generate_archive(scale=0.25, seed=1, password="load-test-password")
    assert summary.usernames == list(archive.USERS)
    force_user = get_user_model().objects.get(username="archive-force-cc")
    assert force_user.check_password("load-test-password")
    assert Action.objects.visible_to(force_user).acted_for_by(force_user).exists()
    officer = get_user_model().objects.get(username="archive-officer")
    assert Action.objects.visible_to(officer).count() == Action.objects.count()


def test_the_command_reports_what_it_wrote():
    out = StringIO()
    call_command("generate_archive", "--scale", "0.1", "--seed", "5", stdout=out)
    assert "meetings" in out.getvalue() and "actions" in out.getvalue()
    assert Action.objects.filter(status__in=OUTSTANDING).exists()
