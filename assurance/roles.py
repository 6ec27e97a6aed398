"""The roles (Django groups) and what each may do with each model.

The data migration that creates the groups and the permission helpers both read this module,
so a role's rights are stated once.
"""

from __future__ import annotations

OPCC = "opcc"
COMMISSIONER = "commissioner"
FORCE = "force"

EDIT = ("view", "add", "change")
VIEW = ("view",)

MEETING_MODELS = (
    "office",
    "person",
    "meeting",
    "attendance",
    "agendaitem",
    "topic",
    "localpolicingarea",
)
READ_MEETINGS = {model: VIEW for model in MEETING_MODELS}
# Reading actions and adding updates; status changes themselves go through the workflow.
FOLLOW_ACTIONS = {"action": ("view", "change"), "actionupdate": ("view", "add")}

# app label → model → the permissions (codename prefixes) each group gets on it
GROUP_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    OPCC: {
        "meetings": {model: EDIT for model in MEETING_MODELS}
        | {model: EDIT + ("delete",) for model in ("meeting", "attendance", "agendaitem")},
        "actions": {"action": EDIT, "actionupdate": ("view", "add")},
    },
    COMMISSIONER: {
        "meetings": READ_MEETINGS | {"meeting": ("view", "change")},  # approves minutes
        "actions": FOLLOW_ACTIONS,
    },
    FORCE: {"meetings": READ_MEETINGS, "actions": FOLLOW_ACTIONS},
}


def create_groups(group_model, permission_model) -> None:
    """Create the role groups with exactly the permissions above (idempotent).

    Takes the models as arguments so the data migration can pass its historical ones.
    """
    for group_name, apps_models in GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        wanted = []
        for app_label, models in apps_models.items():
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                permissions = list(
                    permission_model.objects.filter(
                        content_type__app_label=app_label, codename__in=codenames
                    )
                )
                if len(permissions) != len(codenames):
                    raise LookupError(f"Missing permissions for {app_label}.{model}: {codenames}")
                wanted += permissions
        group.permissions.set(wanted)


def names(user) -> frozenset[str]:
    """The user's group names: what every role check reads, and what a page cached for one
    set of roles must vary on."""
    if not user.is_authenticated:
        return frozenset()
    # Cache the user's group names on the user object: one query per request at most.
    if not hasattr(user, "_assurance_groups"):
        user._assurance_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._assurance_groups


def in_group(user, name: str) -> bool:
    return name in names(user)


def is_opcc(user) -> bool:
    return in_group(user, OPCC)


def is_commissioner(user) -> bool:
    return in_group(user, COMMISSIONER)


def is_force(user) -> bool:
    return in_group(user, FORCE)


def reads_meetings(user) -> bool:
    """Whether the user has a role that reads meetings at all; without one, pages say so."""
    return sees_drafts(user) or is_force(user)


def sees_drafts(user) -> bool:
    """OPCC staff and the Commissioner read draft minutes; force staff do not."""
    return user.is_authenticated and (user.is_superuser or is_opcc(user) or is_commissioner(user))
