"""Admin for offices, people, meetings and their agenda.

Meetings, attendance and agenda items show their change history ("History" on the change form),
from django-simple-history; the history is for reading, never for rolling a record back.

The admin keeps the product's rules. The minutes' status is read-only here: approving,
publishing and reopening are made on the meeting's page through ``minutes.publishing``.
Approved or published minutes (the meeting, its attendance and items, and the actions arising)
can be read but not changed or deleted until they are reopened. A save of a versioned record
(meeting, item, series, action) checks the version its form was loaded at, as the product's
forms do (``assurance.versioning``), and raises it, so an older form open elsewhere is refused.
"""

from collections import defaultdict

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.html import format_html

from assurance.admin_base import HistoryAdmin, VersionedAdminForm, VersionedInlineForm
from meetings.models import (
    AgendaItem,
    Attendance,
    LocalPolicingArea,
    Meeting,
    MeetingStatusChange,
    Office,
    Person,
    Series,
    Topic,
)
from meetings.numbering import number_items


class MinutesPartAdminForm(forms.ModelForm):
    """The admin form of a record that is part of a meeting's minutes: refuses to place it in
    minutes that are approved or published (the meeting's row is locked until the save ends,
    as approving takes the same lock)."""

    meeting_field = "meeting"

    def clean(self):
        # The meeting first, then the record (the version check): the order the product's
        # own saves take their locks in, so that the two never wait on each other.
        meeting = self.cleaned_data.get(self.meeting_field)
        if meeting is not None:
            if not Meeting.objects.select_for_update().get(pk=meeting.pk).is_editable:
                self.add_error(self.meeting_field, Meeting.READ_ONLY_MESSAGE)
        return super().clean()


class MinutesPartAdmin:
    """For meetings and the records in their minutes: shown read-only, and not deletable, while
    the minutes are approved or published. ``minutes_of`` gives a record's meeting."""

    def minutes_of(self, obj) -> Meeting:
        return obj.meeting

    def _editable(self, obj) -> bool:
        return obj is None or self.minutes_of(obj).is_editable

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(obj)

    def get_deleted_objects(self, objs, request):
        # "Delete selected" in the list asks for no record's permission: name each record of
        # read-only minutes as protected, which makes the admin refuse the whole deletion.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        read_only = [
            f"{obj}: {Meeting.READ_ONLY_MESSAGE}" for obj in objs if not self._editable(obj)
        ]
        return deleted, counts, perms_needed, [*protected, *read_only]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["abbreviation", "title", "organisation", "position"]
    list_filter = ["organisation"]
    search_fields = ["abbreviation", "title"]
    filter_horizontal = ["delegates"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "office", "email", "active"]
    list_filter = ["organisation", "active", "office"]
    search_fields = ["name", "initials", "email"]
    list_select_related = ["office"]
    raw_id_fields = ["user"]
    filter_horizontal = ["delegates"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(LocalPolicingArea)
class LocalPolicingAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "position"]
    list_filter = ["active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    form = VersionedInlineForm
    extra = 0
    fields = ["parent", "position", "kind", "title", "lead_office", "restricted", "loaded_version"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only items of the meeting being edited can be parents.
        if db_field.name == "parent":
            meeting_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = AgendaItem.objects.filter(meeting_id=meeting_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MeetingStatusChangeInline(admin.TabularInline):
    """The minutes' approval history: shown, never edited."""

    model = MeetingStatusChange
    extra = 0
    can_delete = False
    fields = readonly_fields = [
        "changed_at",
        "changed_by",
        "status_before",
        "status_after",
        "reason",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Series)
class SeriesAdmin(HistoryAdmin):
    # Series.clean holds the rules, so the admin keeps them too (one series without a code).
    form = VersionedAdminForm
    readonly_fields = ["version"]
    list_display = ["name", "minutes_label", "reference_code", "active", "position"]
    list_filter = ["active"]
    search_fields = ["name", "reference_code"]


@admin.register(Meeting)
class MeetingAdmin(MinutesPartAdmin, HistoryAdmin):
    form = VersionedAdminForm
    list_display = ["date", "title", "series", "status", "venue", "chair"]
    list_filter = ["status", "series", ("date", admin.DateFieldListFilter)]
    search_fields = ["title", "venue", "focus"]
    date_hierarchy = "date"
    list_select_related = ["chair", "series"]
    autocomplete_fields = ["chair", "minute_taker"]
    readonly_fields = ["status", "change_status", "version", "created_at", "updated_at"]
    inlines = [AttendanceInline, AgendaItemInline, MeetingStatusChangeInline]

    def minutes_of(self, obj) -> Meeting:
        return obj

    @admin.display(description="Change the status")
    def change_status(self, meeting):
        if meeting.pk is None:
            return "New minutes start as a draft."
        if meeting.is_editable:
            what = "Approve them on the meeting's page."
        else:
            what = (
                "They are read-only here. To correct them, reopen them for correction on the "
                "meeting's page, saying why."
            )
        return format_html(
            '{} <a href="{}">Open the meeting</a>.', what, meeting.get_absolute_url()
        )

    def get_queryset(self, request):
        # Staff given the admin without being superusers read by the product's one rule.
        meetings = super().get_queryset(request)
        if request.user.is_superuser:
            return meetings
        return meetings.filter(pk__in=Meeting.objects.visible_to(request.user).values("pk"))


@admin.register(Attendance)
class AttendanceAdmin(MinutesPartAdmin, HistoryAdmin):
    form = MinutesPartAdminForm
    list_display = ["person", "capacity", "status", "meeting"]
    list_filter = ["status", "meeting"]
    search_fields = ["person__name", "capacity", "meeting__title"]
    list_select_related = ["person", "meeting"]
    autocomplete_fields = ["meeting", "person"]


class AgendaItemAdminForm(MinutesPartAdminForm, VersionedAdminForm):
    """An item: versioned, and only in draft minutes."""


@admin.register(AgendaItem)
class AgendaItemAdmin(MinutesPartAdmin, HistoryAdmin):
    form = AgendaItemAdminForm
    list_display = ["number", "title", "meeting", "kind", "lead_office", "assurance_level"]
    list_filter = ["kind", "assurance_level", "restricted", "topics", "areas"]
    search_fields = ["title", "background", "questions", "minutes"]
    list_select_related = ["meeting", "lead_office"]
    autocomplete_fields = ["meeting", "parent"]
    filter_horizontal = ["topics", "areas"]
    readonly_fields = ["version"]

    def get_queryset(self, request):
        items = super().get_queryset(request).order_by("-meeting__date", "position", "pk")
        if request.user.is_superuser:
            return items
        return items.filter(meeting__in=Meeting.objects.visible_to(request.user).values("pk"))

    def get_changelist(self, request, **kwargs):
        return NumberedItemChangeList

    @admin.display(description="No.")
    def number(self, item):
        return getattr(item, "agenda_number", "")


class NumberedItemChangeList(ChangeList):
    """Numbers the page's items with one extra query, not one per row."""

    def get_results(self, request):
        super().get_results(request)
        meeting_ids = {item.meeting_id for item in self.result_list}
        by_meeting = defaultdict(list)
        for item in AgendaItem.objects.filter(meeting_id__in=meeting_ids).only(
            "pk", "meeting_id", "parent_id", "position", "printed_number"
        ):
            by_meeting[item.meeting_id].append(item)
        numbers = {}
        for items in by_meeting.values():
            numbers.update(number_items(items))
        for item in self.result_list:
            item.agenda_number = numbers.get(item.pk, "")
