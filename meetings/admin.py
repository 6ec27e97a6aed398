"""Admin for offices, people, meetings and their agenda.

Meetings, attendance and agenda items show their change history ("History" on the change form),
from django-simple-history; the history is for reading, never for rolling a record back.
"""

from collections import defaultdict

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

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


class HistoryAdmin(SimpleHistoryAdmin):
    """Shows who changed what and when, without simple-history's "Revert" button: reverting
    would bypass the checks the product's own code makes (the edit-conflict check, the action
    workflow, read-only approved minutes), so a historical version can be read but not saved."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Historical versions are for reading; they cannot be restored.")
        return super().history_form_view(request, object_id, version_id, extra_context)


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
    extra = 0
    fields = ["parent", "position", "kind", "title", "lead_office", "restricted"]
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
    readonly_fields = ["version"]
    list_display = ["name", "minutes_label", "reference_code", "active", "position"]
    list_filter = ["active"]
    search_fields = ["name", "reference_code"]


@admin.register(Meeting)
class MeetingAdmin(HistoryAdmin):
    list_display = ["date", "title", "series", "status", "venue", "chair"]
    list_filter = ["status", "series", ("date", admin.DateFieldListFilter)]
    search_fields = ["title", "venue", "focus"]
    date_hierarchy = "date"
    list_select_related = ["chair", "series"]
    autocomplete_fields = ["chair", "minute_taker"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [AttendanceInline, AgendaItemInline, MeetingStatusChangeInline]

    def get_queryset(self, request):
        # Staff given the admin without being superusers read by the product's one rule.
        meetings = super().get_queryset(request)
        if request.user.is_superuser:
            return meetings
        return meetings.filter(pk__in=Meeting.objects.visible_to(request.user).values("pk"))


@admin.register(Attendance)
class AttendanceAdmin(HistoryAdmin):
    list_display = ["person", "capacity", "status", "meeting"]
    list_filter = ["status", "meeting"]
    search_fields = ["person__name", "capacity", "meeting__title"]
    list_select_related = ["person", "meeting"]
    autocomplete_fields = ["meeting", "person"]


@admin.register(AgendaItem)
class AgendaItemAdmin(HistoryAdmin):
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
