"""Offices, people, meetings, attendance and the agenda: the record of a meeting."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from assurance import roles
from assurance.constraints import choices_check
from assurance.history import HistoryRecordingQuerySet
from assurance.search_vectors import HistoryWithoutVectors, SearchIndex, search_vector_field
from meetings.numbering import (
    NESTING_RULE,
    OwnerStyle,
    ReferenceStyle,
    nests_too_deep,
    number_items,
)


class Organisation(models.TextChoices):
    OPCC = "opcc", "OPCC"
    FORCE = "force", "Force"
    PARTNER = "partner", "Partner"


class Office(models.Model):
    """A post that persists as people change, such as Chief Constable; it owns actions."""

    title = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=20, unique=True)
    organisation = models.CharField(max_length=20, choices=Organisation.choices)
    position = models.PositiveIntegerField(default=0, help_text="Order in lists; lower first.")
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="acts_for_offices",
        help_text="Force users who act for this office: they may report progress on its actions.",
    )

    class Meta:
        ordering = ["position", "abbreviation"]
        constraints = [choices_check("organisation", Organisation, "office_organisation_valid")]

    def __str__(self):
        return self.abbreviation


class Person(models.Model):
    name = models.CharField(max_length=200)
    initials = models.CharField(
        max_length=20, blank=True, help_text='As minutes write them, e.g. "RJ" or "RHL".'
    )
    rank = models.CharField(
        "rank or title",
        max_length=100,
        blank=True,
        help_text='Printed before the initials where a board does so, e.g. "ACC" or "Det Ch Supt".',
    )
    organisation = models.CharField(max_length=20, choices=Organisation.choices)
    office = models.ForeignKey(
        Office,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holders",
        help_text="The office the person holds now, if any.",
    )
    email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="acts_for_people",
        help_text="Force users who act for this person, such as their staff officer: they may "
        "report progress on the actions the person owns.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [choices_check("organisation", Organisation, "person_organisation_valid")]

    def __str__(self):
        return self.name

    def written(self, style: str = OwnerStyle.RANK_INITIALS) -> str:
        """The person as minutes in ``style`` write them: "RJ", or "ACC RJ" where they have a
        rank; the name where they have no initials."""
        short = self.initials or self.name
        if style == OwnerStyle.RANK_INITIALS and self.rank and self.initials:
            return f"{self.rank} {short}"
        return short

    @property
    def described(self) -> str:
        """Who the person is, for a hover and a list of abbreviations: "Rachel Jones, Assistant
        Chief Constable"."""
        post = self.office.title if self.office_id else self.rank
        return f"{self.name}, {post}" if post else self.name


class OfficeHolding(models.Model):
    """Who held an office, from when and until when: the office outlives its holders."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="holdings")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="holdings")
    since = models.DateField()
    until = models.DateField(null=True, blank=True, help_text="Blank while they hold it.")

    objects = HistoryRecordingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["office", "-since", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="holding_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.person} as {self.office.abbreviation} from {self.since:%d %B %Y}"


class Topic(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class LocalPolicingArea(models.Model):
    """An LPA; kept as data with an active flag because forces reorganise them."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "local policing area"

    def __str__(self):
        return self.name


class Series(models.Model):
    """A standing meeting ("Holding to Account", "Governance Board"): every meeting belongs to
    one, and outstanding matters, the next meeting, default titles and the calendar work
    within it."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    minutes_label = models.CharField(
        max_length=200,
        blank=True,
        help_text='Printed above the title of its minutes, e.g. "Monthly Assurance Meeting".',
    )
    reference_code = models.CharField(
        max_length=10,
        blank=True,
        help_text='Starts the references of its actions ("GB-2022-11-01"), so that each series '
        'numbers its own; the first series may leave it blank ("2022-11-01").',
    )
    reference_style = models.CharField(
        max_length=20,
        choices=ReferenceStyle.choices,
        default=ReferenceStyle.DERIVED,
        help_text="How its minutes number agenda items.",
    )
    owner_style = models.CharField(
        max_length=20,
        choices=OwnerStyle.choices,
        default=OwnerStyle.RANK_INITIALS,
        help_text="How its minutes write the people who own actions.",
    )
    active = models.BooleanField(
        default=True, help_text="Only active series are offered for new meetings."
    )
    position = models.PositiveIntegerField(default=0, help_text="Order in lists; lower first.")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = HistoryRecordingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "series"
        constraints = [
            choices_check("reference_style", ReferenceStyle, "series_reference_style_valid"),
            choices_check("owner_style", OwnerStyle, "series_owner_style_valid"),
            models.UniqueConstraint(
                fields=["reference_code"],
                condition=~Q(reference_code=""),
                name="series_reference_code_unique",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:series_edit", args=[self.pk])

    def clean(self):
        """The rules that compare a series with the others, for every form that saves one
        (the product's and the admin's): names and reference codes unique whatever their case,
        and at most one series numbering its actions without a code."""
        # Capitals, as references are printed; compared without case, as SQLite's LIKE (which
        # finds the references already given) would compare them.
        self.reference_code = self.reference_code.upper()
        others = Series.objects.exclude(pk=self.pk) if self.pk else Series.objects.all()
        errors = {}
        clash = others.filter(name__iexact=self.name).first()
        if clash is not None:
            errors["name"] = (
                f"There is already a series called “{clash.name}”: give this one another name"
            )
        code = self.reference_code
        if code and not (code.isascii() and code.isalnum()):
            errors["reference_code"] = (
                "Enter the reference code in letters and digits only, such as GB: it starts "
                "each action's reference, as in GB-2022-11-01"
            )
        elif code and (clash := others.filter(reference_code__iexact=code).first()):
            errors["reference_code"] = (
                f"“{clash.name}” already uses the reference code {clash.reference_code}: "
                "choose another, so that each series numbers its own actions"
            )
        elif not code and (uncoded := others.filter(reference_code="").first()):
            errors["reference_code"] = (
                f"Give this series a reference code, such as GB: “{uncoded.name}” has none, "
                "and the actions of two series without one would share one numbering "
                "(2022-11-01, 2022-11-02 …)"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def label(self) -> str:
        """What is printed above its minutes: the label, or failing that the name."""
        return self.minutes_label or self.name

    def default_title(self, date) -> str:
        """A meeting's title when none is typed: "Holding to Account, 29 November 2022"."""
        return f"{self.name}, {date.day} {date:%B %Y}"


# The standing meeting the migrations create (meetings 0006) and the seeds' meetings belong to.
DEFAULT_SERIES_NAME = "Monthly Assurance Meeting"


def default_series() -> Series:
    """The series the migrations create, made again if it is missing (a transactional test's
    database loses the migrations' rows): the one series of the test data and of the synthetic
    archive, so that their meetings form one chain as the seeds do."""
    return Series.objects.get_or_create(
        name=DEFAULT_SERIES_NAME, defaults={"minutes_label": DEFAULT_SERIES_NAME}
    )[0]


def readable_statuses(user) -> tuple[str, ...]:
    """The statuses of the meetings this user may read: the rule behind ``visible_to``, for
    queries that reach meetings through a join (an action's origin, an update's meeting)."""
    if roles.sees_drafts(user):
        return tuple(MeetingStatus.values)
    if roles.is_force(user):
        return (MeetingStatus.APPROVED, MeetingStatus.PUBLISHED)
    return ()


class MeetingQuerySet(HistoryRecordingQuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        """The meetings this user may read: drafts only for the OPCC and the Commissioner."""
        return self.filter(status__in=readable_statuses(user))

    def ids_among(self, meeting_ids) -> set[int]:
        """Which of ``meeting_ids`` are in this queryset, so a page links only the meetings its
        reader may open: one query, none for no ids."""
        meeting_ids = {pk for pk in meeting_ids if pk is not None}
        if not meeting_ids:
            return set()
        return set(self.filter(pk__in=meeting_ids).order_by().values_list("pk", flat=True))

    def upcoming(self, today) -> MeetingQuerySet:
        return self.filter(date__gte=today).order_by("date", "start_time")

    def past(self, today) -> MeetingQuerySet:
        return self.filter(date__lt=today).order_by("-date", "-start_time")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class Meeting(models.Model):
    Status = MeetingStatus

    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200)
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings_chaired"
    )
    minute_taker = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings_minuted"
    )
    minute_taker_capacity = models.CharField(
        max_length=200,
        blank=True,
        help_text='As the minutes record it, e.g. "Senior Policy Officer, OPCC".',
    )
    focus = models.TextField(
        blank=True, help_text="What the meeting looked at, e.g. the quarterly report or a theme."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    outstanding_reviewed = models.BooleanField(
        default=False,
        editable=False,
        help_text="Whether the officer has saved the outstanding matters: from then on the "
        "minutes print the actions reviewed, not the list the product proposes.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # What full-text search matches and ranks on PostgreSQL (minutes/search.py), each field
    # with its weight (assurance/search_vectors.py).
    SEARCH_WEIGHTS = (("title", "A"), ("focus", "B"), ("venue", "C"))
    search_vector = search_vector_field(SEARCH_WEIGHTS)

    objects = MeetingQuerySet.as_manager()
    # Who changed what and when (the request's user, from HistoryRequestMiddleware).
    history = HistoryWithoutVectors()

    class Meta:
        ordering = ["-date", "-start_time"]
        indexes = [
            models.Index(fields=["date"], name="meeting_date_idx"),
            SearchIndex(fields=["search_vector"], name="meeting_search_idx"),
        ]
        constraints = [
            choices_check("status", MeetingStatus, "meeting_status_valid"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%d %B %Y})"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.pk])

    @property
    def history_name(self) -> str:
        """How a change history names the meeting where a record refers to it."""
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    READ_ONLY_MESSAGE = (
        "These minutes have been approved, so they are read-only. Reopen them for correction first."
    )

    @property
    def is_editable(self) -> bool:
        """Only draft minutes can be edited; approved ones must be reopened first."""
        return self.status == self.Status.DRAFT

    def has_taken_place(self, today=None) -> bool:
        return self.date <= (today or timezone.localdate())

    def next_meeting(self, queryset=None) -> Meeting | None:
        """The meeting of the same series after this one: the minutes' "confirmation of next
        meeting"."""
        queryset = Meeting.objects.all() if queryset is None else queryset
        return (
            queryset.filter(series_id=self.series_id)
            .filter(Q(date__gt=self.date) | Q(date=self.date, pk__gt=self.pk))
            .order_by("date", "start_time", "pk")
            .first()
        )

    def previous_meeting(self, queryset=None) -> Meeting | None:
        """The meeting of the same series before this one: the one whose minutes this one
        approves."""
        queryset = Meeting.objects.all() if queryset is None else queryset
        return (
            queryset.filter(series_id=self.series_id)
            .filter(Q(date__lt=self.date) | Q(date=self.date, pk__lt=self.pk))
            .order_by("-date", "-start_time", "-pk")
            .first()
        )


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    PART = "part", "In attendance for part"
    NOT_RECORDED = "not_recorded", "Attendance not recorded"


class Attendance(models.Model):
    Status = AttendanceStatus

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    capacity = models.CharField(
        max_length=200, blank=True, help_text="Capacity as recorded in these minutes."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PRESENT)
    position = models.PositiveIntegerField(default=0)

    objects = HistoryRecordingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_one_row_per_person"
            ),
            choices_check("status", AttendanceStatus, "attendance_status_valid"),
        ]

    def __str__(self):
        return f"{self.person} at {self.meeting}"


class ItemKind(models.TextChoices):
    DISCUSSION = "discussion", "Discussion"
    OUTSTANDING_MATTERS = "outstanding", "Outstanding matters (carried-forward actions)"
    NEXT_MEETING = "next_meeting", "Confirmation of next meeting"


class AssuranceLevel(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not assessed"
    ASSURED = "assured", "Assured"
    PARTLY_ASSURED = "partly", "Partly assured"
    NOT_ASSURED = "not_assured", "Not assured"


class AgendaItem(models.Model):
    Kind = ItemKind

    Assurance = AssuranceLevel

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0, help_text="Order among its siblings.")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.DISCUSSION,
        help_text="Standing items show the carried-forward actions or the next meeting.",
    )
    printed_number = models.CharField(
        max_length=20,
        blank=True,
        help_text=(
            "Only for meetings entered from older records whose agenda is not held in full: "
            "the number printed in those minutes. Leave blank; numbers come from the agenda."
        ),
    )
    title = models.CharField(max_length=300)
    lead_office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.SET_NULL, related_name="items_led"
    )
    background = models.TextField(blank=True)
    questions = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    assurance_level = models.CharField(
        max_length=20, choices=Assurance.choices, default=Assurance.NOT_ASSESSED
    )
    assurance_statement = models.TextField(blank=True)
    decision = models.TextField(blank=True)
    restricted = models.BooleanField(
        default=False, help_text="Withheld from the published minutes."
    )
    restricted_reason = models.CharField(max_length=300, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="items")
    areas = models.ManyToManyField(
        LocalPolicingArea, blank=True, related_name="items", verbose_name="local policing areas"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Full-text search's fields and weights, as on Meeting.
    SEARCH_WEIGHTS = (("title", "A"), ("questions", "B"), ("background", "B"), ("minutes", "C"))
    search_vector = search_vector_field(SEARCH_WEIGHTS)

    objects = HistoryRecordingQuerySet.as_manager()
    # Each record keeps the item's topics and areas as they were, so their changes show too.
    history = HistoryWithoutVectors(m2m_fields=["topics", "areas"])

    class Meta:
        ordering = ["meeting", "position", "pk"]
        indexes = [SearchIndex(fields=["search_vector"], name="agendaitem_search_idx")]
        constraints = [
            choices_check("kind", ItemKind, "item_kind_valid"),
            choices_check("assurance_level", AssuranceLevel, "item_assurance_level_valid"),
            models.CheckConstraint(
                condition=Q(restricted=False) | ~Q(restricted_reason=""),
                name="item_restricted_has_reason",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="item_not_own_parent"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#item-{self.pk}"

    def clean(self):
        if self.restricted and not self.restricted_reason.strip():
            raise ValidationError(
                {"restricted_reason": "Say why the item is withheld from publication."}
            )
        if self.parent_id is None:
            return
        if self.parent.meeting_id != self.meeting_id:
            raise ValidationError({"parent": "Choose an item from the same meeting."})
        depth, ancestor = 1, self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "An item cannot sit inside itself."})
            depth += 1
            ancestor = ancestor.parent
        if nests_too_deep(depth):
            raise ValidationError({"parent": f"{NESTING_RULE.capitalize()}."})

    @property
    def number(self) -> str:
        """This item's number, derived from the meeting's agenda. Costs a query: pages number
        all of a meeting's items at once with ``number_items``."""
        return number_items(self.meeting.items.all(), self.meeting.series.reference_style)[self.pk]


class MeetingStatusChangeManager(models.Manager):
    # Every reading of the history shows who made the change: join the user in, so a
    # meeting's history (``meeting.status_changes.all()``) is one query however long it is.
    def get_queryset(self):
        return super().get_queryset().select_related("changed_by")


class MeetingStatusChange(models.Model):
    """One move of a meeting's minutes between draft, approved and published: who, when, why.

    Written only by ``minutes.publishing``, in the same transaction as the change itself.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="status_changes")
    status_before = models.CharField(max_length=20, choices=MeetingStatus.choices)
    status_after = models.CharField(max_length=20, choices=MeetingStatus.choices)
    reason = models.TextField(
        blank=True, help_text="Why approved or published minutes were reopened for correction."
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_status_changes",
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = MeetingStatusChangeManager()

    class Meta:
        ordering = ["changed_at", "pk"]
        get_latest_by = ["changed_at", "pk"]
        constraints = [
            choices_check("status_before", MeetingStatus, "status_change_before_valid"),
            choices_check("status_after", MeetingStatus, "status_change_after_valid"),
            models.CheckConstraint(
                condition=~Q(status_before=models.F("status_after")),
                name="status_change_changes_status",
            ),
            # Reopening (back to draft) is the one change that must say why.
            models.CheckConstraint(
                condition=~Q(status_after=MeetingStatus.DRAFT) | ~Q(reason=""),
                name="status_change_reopen_has_reason",
            ),
        ]

    def __str__(self):
        return (
            f"{self.meeting}: {self.get_status_before_display()} → "
            f"{self.get_status_after_display()}"
        )


class ApprovedMinutes(models.Model):
    """What approved minutes show, stored when they are approved and never recomputed: the
    query proposes, the minutes record. Deleted when the minutes are reopened."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="record")
    content = models.JSONField(help_text="The minutes as they were approved.")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "approved minutes"

    def __str__(self):
        return f"Approved minutes of {self.meeting}"


class PublishedPdf(models.Model):
    """A public PDF of published minutes, as it was served; the latest is served. A new one is
    made only when the minutes are published again, or when what the public may read in them
    changes (an earlier meeting whose actions they list is withdrawn or published)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="published_pdfs")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64, help_text="Of the PDF's bytes, shown publicly.")
    source_sha256 = models.CharField(
        max_length=64,
        default="",
        help_text="Of the HTML it was made from: the same HTML needs no new PDF.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["created_at", "pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self):
        return f"PDF of {self.meeting} ({self.sha256[:12]})"


class PreviousMinutesOutcome(models.TextChoices):
    APPROVED = "approved", "Approved as a true record"
    AMENDED = "amended", "Approved with amendments"
    NOT_APPROVED = "not_approved", "Not approved"


class PreviousMinutesApproval(models.Model):
    """What a meeting decided about the minutes of the previous meeting of its series; the
    earlier meeting's page shows it."""

    Outcome = PreviousMinutesOutcome

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="previous_minutes_approval"
    )
    previous = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="approvals_of_minutes"
    )
    outcome = models.CharField(max_length=20, choices=PreviousMinutesOutcome.choices)
    amendments = models.TextField(blank=True, help_text="The amendments made, when amended.")
    reason = models.TextField(
        blank=True, help_text='Why not approved, e.g. "to be amended and re-circulated".'
    )

    objects = HistoryRecordingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            choices_check("outcome", PreviousMinutesOutcome, "previous_minutes_outcome_valid"),
            models.CheckConstraint(
                condition=~Q(outcome=PreviousMinutesOutcome.AMENDED) | ~Q(amendments=""),
                name="previous_minutes_amended_names_them",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=PreviousMinutesOutcome.NOT_APPROVED) | ~Q(reason=""),
                name="previous_minutes_not_approved_says_why",
            ),
            models.CheckConstraint(
                condition=~Q(previous=models.F("meeting")),
                name="previous_minutes_of_another_meeting",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.previous} at {self.meeting}"
