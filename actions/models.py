"""Actions arising from meetings and their append-only log of updates."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from assurance import roles
from assurance.constraints import choices_check
from assurance.history import HistoryRecordingQuerySet
from assurance.search_vectors import HistoryWithoutVectors, SearchIndex, search_vector_field
from meetings.models import (
    AgendaItem,
    Meeting,
    Office,
    Organisation,
    Person,
    readable_statuses,
)
from meetings.numbering import OwnerStyle


class Status(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


OUTSTANDING = (Status.OPEN, Status.IN_PROGRESS, Status.AWAITING_SIGN_OFF)


def long_date(day: datetime.date) -> str:
    """29 November 2022."""
    return f"{day.day} {day:%B %Y}"


LATER_MEETING_MESSAGE = "Choose a meeting later than the one the action arose at"


def due_point_errors(
    *, arose_on: datetime.date, due_date: datetime.date | None, due_meeting: Meeting | None
) -> dict[str, str]:
    """What is wrong with an action's due point, by field name; empty when nothing is: the one
    rule (and the one wording) for the item form, the admin and the domain functions.

    ``arose_on`` is the date of the meeting the action arose at: it cannot be due before it,
    and it can only come back to a later meeting."""
    errors = {}
    if due_date is not None and due_date < arose_on:
        errors["due_date"] = f"The due date cannot be before the meeting ({long_date(arose_on)})"
    if due_meeting is not None and due_meeting.date <= arose_on:
        errors["due_meeting"] = LATER_MEETING_MESSAGE
    return errors


def start_of_day(date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.min))


def acts_for(user) -> Q:
    """The ownerships ``user`` acts for: the one rule of who reports progress for whom.

    A force user acts for an office they are a delegate of, for a person they are a delegate of
    (a staff officer for their chief officer), for a person whose office they act for, and for
    themselves where the directory links them to a person."""
    return (
        Q(office__delegates=user)
        | Q(person__delegates=user)
        | Q(person__office__delegates=user)
        | Q(person__user=user)
    )


def acted_for(user) -> Exists:
    """True for an action owned by someone ``user`` acts for: a filter, or an annotation."""
    return Exists(ActionOwner.objects.filter(acts_for(user), action=OuterRef("pk")))


def force_owned() -> Exists:
    """True for an action with an owner in the force: an office or a person of the force."""
    return Exists(
        ActionOwner.objects.filter(
            Q(office__organisation=Organisation.FORCE) | Q(person__organisation=Organisation.FORCE),
            action=OuterRef("pk"),
        )
    )


class ActionQuerySet(HistoryRecordingQuerySet):
    def visible_to(self, user) -> ActionQuerySet:
        """The actions this user may read: the one rule every page, file and feed applies.

        The reader must be able to read the action's origin meeting (``Meeting.visible_to``:
        drafts only for the OPCC and the Commissioner); force staff read, of those, the actions
        owned by a force office or person; the public reads none here (the public minutes
        withhold actions of restricted items and unpublished meetings themselves)."""
        if roles.sees_drafts(user):
            return self
        if roles.is_force(user):
            return self.filter(force_owned(), origin_meeting__status__in=readable_statuses(user))
        return self.none()

    def with_owners(self) -> ActionQuerySet:
        """Prefetch each action's owners in the minutes' order (``Action.owners``)."""
        return self.prefetch_related(owners_prefetch())

    def acted_for_by(self, user) -> ActionQuerySet:
        """The actions owned by someone this user acts for."""
        return self.filter(acted_for(user))

    def outstanding(self) -> ActionQuerySet:
        return self.filter(status__in=OUTSTANDING)

    def overdue(self, today: datetime.date) -> ActionQuerySet:
        return self.outstanding().filter(due_date__lt=today)

    def with_status_on(self, date: datetime.date, *, name: str = "status_on") -> ActionQuerySet:
        """Annotate each action's status at the end of ``date``, from its dated history: the
        "before" of its first change of status taking effect after that day, or, with none, its
        status now (so an action entered with a status and no history keeps it). Notes are left
        out: one back-dated among the changes carries the status of when it was typed."""
        first_later = (
            ActionUpdate.objects.changes_of_status()
            .filter(action=OuterRef("pk"), effective_on__gt=date)
            .order_by("effective_on", "created_at", "pk")
        )
        return self.annotate(
            **{name: Coalesce(Subquery(first_later.values("status_before")[:1]), "status")}
        )

    def carried_forward_to(self, meeting: Meeting) -> ActionQuerySet:
        """The outstanding matters the product proposes for ``meeting``: actions raised at
        earlier meetings of its series that were outstanding when it opened, and any action
        that had an update recorded at it. The minutes print what the officer keeps of this
        list (``ReviewedAction``), never the query itself."""
        # Its status when the meeting opened is the "before" of its first change of status
        # taking effect on or after the meeting's day; with none, the status it has now.
        first_from_meeting = (
            ActionUpdate.objects.changes_of_status()
            .filter(action=OuterRef("pk"), effective_on__gte=meeting.date)
            .order_by("effective_on", "created_at", "pk")
        )
        updated_at_meeting = ActionUpdate.objects.filter(action=OuterRef("pk"), meeting=meeting)
        # Most of an archive was signed off long before and is still closed: its closing took
        # effect before the meeting (a reopening clears closed_at), so it was closed then.
        # Ruling those out first spares the subquery per action.
        closed_before = Q(status=Status.CLOSED, closed_at__lt=start_of_day(meeting.date))
        return (
            self.filter(
                origin_meeting__series_id=meeting.series_id,
                origin_meeting__date__lt=meeting.date,
            )
            .filter(~closed_before | Exists(updated_at_meeting))
            .annotate(
                status_at_opening=Coalesce(
                    Subquery(first_from_meeting.values("status_before")[:1]), "status"
                )
            )
            .filter(Q(status_at_opening__in=OUTSTANDING) | Exists(updated_at_meeting))
            .order_by("origin_meeting__date", "reference")
        )


class Action(models.Model):
    reference = models.CharField(max_length=30, unique=True)
    origin_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="actions_arising"
    )
    origin_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    due_date = models.DateField(null=True, blank=True)
    due_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_due",
        help_text="The later meeting the action is to come back to.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_closed",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Full-text search's fields and weights, as on Meeting.
    SEARCH_WEIGHTS = (("description", "B"),)
    search_vector = search_vector_field(SEARCH_WEIGHTS)

    objects = ActionQuerySet.as_manager()
    # Who changed what and when; owners are audited by ActionOwner's own history.
    history = HistoryWithoutVectors()

    class Meta:
        ordering = ["reference"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_status_due_idx"),
            models.Index(fields=["due_date"], name="action_due_date_idx"),
            models.Index(fields=["status", "closed_at"], name="action_status_closed_idx"),
            SearchIndex(fields=["search_vector"], name="action_search_idx"),
        ]
        constraints = [choices_check("status", Status, "action_status_valid")]

    def __str__(self):
        return f"{self.reference}: {self.description[:60]}"

    def get_absolute_url(self):
        return reverse("actions:detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.origin_item_id and self.origin_item.meeting_id != self.origin_meeting_id:
            errors["origin_item"] = "Choose an agenda item of the meeting the action arose at."
        if self.origin_meeting_id:
            errors |= due_point_errors(
                arose_on=self.origin_meeting.date,
                due_date=self.due_date,
                due_meeting=self.due_meeting if self.due_meeting_id else None,
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_outstanding(self) -> bool:
        return self.status in OUTSTANDING

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_outstanding and self.due_date is not None and self.due_date < today

    @property
    def owners(self) -> list[ActionOwner]:
        """The owners in the order the minutes give them (prefetched by ``with_owners``)."""
        return list(self.ownerships.all())


def owners_prefetch(lookup: str = "ownerships") -> Prefetch:
    return Prefetch(
        lookup,
        queryset=ActionOwner.objects.select_related("office", "person__office").order_by(
            "position", "pk"
        ),
    )


class ActionOwner(models.Model):
    """One owner of an action, a person or an office, in the order the minutes name them;
    neither can be deleted while it owns an action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="ownerships")
    office = models.ForeignKey(
        Office, null=True, blank=True, on_delete=models.PROTECT, related_name="ownerships"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="ownerships"
    )
    position = models.PositiveIntegerField(default=0)

    objects = HistoryRecordingQuerySet.as_manager()
    # An owner added is a "+" record, an owner removed a "-" one.
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(office__isnull=True, person__isnull=False)
                | Q(office__isnull=False, person__isnull=True),
                name="action_owner_person_or_office",
            ),
            models.UniqueConstraint(
                fields=["action", "office"],
                condition=Q(office__isnull=False),
                name="action_owner_office_once",
            ),
            models.UniqueConstraint(
                fields=["action", "person"],
                condition=Q(person__isnull=False),
                name="action_owner_person_once",
            ),
        ]

    def __str__(self):
        return f"{self.owner} owns {self.action.reference}"

    def clean(self):
        if (self.person_id is None) == (self.office_id is None):
            raise ValidationError("Choose a person or an office as the owner, not both")

    @property
    def owner(self) -> Person | Office:
        return self.person if self.person_id else self.office

    def written(self, style: str = OwnerStyle.RANK_INITIALS) -> str:
        """The owner as minutes in ``style`` write them: "ACC RJ", "RJ", or an office's "CC"."""
        return self.person.written(style) if self.person_id else self.office.abbreviation

    @property
    def described(self) -> str:
        """What the written form stands for: the person's name and post, or the office's title."""
        return self.person.described if self.person_id else self.office.title


class ActionUpdateQuerySet(models.QuerySet):
    def changes_of_status(self) -> ActionUpdateQuerySet:
        """The updates that moved the status, which the workflow keeps in date order."""
        return self.exclude(status_before=models.F("status_after"))

    def given_where_readable(self, user) -> ActionUpdateQuerySet:
        """The updates given between meetings, or at a meeting this user may read (a note
        given at a draft meeting is part of draft minutes). For updates of actions already
        known to be readable; otherwise use ``visible_to``."""
        if roles.sees_drafts(user):
            return self
        return self.filter(Q(meeting__isnull=True) | Q(meeting__status__in=readable_statuses(user)))

    def visible_to(self, user) -> ActionUpdateQuerySet:
        """The updates this user may read: of actions they may read, given where they may."""
        if roles.sees_drafts(user):
            return self
        readable_actions = Action.objects.visible_to(user).order_by().values("pk")
        return self.given_where_readable(user).filter(action__in=readable_actions)


class AppendOnlyError(Exception):
    """An attempt to change or delete an ActionUpdate, which are never changed once written."""


class ActionUpdate(models.Model):
    """An append-only entry in an action's history: progress, a status change or a reassignment.

    ``save()`` only inserts and ``delete()`` always refuses, so no code path edits the log.
    """

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_updates",
        help_text="Blank for updates entered from published minutes.",
    )
    created_at = models.DateTimeField(
        default=timezone.now, help_text="When the update was typed, for the audit trail."
    )
    effective_on = models.DateField(
        default=timezone.localdate,
        help_text="The date the update takes effect: the meeting's date when given at a "
        "meeting; every count and every status at a meeting uses it.",
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_updates",
        help_text="The meeting the update was given at, if any.",
    )
    note = models.TextField(blank=True)
    status_before = models.CharField(max_length=20, choices=Status.choices)
    status_after = models.CharField(max_length=20, choices=Status.choices)
    # Full-text search's fields and weights, as on Meeting.
    SEARCH_WEIGHTS = (("note", "C"),)
    search_vector = search_vector_field(SEARCH_WEIGHTS)

    objects = ActionUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["effective_on", "created_at", "pk"]
        get_latest_by = ["effective_on", "created_at", "pk"]
        indexes = [
            models.Index(fields=["action", "created_at"], name="update_action_time_idx"),
            models.Index(fields=["action", "effective_on"], name="update_action_effective_idx"),
            # The dashboard's latest updates: read newest first, stopping after a few.
            models.Index(
                fields=["-effective_on", "-created_at", "-id"], name="update_latest_effect_idx"
            ),
            SearchIndex(fields=["search_vector"], name="actionupdate_search_idx"),
        ]
        constraints = [
            choices_check("status_before", Status, "update_status_before_valid"),
            choices_check("status_after", Status, "update_status_after_valid"),
        ]

    def __str__(self):
        return f"Update to {self.action.reference} on {self.effective_on:%d %B %Y}"

    def save(self, *args, **kwargs):
        # ``_state.adding`` is False for a row read from or already written to the database.
        if not self._state.adding:
            raise AppendOnlyError(
                "Action updates are never changed once written: add a new update instead."
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Action updates are never deleted: they are the action's record.")

    @property
    def changes_status(self) -> bool:
        return self.status_before != self.status_after

    @property
    def recorded_later(self) -> bool:
        """Whether it was typed on another day than the one it takes effect on."""
        return timezone.localdate(self.created_at) != self.effective_on


class ReviewedActionQuerySet(HistoryRecordingQuerySet):
    def set_for(self, meeting: Meeting, action_ids) -> None:
        """Make ``action_ids`` the actions ``meeting`` reviewed: remove the others, add the
        missing (the one write of a meeting's outstanding matters rows)."""
        action_ids = set(action_ids)
        rows = self.filter(meeting=meeting)
        rows.exclude(action_id__in=action_ids).delete()
        have = set(rows.values_list("action_id", flat=True))
        self.bulk_create(
            ReviewedAction(meeting=meeting, action_id=pk) for pk in sorted(action_ids - have)
        )


class ReviewedAction(models.Model):
    """An earlier action reviewed at a meeting: one row of its outstanding matters. The product
    proposes the rows; the officer keeps, removes or adds; the minutes print these rows."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reviewed")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="reviews")

    objects = ReviewedActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["action__origin_meeting__date", "action__reference"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "action"], name="reviewed_action_once")
        ]

    def __str__(self):
        return f"{self.action.reference} reviewed at {self.meeting}"
