"""What the public may read: published meetings, with restricted items withheld.

The public pages, the public PDF and anything else shown without signing in take their meetings
and minutes from here, so the rule "published only, restricted items withheld" is stated once.
"""

from __future__ import annotations

from django.db.models import QuerySet

from meetings.models import Meeting, MeetingStatus
from minutes.record import Minutes, minutes_for, record_of


def public_meetings() -> QuerySet[Meeting]:
    """Published meetings, newest first. A reopened meeting is a draft again, so it drops out."""
    return (
        Meeting.objects.filter(status=MeetingStatus.PUBLISHED)
        .select_related("series")
        .order_by("-date", "-start_time", "-pk")
    )


def public_minutes(meeting: Meeting) -> Minutes:
    """The published minutes of ``meeting`` as the public may read them today: each restricted
    item becomes one "taken in private" line (the items nested inside it left out), and
    reviewed actions of unpublished meetings or restricted items are left out."""
    return minutes_for(
        meeting, record_of(meeting), readable_meetings=public_meetings(), public=True
    )
