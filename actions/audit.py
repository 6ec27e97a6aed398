"""The change history of an action, for OPCC staff: its details, status and owners, read by
``assurance.audit``."""

from actions.models import Action, ActionOwner
from assurance.audit import LIMIT, ChangeHistory, Tracked, change_history, shown


def _owner_label(record) -> str:
    return f"Owner {shown(record, 'person' if record.person_id else 'office')}"


def change_history_for_action(action: Action, limit: int = LIMIT) -> ChangeHistory:
    """The changes to an action and its owners, newest first."""
    return change_history(
        [
            Tracked(
                Action,
                {"id": action.pk},
                lambda record: f"Action {record.reference}",
            ),
            Tracked(
                ActionOwner,
                {"action_id": action.pk},
                _owner_label,
                context=frozenset({"action"}),
            ),
        ],
        limit,
    )
