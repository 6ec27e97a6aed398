"""What the public may read: published meetings, with restricted items withheld.

The public pages, the public PDF and anything else shown without signing in take their meetings
and minutes from here, so the rule "published only, restricted items withheld" is stated once.
"""

from __future__ import annotations

import dataclasses

from django.db.models import QuerySet

from meetings.minutes import Minutes, build_minutes
from meetings.models import Meeting, MeetingStatus


def public_meetings() -> QuerySet[Meeting]:
    """Published meetings, newest first. A reopened meeting is a draft again, so it drops out."""
    return Meeting.objects.filter(status=MeetingStatus.PUBLISHED).order_by(
        "-date", "-start_time", "-pk"
    )


def public_minutes(meeting: Meeting) -> Minutes:
    """The published minutes of ``meeting``: each restricted item becomes one "taken in
    private" line, and the items nested inside it are left out altogether."""
    minutes = build_minutes(meeting, include_restricted=False)
    withheld = {entry.item.pk for entry in minutes.items if entry.withheld}
    shown = [
        entry
        for entry in minutes.items
        if not (entry.withheld and entry.item.parent_id in withheld)
    ]
    return dataclasses.replace(minutes, items=shown)
