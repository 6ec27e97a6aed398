"""A realistic archive of meetings, agenda items, actions and updates, built fast for measuring.

``generate_archive(scale=…, seed=…)`` writes, with ``bulk_create``, what years of monthly
holding-to-account meetings leave behind: attendance, 10–15 agenda items (some nested three
deep), actions arising owned by force offices, and each action's updates, whose status chain
follows the workflow (each update's "before" is the previous one's "after", the last "after"
is the action's status, a closed action's ``closed_at`` is its sign-off). Scale 1 is two years
at 3–8 actions a meeting; scale 10 is twenty years at nine times that density, about 12,000
actions and 60,000 updates. The same scale and seed give the same archive: every random choice
comes from one ``random.Random(seed)``, and dates count back from a fixed day, not from today.

The domain's rules are taken from the domain, not typed again: each change of status is one
of the workflow's transitions (``actions.workflow.TRANSITIONS``: where it leads, from where it
may be made and whose role may make it), and references are numbered and formatted by
``actions.references``. The rows themselves are written in bulk, not through the workflow's
one-update-at-a-time functions, so that scale 10 is quick to build.

Used by the ``generate_archive`` and ``benchmark`` commands and the load tests; never by a page.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from actions.models import OUTSTANDING, Action, ActionOwner, ActionUpdate, Status
from actions.references import format_reference, highest_numbers, reference_prefix
from actions.workflow import TRANSITIONS_BY_NAME, Transition
from assurance import roles
from meetings.models import (
    AgendaItem,
    AssuranceLevel,
    Attendance,
    LocalPolicingArea,
    Meeting,
    Office,
    Organisation,
    Person,
    Topic,
    default_series,
)

# The archive ends here whatever today is, so that a seed always gives the same archive: the
# last meeting held is the month before, and one more is planned for the month after.
BASE_DATE = datetime.date(2026, 11, 1)
BATCH_SIZE = 2000

OFFICES = (
    # abbreviation, title, organisation, position
    ("PCC", "Police and Crime Commissioner", Organisation.OPCC, 1),
    ("DPCC", "Deputy Police and Crime Commissioner", Organisation.OPCC, 2),
    ("CEx", "Chief Executive for the Police and Crime Commissioner", Organisation.OPCC, 3),
    ("SPO", "Senior Policy Officer", Organisation.OPCC, 4),
    ("CC", "Chief Constable", Organisation.FORCE, 6),
    ("DCC", "Deputy Chief Constable", Organisation.FORCE, 7),
    ("ACC", "Assistant Chief Constable", Organisation.FORCE, 8),
    ("ACC-LP", "Assistant Chief Constable Local Policing", Organisation.FORCE, 9),
    ("ACC-CV", "Assistant Chief Constable Crime & Vulnerability", Organisation.FORCE, 10),
)
FORCE_OFFICES = ("CC", "DCC", "ACC", "ACC-LP", "ACC-CV")
# The archive's force account acting for each force office.
FORCE_USER_FOR = {
    "CC": "archive-force-cc",
    "DCC": "archive-force-dcc",
    "ACC": "archive-force-acc",
    "ACC-LP": "archive-force-acc",
    "ACC-CV": "archive-force-acc",
}
# Who sits at the table, in the order the minutes list them.
ATTENDING_OFFICES = ("PCC", "DPCC", "CEx", "CC", "DCC", "ACC", "ACC-LP", "ACC-CV", "SPO")

TOPICS = (
    "Victim satisfaction",
    "Call handling",
    "Response times",
    "Outcomes",
    "Domestic abuse",
    "Road safety",
    "Hate crime",
    "Crime data integrity",
    "Serious and organised crime",
    "Violence against women and girls",
    "Workforce / preferred staffing levels",
    "Confidence",
    "Acquisitive crime",
    "HMICFRS inspections",
)
AREAS = (
    "Herefordshire",
    "Shropshire",
    "Telford & Wrekin",
    "North Worcestershire",
    "South Worcestershire",
)
SURNAMES = (
    "Campion Ashworth Bennett Choudhury Davies Edwards Fletcher Gill Harper Iqbal Jones Khan "
    "Lloyd Morgan Nolan Owen Patel Quinn Roberts Singh Turner Underwood Vaughan Walker Young"
).split()
FORENAMES = (
    "Alex Bethan Chris Deborah Emma Gareth Helen Imran Julia Kevin Laura Mark Nadia Owen Priya "
    "Rachel Simon Tom Usha Victoria"
).split()

FINDINGS = (
    "The PCC asked for reassurance that the improvement seen last quarter would be sustained.",
    "The CC set out the force's plan and the milestones the PCC can hold it to.",
    "Performance remains below the national average; the force expects improvement next quarter.",
    "The DCC explained the backlog was caused by abstractions during the summer.",
    "The PCC noted the improvement but asked how it would be evidenced to victims.",
    "- Demand has risen 8% year on year\n- Two additional posts have been recruited",
)
QUESTIONS = (
    "1. What is the force doing to improve this?\n2. When will the PCC see the effect?",
    "How does the force compare with its most similar group of forces?",
    "What assurance can the force give that the data is accurate?",
)
ACTION_TEXTS = (
    "Provide an update on {topic} at the next meeting.",
    "Share the {topic} improvement plan with the OPCC.",
    "Report the findings of the {topic} audit to the PCC.",
    "Brief the PCC on the {topic} figures for each local policing area.",
    "Confirm the timescale for the {topic} review.",
)
NOTES = (
    "Work is under way; a briefing note will follow.",
    "The plan has been drafted and is with the DCC for approval.",
    "Figures provided to the OPCC by email.",
    "Discussed at the meeting; the force will report back.",
    "Completed: the report was shared with the PCC.",
)

# How likely an action of a given age (days before BASE_DATE) is to be closed or withdrawn;
# the rest are outstanding. Old actions are nearly all closed, a few linger overdue.
CLOSING_BY_AGE = (
    (730, 0.93, 0.065),  # older than two years
    (365, 0.85, 0.07),
    (90, 0.55, 0.05),
    (0, 0.15, 0.0),
)
OUTSTANDING_MIX = ((Status.OPEN, 0.35), (Status.IN_PROGRESS, 0.45), (Status.AWAITING_SIGN_OFF, 0.2))

USERS = {
    # username → role, the offices a force user acts for
    "archive-officer": (roles.OPCC, ()),
    "archive-pcc": (roles.COMMISSIONER, ()),
    "archive-force-cc": (roles.FORCE, ("CC",)),
    "archive-force-dcc": (roles.FORCE, ("DCC",)),
    "archive-force-acc": (roles.FORCE, ("ACC", "ACC-LP", "ACC-CV")),
}
# The archive's OPCC officer, who records the updates given at a meeting.
OFFICER = "archive-officer"
# Who writes a progress note on an action no longer outstanding.
SETTLED_NOTE_ROLES = frozenset({roles.OPCC, roles.COMMISSIONER})

# The routes an action takes from "open" to the status it has now, as the names of the
# workflow's transitions, simplest first (and likeliest). The workflow's table says where each
# move leads and from which statuses it may be made: ``route`` checks every step against it.
ROUTES = {
    Status.OPEN: ((),),
    Status.IN_PROGRESS: (
        ("start",),
        ("request_sign_off", "return"),  # returned for more work
        ("start", "sign_off", "reopen"),  # reopened
    ),
    Status.AWAITING_SIGN_OFF: (
        ("request_sign_off",),
        ("start", "request_sign_off"),
    ),
    Status.CLOSED: (
        ("sign_off",),
        ("start", "sign_off"),
        ("start", "request_sign_off", "sign_off"),
        ("start", "request_sign_off", "return", "request_sign_off", "sign_off"),
    ),
    Status.WITHDRAWN: (
        ("withdraw",),
        ("start", "withdraw"),
    ),
}


@dataclass
class ArchiveSummary:
    """What was written, with the accounts created for reading it."""

    meetings: int = 0
    items: int = 0
    attendances: int = 0
    actions: int = 0
    updates: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    usernames: list[str] = field(default_factory=list)


def months_for(scale: float) -> int:
    """Two years of monthly meetings per unit of scale (at least two meetings)."""
    return max(2, round(24 * scale))


def density_for(scale: float) -> int:
    """How many times the base 3–8 actions a meeting: 1 up to scale 1, nine at scale 10, so
    that scale 10 holds the issue's ~12,000 actions (five times gives only ~6,600)."""
    return max(1, round(0.9 * scale))


def meeting_day(year: int, month: int) -> datetime.date:
    """The second Tuesday of the month, when the monthly meeting sits."""
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)


def add_months(date: datetime.date, months: int) -> tuple[int, int]:
    index = date.year * 12 + date.month - 1 + months
    return index // 12, index % 12 + 1


def at(date: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute)))


def route(names: tuple[str, ...], final: str) -> tuple[Transition, ...]:
    """The workflow's transitions called ``names``, checked to lead one after another from
    "open" to ``final``; ``ValueError`` if the workflow does not allow that route."""
    status, moves = Status.OPEN, []
    for name in names:
        move = TRANSITIONS_BY_NAME[name]
        if status not in move.sources:
            raise ValueError(f"The workflow does not allow {name!r} from {status!r}.")
        status = move.target
        moves.append(move)
    if status != final:
        raise ValueError(f"The route {names!r} leads to {status!r}, not {final!r}.")
    return tuple(moves)


# Checked once, when the module is imported: a change to the workflow that breaks a route
# stops the generator rather than letting it write a history the workflow could not have made.
ROUTE_MOVES = {
    final: tuple(route(names, final) for names in routes) for final, routes in ROUTES.items()
}


@functools.cache
def usernames_with(allowed: frozenset[str]) -> list[str]:
    """The archive's accounts holding one of the roles ``allowed``, in the order of ``USERS``."""
    return [name for name, (role, _acts_for) in USERS.items() if role in allowed]


def moves_to(rng: random.Random, final: str) -> list[Transition]:
    """The transitions an action made from "open" to reach ``final``, one of its ``ROUTES``."""
    options = ROUTE_MOVES[final]
    weights = [len(options) - index for index in range(len(options))]  # simpler routes likelier
    return list(rng.choices(options, weights=weights)[0])


def final_status(rng: random.Random, age_days: int) -> str:
    """The status an action raised ``age_days`` before BASE_DATE has now."""
    closed, withdrawn = next(
        (closed, withdrawn) for min_age, closed, withdrawn in CLOSING_BY_AGE if age_days >= min_age
    )
    draw = rng.random()
    if draw < closed:
        return Status.CLOSED
    if draw < closed + withdrawn:
        return Status.WITHDRAWN
    statuses, weights = zip(*OUTSTANDING_MIX, strict=True)
    return rng.choices(statuses, weights=weights)[0]


class _Builder:
    """Holds the random source and the reference data while one archive is written."""

    def __init__(self, scale: float, seed: int, password: str | None):
        self.rng = random.Random(seed)
        self.scale = scale
        self.density = density_for(scale)
        self.password = password
        self.summary = ArchiveSummary()

    # Reference data: offices, topics, areas, people and accounts --------------------------

    def reference_data(self) -> None:
        self.series = default_series()
        self.offices = {}
        for abbreviation, title, organisation, position in OFFICES:
            self.offices[abbreviation], _ = Office.objects.get_or_create(
                abbreviation=abbreviation,
                defaults={"title": title, "organisation": organisation, "position": position},
            )
        self.topics = [
            Topic.objects.get_or_create(
                slug=name.lower().replace(" / ", "-").replace(" ", "-"), defaults={"name": name}
            )[0]
            for name in TOPICS
        ]
        self.areas = [
            LocalPolicingArea.objects.get_or_create(
                slug=name.lower().replace(" & ", "-and-").replace(" ", "-"),
                defaults={"name": name, "position": position},
            )[0]
            for position, name in enumerate(AREAS, start=1)
        ]
        self.users = {}
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.GROUP_PERMISSIONS)}
        for username, (role, acts_for) in USERS.items():
            user, created = get_user_model().objects.get_or_create(username=username)
            if created or self.password:
                if self.password:
                    user.set_password(self.password)
                else:
                    user.set_unusable_password()
                user.save()
            user.groups.add(groups[role])
            for abbreviation in acts_for:
                self.offices[abbreviation].delegates.add(user)
            self.users[username] = user
        self.summary.usernames = list(USERS)

    def people_for(self, first_year: int) -> None:
        """A holder of each office per five-year era, so the faces change over twenty years."""
        eras = range(first_year // 5, (BASE_DATE.year + 1) // 5 + 1)
        people = []
        for era in eras:
            for abbreviation in ATTENDING_OFFICES:
                office = self.offices[abbreviation]
                name = f"{self.rng.choice(FORENAMES)} {self.rng.choice(SURNAMES)}"
                people.append(
                    Person(
                        name=name,
                        organisation=office.organisation,
                        office=office,
                        active=era == eras[-1],
                    )
                )
        Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
        self.people = defaultdict(dict)  # era → abbreviation → person
        for person, (era, abbreviation) in zip(
            people, [(era, abbr) for era in eras for abbr in ATTENDING_OFFICES], strict=True
        ):
            self.people[era][abbreviation] = person

    # Meetings, attendance and agenda -------------------------------------------------------

    def meetings(self, months: int) -> list[Meeting]:
        """``months`` monthly meetings up to the month before BASE_DATE, and the next one."""
        meetings = []
        for offset in range(-months, 2):
            if offset == 0:
                continue  # the month of BASE_DATE: the meeting moved to the month after
            year, month = add_months(BASE_DATE, offset)
            date = meeting_day(year, month)
            era = self.people[year // 5]
            if offset == 1 or offset == -1:
                status = Meeting.Status.DRAFT  # the next meeting, and the minutes being written
            elif offset == -2:
                status = Meeting.Status.APPROVED
            else:
                status = Meeting.Status.PUBLISHED
            meetings.append(
                Meeting(
                    series=self.series,
                    title=f"Monthly Assurance Meeting {date:%B %Y}",
                    date=date,
                    start_time=datetime.time(14, 0),
                    venue=self.rng.choice(["Hindlip HQ", "OPCC offices, Worcester", "Virtual"]),
                    chair=era["PCC"],
                    minute_taker=era["SPO"],
                    minute_taker_capacity="Senior Policy Officer, OPCC",
                    focus=f"The quarterly performance report to {date:%B %Y}",
                    status=status,
                )
            )
        Meeting.objects.bulk_create(meetings, batch_size=BATCH_SIZE)
        self.summary.meetings = len(meetings)
        return meetings

    def attendance(self, meetings: list[Meeting]) -> None:
        rows = []
        for meeting in meetings:
            era = self.people[meeting.date.year // 5]
            for position, abbreviation in enumerate(ATTENDING_OFFICES, start=1):
                draw = self.rng.random()
                status = (
                    Attendance.Status.APOLOGIES
                    if draw < 0.1 and abbreviation not in ("PCC", "SPO")
                    else Attendance.Status.PART
                    if draw < 0.15
                    else Attendance.Status.PRESENT
                )
                person = era[abbreviation]
                rows.append(
                    Attendance(
                        meeting=meeting,
                        person=person,
                        capacity=person.office.title,
                        status=status,
                        position=position,
                    )
                )
        Attendance.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.summary.attendances = len(rows)

    def agenda(self, meetings: list[Meeting]) -> dict[int, list[AgendaItem]]:
        """10–15 items a meeting: standing items around discussion items nested up to three
        deep. Returns each meeting's discussion items (where actions arise)."""
        levels: list[list[tuple[AgendaItem, int | None]]] = [[], [], []]  # by depth
        discussion: dict[int, list[AgendaItem]] = defaultdict(list)
        for meeting in meetings:
            total = self.rng.randint(10, 15)
            top = [
                self.item(meeting, "Welcome and apologies", 1),
                self.item(meeting, "Minutes of the previous meeting", 2),
                self.item(
                    meeting,
                    "Outstanding matters / matters arising",
                    3,
                    kind=AgendaItem.Kind.OUTSTANDING_MATTERS,
                ),
            ]
            count, position, nested = len(top) + 2, len(top), []
            while count < total:
                position += 1
                parent = self.discussion_item(meeting, position)
                top.append(parent)
                discussion[meeting.pk].append(parent)
                count += 1
                for child_position in range(1, self.rng.choice([0, 0, 1, 2, 3]) + 1):
                    if count >= total:
                        break
                    child = self.discussion_item(meeting, child_position)
                    nested.append((child, parent, 1))
                    discussion[meeting.pk].append(child)
                    count += 1
                    for grandchild_position in range(1, self.rng.choice([0, 0, 0, 1, 2]) + 1):
                        if count >= total:
                            break
                        grandchild = self.discussion_item(meeting, grandchild_position)
                        nested.append((grandchild, child, 2))
                        discussion[meeting.pk].append(grandchild)
                        count += 1
            top.append(self.item(meeting, "Any other business", position + 1))
            top.append(
                self.item(
                    meeting,
                    "Confirmation of next meeting",
                    position + 2,
                    kind=AgendaItem.Kind.NEXT_MEETING,
                )
            )
            levels[0] += [(item, None) for item in top]
            levels[1] += [(item, parent) for item, parent, depth in nested if depth == 1]
            levels[2] += [(item, parent) for item, parent, depth in nested if depth == 2]
        # Parents are written before their children, so each child can point at a saved pk.
        for level in levels:
            for item, parent in level:
                item.parent = parent
            AgendaItem.objects.bulk_create([item for item, _ in level], batch_size=BATCH_SIZE)
        items = [item for level in levels for item, _ in level]
        self.tag(items)
        self.summary.items = len(items)
        return discussion

    def item(self, meeting: Meeting, title: str, position: int, **fields) -> AgendaItem:
        return AgendaItem(meeting=meeting, title=title, position=position, **fields)

    def discussion_item(self, meeting: Meeting, position: int) -> AgendaItem:
        topic = self.rng.choice(self.topics)
        restricted = self.rng.random() < 0.03
        item = self.item(
            meeting,
            topic.name,
            position,
            lead_office=self.offices[self.rng.choice(FORCE_OFFICES)],
            background=f"The performance report shows the position on {topic.name.lower()}.",
            questions=self.rng.choice(QUESTIONS),
            minutes="\n\n".join(self.rng.sample(FINDINGS, 2)),
            assurance_level=self.rng.choice(AssuranceLevel.values),
            restricted=restricted,
            restricted_reason="Operationally sensitive." if restricted else "",
        )
        item.archive_topic = topic  # tagged after saving, with the M2M rows in bulk
        return item

    def tag(self, items: list[AgendaItem]) -> None:
        topic_rows, area_rows = [], []
        for item in items:
            topic = getattr(item, "archive_topic", None)
            if topic is None:
                continue
            topic_rows.append(AgendaItem.topics.through(agendaitem=item, topic=topic))
            if self.rng.random() < 0.2:
                area = self.rng.choice(self.areas)
                area_rows.append(AgendaItem.areas.through(agendaitem=item, localpolicingarea=area))
        AgendaItem.topics.through.objects.bulk_create(topic_rows, batch_size=BATCH_SIZE)
        AgendaItem.areas.through.objects.bulk_create(area_rows, batch_size=BATCH_SIZE)

    # Actions and their updates -------------------------------------------------------------

    def actions(self, meetings: list[Meeting], discussion: dict[int, list[AgendaItem]]) -> None:
        held = [meeting for meeting in meetings if meeting.date < BASE_DATE]
        self.held = held
        self.held_at = [at(meeting.date, 14) for meeting in held]  # sorted, for bisect
        taken = self.taken_references(held)
        actions, owners, chains = [], [], []
        for index, meeting in enumerate(held):
            items = discussion[meeting.pk]
            count = self.rng.randint(3, 8) * self.density
            prefix = reference_prefix(meeting)
            first = taken[prefix]
            taken[prefix] = first + count  # another meeting of the month numbers on from here
            for number in range(first + 1, first + count + 1):
                offices = self.rng.sample(FORCE_OFFICES, self.rng.choice([1, 1, 1, 2]))
                if self.rng.random() < 0.05:
                    offices.append("PCC")  # "PCC / CC"
                owners.append([self.offices[abbreviation] for abbreviation in offices])
                item = self.rng.choice(items)
                action, chain = self.action(meeting, item, number, index, offices[0])
                actions.append(action)
                chains.append(chain)
        Action.objects.bulk_create(actions, batch_size=BATCH_SIZE)
        ActionOwner.objects.bulk_create(
            [
                ActionOwner(action=action, office=office, position=position)
                for action, offices in zip(actions, owners, strict=True)
                for position, office in enumerate(offices)
            ],
            batch_size=BATCH_SIZE,
        )
        updates = []
        for action, chain in zip(actions, chains, strict=True):
            for update in chain:
                update.action = action
            updates += chain
        ActionUpdate.objects.bulk_create(updates, batch_size=BATCH_SIZE)
        self.summary.actions = len(actions)
        self.summary.updates = len(updates)
        statuses: dict[str, int] = defaultdict(int)
        for action in actions:
            statuses[action.status] += 1
        self.summary.statuses = dict(statuses)

    def taken_references(self, meetings: list[Meeting]) -> dict[str, int]:
        """The highest reference number already given under each meeting's reference prefix
        (an archive generated into a database that holds other minutes must not clash with
        their references), by the reference rule of ``actions.references``."""
        references = Action.objects.values_list("reference", flat=True).iterator()
        return highest_numbers(references, {reference_prefix(meeting) for meeting in meetings})

    def action(
        self, meeting: Meeting, item: AgendaItem, number: int, index: int, owner: str
    ) -> tuple[Action, list[ActionUpdate]]:
        """An action arising at ``meeting`` (the ``index``th held) with its update log."""
        later = self.held[index + 1 :]
        raised = at(meeting.date, 16) + datetime.timedelta(seconds=number)
        age_days = (BASE_DATE - meeting.date).days
        final = final_status(self.rng, age_days)
        due_meeting = None
        if later and self.rng.random() < 0.3:
            due_meeting = later[min(len(later) - 1, self.rng.choice([0, 2, 5]))]
        due_date = None
        if due_meeting is None or self.rng.random() < 0.5:
            due_date = meeting.date + datetime.timedelta(days=self.rng.choice([28, 56, 90, 180]))
        chain = self.updates(raised, final, index, FORCE_USER_FOR[owner])
        action = Action(
            reference=format_reference(reference_prefix(meeting), number),
            origin_meeting=meeting,
            origin_item=item,
            description=self.rng.choice(ACTION_TEXTS).format(topic=item.title.lower()),
            due_date=due_date,
            due_meeting=due_meeting,
            status=final,
            created_at=raised,
        )
        if final == Status.CLOSED:
            action.closed_at = chain[-1].created_at
            action.closed_by = chain[-1].author
        return action, chain

    def updates(
        self, raised: datetime.datetime, final: str, index: int, force_user: str
    ) -> list[ActionUpdate]:
        """The action's update log: the workflow's moves to ``final`` with progress notes
        between, 0–10 entries in all, dated after the action was raised and before BASE_DATE."""
        path = moves_to(self.rng, final)
        # An action still open has had little said about it yet; the others up to ten entries.
        most = 3 if final == Status.OPEN else 10
        total = max(self.rng.randint(0, most), len(path))
        # Which entries change the status: the path's steps, in order, among the notes.
        # A settled action's last entry is its sign-off or withdrawal: nothing comes after.
        settles = final not in OUTSTANDING
        if settles:
            changes = sorted(self.rng.sample(range(total - 1), len(path) - 1)) + [total - 1]
        else:
            changes = sorted(self.rng.sample(range(total), len(path)))
        # Settled actions were settled within about a year; the rest are still running.
        end = at(BASE_DATE, 0)
        if settles:
            end = min(end, raised + datetime.timedelta(days=self.rng.randint(20, 400)))
        span = max((end - raised).total_seconds(), 60.0)
        moments = []
        for _ in range(total):
            moment = raised + datetime.timedelta(seconds=self.rng.uniform(60, span))
            given_at = None
            next_index = bisect.bisect_left(self.held_at, moment, lo=index + 1)
            if next_index < len(self.held) and self.rng.random() < 0.5:
                # Given at the next meeting: recorded that afternoon, in its outstanding matters.
                given_at = self.held[next_index]
                moment = at(given_at.date, 15) + datetime.timedelta(
                    seconds=self.rng.randint(0, 3599)
                )
                if moment >= end:
                    given_at = None
                    moment = end - datetime.timedelta(seconds=self.rng.randint(1, 59))
            moments.append((moment, given_at))
        moments.sort(key=lambda pair: pair[0])

        chain, status, step = [], Status.OPEN, 0
        for index, (moment, given_at) in enumerate(moments):
            before, move = status, None
            if step < len(changes) and changes[step] == index:
                move = path[step]
                status = move.target
                step += 1
            chain.append(
                ActionUpdate(
                    author=self.author(move, status, given_at, force_user),
                    created_at=moment + datetime.timedelta(microseconds=index),
                    effective_on=given_at.date if given_at else timezone.localdate(moment),
                    meeting=given_at,
                    note=self.rng.choice(NOTES),
                    status_before=before,
                    status_after=status,
                )
            )
        return chain

    def author(
        self, move: Transition | None, status: str, given_at: Meeting | None, force_user: str
    ):
        """Who wrote an update: the officer for one given at a meeting; for a change of status,
        the force account acting for the owner if the workflow lets force staff make ``move``,
        else one of the archive's accounts whose role may; for a progress note, the force
        while the action is outstanding, the OPCC or the PCC once it has been settled."""
        if given_at is not None:
            return self.users[OFFICER]
        if move is None and status in OUTSTANDING:
            return self.users[force_user]
        allowed = SETTLED_NOTE_ROLES if move is None else move.roles
        if roles.FORCE in allowed:
            return self.users[force_user]
        return self.users[self.rng.choice(usernames_with(allowed))]


def generate_archive(*, scale: float, seed: int, password: str | None = None) -> ArchiveSummary:
    """Write an archive of ``scale`` × two years of monthly meetings, deterministic for
    ``seed``, in one transaction; return what was written. ``password`` is given to the
    archive's accounts (see ``USERS``); without it they cannot sign in."""
    if scale <= 0:
        raise ValueError("The scale must be more than 0.")
    builder = _Builder(scale, seed, password)
    months = months_for(scale)
    first_year = add_months(BASE_DATE, -months)[0]
    with transaction.atomic():
        builder.reference_data()
        builder.people_for(first_year)
        meetings = builder.meetings(months)
        builder.attendance(meetings)
        discussion = builder.agenda(meetings)
        builder.actions(meetings, discussion)
    if connection.vendor == "postgresql":
        # What autovacuum would do soon after a real load: without statistics the planner
        # guesses row counts from a near-empty table, and its plans for the pages are poor.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return builder.summary
