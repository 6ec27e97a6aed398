"""Meeting pages for signed-in users: the list of meetings and a meeting's minutes.

Sign-in is required by ``LoginRequiredMiddleware``; what each user may read comes from
``Meeting.objects.visible_to``, so a draft is a 404 for a user who may not read drafts.
"""

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.generic import DetailView, TemplateView

from assurance import roles
from assurance.caching import fragment
from assurance.permissions import has_role
from meetings import publishing
from meetings.audit import change_history_for_meeting
from meetings.minutes import build_minutes, with_minutes_header
from meetings.models import Meeting


class MeetingFilterForm(forms.Form):
    """The list's filters, read from the query string."""

    kind = forms.ChoiceField(
        label="Kind of meeting",
        required=False,
        choices=[("", "All kinds")] + Meeting.Kind.choices,
        error_messages={"invalid_choice": "Choose a kind of meeting from the list."},
    )
    year = forms.TypedChoiceField(
        label="Year",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a year from the list."},
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years")] + [(year, year) for year in years]


class MeetingListView(TemplateView):
    """Upcoming meetings (soonest first) and past meetings (newest first), filterable."""

    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        meetings = Meeting.objects.visible_to(user)
        years = [day.year for day in meetings.dates("date", "year", order="DESC")]
        form = MeetingFilterForm(self.request.GET or None, years=years)
        kind = year = None
        if form.is_bound:
            form.is_valid()  # a valid filter still applies when the other one is not
            kind, year = form.cleaned_data.get("kind"), form.cleaned_data.get("year")
        if kind:
            meetings = meetings.filter(kind=kind)
        if year:
            meetings = meetings.filter(date__year=year)
        today = timezone.localdate()
        context.update(
            form=form,
            kind_label=Meeting.Kind(kind).label if kind else "",
            year=year,
            upcoming=list(meetings.upcoming(today)),
            past=list(meetings.past(today)),
            has_role=roles.sees_drafts(user) or roles.is_force(user),
        )
        return context


class MeetingDetailView(DetailView):
    """A meeting's minutes, in the order of the printed minutes."""

    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return with_minutes_header(Meeting.objects.visible_to(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, meeting = self.request.user, self.object
        context.update(
            record=fragment(
                "meeting-record",
                meeting.pk,
                sorted(roles.names(user)),
                user.is_superuser,
                build=self.render_record,
            ),
            is_opcc=has_role(user, roles.OPCC),
            may_approve=publishing.may_approve(user, meeting),
            may_publish=publishing.may_publish(user, meeting),
            may_reopen=publishing.may_reopen(user, meeting),
        )
        return context

    def render_record(self) -> str:
        """The minutes and their history as this user's roles see them."""
        user, meeting = self.request.user, self.object
        minutes = build_minutes(meeting)
        # Meetings the minutes mention (origin, due back at, next) are linked only if readable.
        readable = set()
        if minutes.referenced_meeting_ids:
            readable = set(
                Meeting.objects.visible_to(user)
                .filter(pk__in=minutes.referenced_meeting_ids)
                .order_by()
                .values_list("pk", flat=True)
            )
        is_opcc = has_role(user, roles.OPCC)
        context = {
            "meeting": meeting,
            "minutes": minutes,
            "readable_meeting_ids": readable,
            "shows_history": roles.sees_drafts(user),
            "change_history": change_history_for_meeting(meeting) if is_opcc else None,
        }
        return render_to_string("meetings/meeting_record.html", context, self.request)
