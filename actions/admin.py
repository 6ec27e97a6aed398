"""Admin for actions.

Status (and who closed it, when, and the version) is read-only here: a change of status needs a
note and writes an update, so it is made on the action page, which calls ``actions.workflow``
(the one place an action's status changes). The change form links there. Updates are an
append-only log, read-only in the admin too. An action's change history (who changed its
details, status or owners, and when) is under "History" on its change form.

An action arising is part of its meeting's minutes: while they are approved or published, its
wording and owners are read-only here too. A save checks and raises the action's version
(``assurance.admin_base.VersionedAdminForm``), so a form open on the older version is refused.
"""

from django.contrib import admin
from django.utils.html import format_html

from actions.models import Action, ActionOwner, ActionUpdate
from assurance.admin_base import HistoryAdmin, VersionedAdminForm
from meetings.admin import MinutesPartAdmin, MinutesPartAdminForm


class ActionOwnerInline(admin.TabularInline):
    model = ActionOwner
    extra = 1
    min_num = 1
    autocomplete_fields = ["office", "person"]
    fields = ["position", "person", "office"]


class ReadOnlyAdminMixin:
    """Shows records without letting anyone add, change or delete them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# What an update shows in the admin, as a row of the action's updates and in the list of all.
UPDATE_COLUMNS = [
    "effective_on",
    "created_at",
    "author",
    "meeting",
    "status_before",
    "status_after",
]


class ActionUpdateInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ActionUpdate
    extra = 0
    fields = [*UPDATE_COLUMNS, "note"]
    readonly_fields = fields
    ordering = ["effective_on", "created_at", "pk"]


class ActionAdminForm(MinutesPartAdminForm, VersionedAdminForm):
    """An action: versioned, and raised only in draft minutes."""

    meeting_field = "origin_meeting"


@admin.register(Action)
class ActionAdmin(MinutesPartAdmin, HistoryAdmin):
    form = ActionAdminForm
    list_display = [
        "reference",
        "short_description",
        "owner_list",
        "origin_meeting",
        "due_date",
        "status",
    ]
    list_filter = ["status", "ownerships__office", "ownerships__person", "origin_meeting"]
    search_fields = ["reference", "description"]
    date_hierarchy = "due_date"
    list_select_related = ["origin_meeting"]
    autocomplete_fields = ["origin_meeting", "origin_item", "due_meeting"]
    readonly_fields = [
        "status",
        "change_status",
        "closed_at",
        "closed_by",
        "created_at",
        "updated_at",
        "version",
    ]
    inlines = [ActionOwnerInline, ActionUpdateInline]

    def minutes_of(self, obj):
        return obj.origin_meeting

    def get_queryset(self, request):
        # Staff given the admin without being superusers read by the product's one rule.
        actions = super().get_queryset(request).with_owners()
        if request.user.is_superuser:
            return actions
        return actions.filter(pk__in=Action.objects.visible_to(request.user).values("pk"))

    @admin.display(description="Change the status")
    def change_status(self, action):
        if action.pk is None:
            return "New actions start open."
        return format_html(
            '<a href="{}">On the action page</a>, with a note saying why.',
            action.get_absolute_url(),
        )

    @admin.display(description="Description")
    def short_description(self, action):
        return (
            action.description if len(action.description) <= 80 else action.description[:79] + "…"
        )

    @admin.display(description="Owners")
    def owner_list(self, action):
        return " / ".join(owner.written() for owner in action.owners)


@admin.register(ActionUpdate)
class ActionUpdateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["action", *UPDATE_COLUMNS]
    list_filter = ["status_after", "meeting"]
    search_fields = ["action__reference", "note"]
    list_select_related = ["action", "author", "meeting"]
    date_hierarchy = "effective_on"

    def get_queryset(self, request):
        updates = super().get_queryset(request)
        if request.user.is_superuser:
            return updates
        return updates.filter(pk__in=ActionUpdate.objects.visible_to(request.user).values("pk"))
