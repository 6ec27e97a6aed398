"""Finding what was said: the search page, the calendar downloads, and the topic and area pages.

Every page is for signed-in users (``LoginRequiredMiddleware``); what each user may read comes
from ``Meeting.objects.visible_to`` and ``Action.objects.visible_to``, so force staff never
see drafts and a user with no role finds nothing (the pages say why).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify

from actions.models import Action
from assurance import roles
from meetings.agenda import agenda_numbers
from meetings.calendar import meetings_calendar
from meetings.models import AgendaItem, LocalPolicingArea, Meeting, Series, Topic
from minutes.search import HITS_PER_PAGE, MAX_HITS_PER_KIND, find_matches, hits_for
from minutes.views import MeetingFilterForm

# --- Search --------------------------------------------------------------------------------


def _slug_filter(label: str, model, empty_label: str, choice: str) -> forms.ModelChoiceField:
    """An optional filter by one of ``model``'s rows, named by its slug in the query string."""
    return forms.ModelChoiceField(
        label=label,
        queryset=model.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=empty_label,
        error_messages={"invalid_choice": f"Choose {choice} from the list."},
    )


class SearchForm(MeetingFilterForm):
    """The search box and its filters (the meetings lists' series and year, a topic and an
    area), read from the query string."""

    field_order = ["q", "series", "year", "topic", "area"]

    q = forms.CharField(
        label="Search for",
        help_text="Words or a phrase from the minutes, an agenda item or an action.",
        max_length=200,
        error_messages={
            "required": "Enter a word or phrase to search for.",
            "max_length": "Enter 200 characters or fewer to search for.",
        },
    )
    topic = _slug_filter("Topic", Topic, "Any topic", "a topic")
    area = _slug_filter(
        "Local policing area", LocalPolicingArea, "Any area", "a local policing area"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"


def search_page(request):
    """``meetings:search``: search every meeting the user may read; results best first, a page
    at a time. Every match is found and ordered cheaply (``find_matches``); only the page's
    hits get snippets, rows and numbers (``hits_for``), so a page costs the same however many
    matched."""
    user = request.user
    # An empty query string is a first visit: show the form without complaining.
    form = SearchForm(request.GET or None, meetings=Meeting.objects.visible_to(user))
    context = {"form": form, "hits": None, "has_role": roles.reads_meetings(user)}
    if form.is_bound and form.is_valid():
        matches = find_matches(
            form.cleaned_data["q"],
            user=user,
            series=form.cleaned_data["series"],
            year=form.cleaned_data["year"],
            topic=form.cleaned_data["topic"],
            area=form.cleaned_data["area"],
        )
        page = Paginator(matches.keys, HITS_PER_PAGE).get_page(request.GET.get("page"))
        context |= {
            "hits": hits_for(page.object_list, form.cleaned_data["q"]),
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            # Of every match, not only the page's.
            "counts": matches.counts,
            "capped": matches.capped,
            "max_hits": MAX_HITS_PER_KIND,
        }
    return render(request, "meetings/search.html", context)


# --- Calendar --------------------------------------------------------------------------------


def _ics_response(content: bytes, filename: str, disposition: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def calendar_feed(request):
    """``meetings:calendar``: the upcoming meetings the user may read, as an iCalendar feed;
    ``?series=<id>`` keeps to one series."""
    meetings = (
        Meeting.objects.visible_to(request.user)
        .upcoming(timezone.localdate())
        .select_related("series")
    )
    name, uid = "Assurance meetings", "upcoming-meetings"
    series_id = request.GET.get("series", "")
    if series_id:
        if not (series_id.isascii() and series_id.isdigit() and len(series_id) < 18):
            raise Http404("No such series.")
        series = get_object_or_404(Series, pk=series_id)
        meetings = meetings.filter(series=series)
        name, uid = series.name, f"upcoming-meetings-series-{series.pk}"
    content = meetings_calendar(
        meetings,
        lambda meeting: request.build_absolute_uri(meeting.get_absolute_url()),
        name=name,
        uid=uid,
    )
    return _ics_response(content, "assurance-meetings.ics", "inline")


def meeting_ics(request, pk):
    """``meetings:meeting_ics``: one meeting the user may read, as an .ics file to open in
    Outlook; 404 for a meeting they may not read, so a draft's existence does not leak."""
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("series"), pk=pk
    )
    content = meetings_calendar(
        [meeting],
        lambda meeting: request.build_absolute_uri(meeting.get_absolute_url()),
        name=meeting.title,
        uid=f"meeting-{meeting.pk}-download",
    )
    filename = f"{meeting.date:%Y-%m-%d}-{slugify(meeting.title)[:60]}.ics"
    return _ics_response(content, filename, "attachment")


# --- Topics and areas ------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What a topic or area page is about: the model, its URL names and its wording."""

    model: type[Topic] | type[LocalPolicingArea]
    related_name: str  # AgendaItem's many-to-many field: "topics" or "areas"
    list_url: str
    detail_url: str
    singular: str
    plural: str


TOPICS = Subject(Topic, "topics", "meetings:topics", "meetings:topic", "topic", "Topics")
AREAS = Subject(
    LocalPolicingArea,
    "areas",
    "meetings:areas",
    "meetings:area",
    "local policing area",
    "Local policing areas",
)


@dataclass(frozen=True)
class DiscussedItem:
    """An agenda item that discussed the topic or area, with its number in its meeting."""

    item: AgendaItem
    number: str


def discussed_items(user, subject: Subject, value) -> list[DiscussedItem]:
    """Every agenda item tagged with ``value`` in the meetings ``user`` may read, oldest
    meeting first and in agenda order within a meeting, with the actions the user may read.

    A fixed number of queries however many meetings and items there are.
    """
    actions = Action.objects.visible_to(user).with_owners().order_by("reference")
    items = list(
        AgendaItem.objects.filter(
            meeting__in=Meeting.objects.visible_to(user), **{subject.related_name: value}
        )
        .select_related("meeting", "lead_office")
        .prefetch_related(Prefetch("actions", queryset=actions))
    )
    numbers, places = agenda_numbers({item.meeting_id for item in items}) if items else ({}, {})
    items.sort(
        key=lambda item: (
            item.meeting.date,
            item.meeting.start_time or datetime.time.min,
            item.meeting.pk,
            places.get(item.pk, 0),
        )
    )
    return [DiscussedItem(item=item, number=numbers.get(item.pk, "")) for item in items]


def _subject_list(request, subject: Subject):
    user = request.user
    visible = Q(items__meeting__in=Meeting.objects.visible_to(user))
    # A query with an aggregate ignores Meta.ordering: order explicitly, the model's own way.
    values = subject.model.objects.annotate(item_count=Count("items", filter=visible)).order_by(
        *subject.model._meta.ordering
    )
    return render(
        request,
        "meetings/topic_list.html",
        {"subject": subject, "values": values, "has_role": roles.reads_meetings(request.user)},
    )


def _subject_detail(request, subject: Subject, slug: str):
    value = get_object_or_404(subject.model, slug=slug)
    entries = discussed_items(request.user, subject, value)
    return render(
        request,
        "meetings/topic_detail.html",
        {
            "subject": subject,
            "value": value,
            "entries": entries,
            "meeting_count": len({entry.item.meeting_id for entry in entries}),
            "has_role": roles.reads_meetings(request.user),
        },
    )


def topic_list(request):
    """``meetings:topics``: every topic, with how many items discussed it."""
    return _subject_list(request, TOPICS)


def topic_detail(request, slug):
    """``meetings:topic``: the history of a topic across the meetings the user may read."""
    return _subject_detail(request, TOPICS, slug)


def area_list(request):
    """``meetings:areas``: every local policing area, with how many items discussed it."""
    return _subject_list(request, AREAS)


def area_detail(request, slug):
    """``meetings:area``: the history of a local policing area across the meetings."""
    return _subject_detail(request, AREAS, slug)
