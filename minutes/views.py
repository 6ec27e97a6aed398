"""Meeting pages for signed-in users: the list of meetings and a meeting's minutes.

Sign-in is required by ``LoginRequiredMiddleware``; what each user may read comes from
``Meeting.objects.visible_to``, so a draft is a 404 for a user who may not read drafts.
"""

from django import forms
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from assurance import roles
from assurance.caching import cached_page
from assurance.fields import GovukBoundField, PlainSelect
from assurance.inputs import OneLineFieldsMixin
from assurance.permissions import has_role
from meetings.audit import change_history_for_meeting
from meetings.models import Meeting, Series
from meetings.previous_minutes import approvals_shown
from minutes import publishing
from minutes.record import build_minutes, with_minutes_header


def _number_filter(label: str, choice: str) -> forms.TypedChoiceField:
    """An optional filter whose choices are whole numbers (a series' id, a year), set by the
    form from the meetings listed."""
    return forms.TypedChoiceField(
        label=label,
        widget=PlainSelect,
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": f"Choose {choice} from the list."},
    )


class MeetingFilterForm(OneLineFieldsMixin, forms.Form):
    """The series and year filters of a list of ``meetings``, read from the query string; the
    series and years offered are those of the meetings listed."""

    bound_field_class = GovukBoundField

    series = _number_filter("Series", "a series")
    year = _number_filter("Year", "a year")

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = meetings
        self.series_names = dict(
            Series.objects.filter(pk__in=meetings.order_by().values("series_id")).values_list(
                "pk", "name"
            )
        )
        self.fields["series"].choices = [("", "All series")] + list(self.series_names.items())
        years = [day.year for day in meetings.dates("date", "year", order="DESC")]
        self.fields["year"].choices = [("", "All years")] + [(year, year) for year in years]

    def filtered(self):
        """The meetings narrowed by the filters chosen; a valid filter still applies when the
        other one is not."""
        meetings = self.meetings
        if self.is_bound:
            self.is_valid()
            if self.chosen_series:
                meetings = meetings.filter(series_id=self.chosen_series)
            if self.chosen_year:
                meetings = meetings.filter(date__year=self.chosen_year)
        return meetings

    # The valid choices, once filtered() has cleaned the form (fields own the plain names).
    @property
    def chosen_series(self) -> int | None:
        return getattr(self, "cleaned_data", {}).get("series")

    @property
    def chosen_year(self) -> int | None:
        return getattr(self, "cleaned_data", {}).get("year")

    @property
    def series_label(self) -> str:
        return self.series_names.get(self.chosen_series, "")


@require_safe
def meeting_list(request):
    """Upcoming meetings (soonest first) and past meetings (newest first), filterable."""
    user = request.user
    visible = Meeting.objects.visible_to(user).select_related("series")
    form = MeetingFilterForm(request.GET or None, meetings=visible)
    meetings = form.filtered()
    today = timezone.localdate()
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "form": form,
            "series_label": form.series_label,
            "year": form.chosen_year,
            "upcoming": list(meetings.upcoming(today)),
            "past": list(meetings.past(today)),
            "has_role": roles.reads_meetings(user),
        },
    )


def _per_roles(request, pk):
    """What a meeting's page varies on: which meetings a reader may read, what the minutes and
    the toolbar show them, all come from their roles."""
    user = request.user
    return (pk, sorted(roles.names(user)), user.is_superuser)


@require_safe
@cached_page(vary=_per_roles, frame="meetings/meeting_detail.html")
def meeting_detail(request, pk):
    """A meeting's minutes, in the order of the printed minutes, with their history for those
    allowed; the toolbar (with its approval form) is in the frame, rendered each time."""
    user = request.user
    meeting = get_object_or_404(with_minutes_header(Meeting.objects.visible_to(user)), pk=pk)
    minutes = build_minutes(meeting, user=user)
    is_opcc = has_role(user, roles.OPCC)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        # Meetings the minutes mention (origin, due back at, next) are linked if readable.
        "readable_meeting_ids": Meeting.objects.visible_to(user).ids_among(
            minutes.referenced_meeting_ids
        ),
        # Read live, outside the stored minutes: decided at a later meeting. Which later
        # meetings a reader may read depends on their roles only, as this page does.
        "previous_minutes_outcomes": approvals_shown(
            meeting, readable_meetings=Meeting.objects.visible_to(user)
        ),
        "shows_history": roles.sees_drafts(user),
        "published_pdfs": (
            list(meeting.published_pdfs.defer("pdf").order_by("created_at", "pk"))
            if roles.sees_drafts(user)
            else []
        ),
        "change_history": change_history_for_meeting(meeting) if is_opcc else None,
        "frame": {
            "meeting": meeting,
            "is_opcc": is_opcc,
            "may_approve": publishing.may_approve(user, meeting),
            "may_publish": publishing.may_publish(user, meeting),
            "may_reopen": publishing.may_reopen(user, meeting),
        },
    }
    return TemplateResponse(request, "meetings/meeting_record.html", context)
