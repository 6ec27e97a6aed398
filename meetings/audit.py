"""The change history of a meeting's record, for OPCC staff: the meeting, its attendance and its
agenda items (deleted ones too), read by ``assurance.audit``."""

from assurance.audit import LIMIT, ChangeHistory, Tracked, change_history, shown
from meetings.models import AgendaItem, Attendance, Meeting


def change_history_for_meeting(meeting: Meeting, limit: int = LIMIT) -> ChangeHistory:
    """The changes to a meeting, its attendance and its agenda items, newest first."""
    within_meeting = frozenset({"meeting"})
    return change_history(
        [
            Tracked(Meeting, {"id": meeting.pk}, lambda record: "Meeting"),
            Tracked(
                Attendance,
                {"meeting_id": meeting.pk},
                lambda record: f"Attendance of {shown(record, 'person')}",
                context=within_meeting,
            ),
            Tracked(
                AgendaItem,
                {"meeting_id": meeting.pk},
                lambda record: f"Agenda item “{record.title}”",
                context=within_meeting,
            ),
        ],
        limit,
    )
