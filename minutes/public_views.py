"""The public minutes: published meetings for anyone, no sign-in, restricted items withheld.

Every view here is ``login_not_required`` and reads only through ``minutes.public``, so a draft
or a reopened meeting is a 404 whoever asks, and nothing links into the signed-in pages.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse

from assurance.caching import cached_page
from meetings.previous_minutes import approvals_shown
from minutes.pdf import pdf_response, published_pdf
from minutes.public import public_meetings, public_minutes
from minutes.record import with_minutes_header
from minutes.views import MeetingFilterForm

MEETINGS_PER_PAGE = 25


def _public_meeting(pk: int):
    return get_object_or_404(with_minutes_header(public_meetings()), pk=pk)


@login_not_required
def meeting_list(request):
    """Published meetings, newest first, filtered by series and year from the query string."""
    form = MeetingFilterForm(request.GET or None, meetings=public_meetings())
    page = Paginator(form.filtered(), MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/meeting_list.html",
        {
            "form": form,
            "series_label": form.series_label,
            "year": form.chosen_year,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
        },
    )


def _per_meeting(request, pk):
    return (pk,)


@login_not_required
@cached_page(vary=_per_meeting)
def meeting_detail(request, pk):
    """A published meeting's minutes as the public reads them.

    The whole page is the same for every reader until the records change, so it is kept by the
    page cache (assurance.caching) as it was sent; reopening the meeting changes the records,
    and the next request finds no page kept and gets the 404."""
    meeting = _public_meeting(pk)
    minutes = public_minutes(meeting)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "pdf_sha256": published_pdf(meeting, with_bytes=False).sha256,
        "public": True,
        # Meetings the minutes mention are linked (to their public page) once published.
        "readable_meeting_ids": public_meetings().ids_among(minutes.referenced_meeting_ids),
        # Read live, outside the stored minutes: decided at a later, published meeting.
        "previous_minutes_outcomes": approvals_shown(meeting, readable_meetings=public_meetings()),
    }
    return TemplateResponse(request, "public/meeting_detail.html", context)


@login_not_required
def meeting_pdf(request, pk):
    """The published minutes as a PDF, restricted items withheld: the file stored when they
    were published, byte for byte."""
    meeting = _public_meeting(pk)
    return pdf_response(bytes(published_pdf(meeting).pdf), meeting)
