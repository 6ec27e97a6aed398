"""Meetings as iCalendar (RFC 5545), so that a meeting lands in Outlook: one event per meeting,
its start (and its end, when recorded) in Europe/London with the time zone described in the
file.

A calendar never fails on what is stored: a meeting dated outside the meeting form's range
(saved before that rule, or in the admin, such as year 1 or 9999) is left out, and text that
must be one line (the title, the venue, the calendar's name) has its line breaks flattened.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from assurance.inputs import one_line
from meetings.forms import meeting_date_range
from meetings.models import Meeting

# A meeting with a start time but no recorded end is shown as lasting this long.
DEFAULT_DURATION = datetime.timedelta(hours=2)
UID_DOMAIN = "assurance"


def meeting_uid(meeting: Meeting) -> str:
    """Stable across edits and downloads, so a calendar updates the event instead of adding one."""
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def meeting_event(meeting: Meeting, url: str) -> Event:
    """The meeting as a VEVENT; ``url`` is the absolute address of its page."""
    if meeting.start_time is None:
        # No start time: an all-day event (DTEND is exclusive: the next day).
        start = meeting.date
        end = meeting.date + datetime.timedelta(days=1)
    else:
        zone = timezone.get_default_timezone()
        start = timezone.make_aware(
            datetime.datetime.combine(meeting.date, meeting.start_time), zone
        )
        if meeting.end_time is not None and meeting.end_time > meeting.start_time:
            end = timezone.make_aware(
                datetime.datetime.combine(meeting.date, meeting.end_time), zone
            )
        else:
            end = start + DEFAULT_DURATION
    description = meeting.series.name
    if meeting.focus:
        description += f"\n\n{meeting.focus}"
    event = Event.new(
        uid=meeting_uid(meeting),
        # With no METHOD, DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2).
        stamp=meeting.updated_at,
        last_modified=meeting.updated_at,
        sequence=max(meeting.version - 1, 0),  # a stored version of 0 would be -1
        start=start,
        end=end,
        summary=one_line(meeting.title),
        location=one_line(meeting.venue) or None,
        description=description,
        url=url,
    )
    return event


def meetings_calendar(
    meetings: Iterable[Meeting], url_for: Callable[[Meeting], str], *, name: str, uid: str
) -> bytes:
    """An iCalendar file of the meetings, each event linking to ``url_for(meeting)``; meetings
    dated outside ``meeting_date_range`` are left out."""
    first, last = meeting_date_range(timezone.localdate())
    meetings = [meeting for meeting in meetings if first <= meeting.date <= last]
    calendar = Calendar.new(
        prodid=f"-//{settings.ORGANISATION_NAME}//Assurance//EN",
        name=one_line(name),
        uid=f"{uid}@{UID_DOMAIN}",
        subcomponents=[meeting_event(meeting, url_for(meeting)) for meeting in meetings],
    )
    if meetings:
        # The VTIMEZONE for Europe/London with its clock changes over the years the meetings
        # span (not the library's default 1970–2038, which is long and stops in 2038).
        years = [meeting.date.year for meeting in meetings]
        calendar.add_missing_timezones(
            first_date=datetime.date(min(years) - 1, 1, 1),
            last_date=datetime.date(max(years) + 2, 1, 1),
        )
    return calendar.to_ical()
