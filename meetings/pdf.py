"""The minutes as a PDF, made by WeasyPrint from the same template as the minutes page.

``minutes_pdf`` renders templates/meetings/meeting_pdf.html (which includes the page's
includes/minutes_body.html) with static/css/minutes-print.css, the stylesheet the browser uses
to print the page, so the PDF and the browser's own print look the same. WeasyPrint reads that
stylesheet from disk and fetches nothing else: no request ever leaves the server.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views import View

from meetings.minutes import build_minutes, with_minutes_header
from meetings.models import Meeting
from meetings.public import public_minutes

PRINT_STYLESHEET = "css/minutes-print.css"


def _stylesheet_path() -> str:
    """The print stylesheet on disk: found in the static folders, or in STATIC_ROOT once
    collected."""
    found = finders.find(PRINT_STYLESHEET)
    if found:
        return found
    return str(Path(settings.STATIC_ROOT) / PRINT_STYLESHEET)


def minutes_html(meeting: Meeting, *, public: bool) -> str:
    """The HTML the PDF is made from: the public minutes (restricted items withheld) or all
    of them. No links: a PDF outlives the URLs it could point at."""
    minutes = public_minutes(meeting) if public else build_minutes(meeting)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "public": public,
        "pdf": True,
        "readable_meeting_ids": set(),
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
    }
    return render_to_string("meetings/meeting_pdf.html", context)


def minutes_pdf(meeting: Meeting, *, public: bool) -> bytes:
    """The minutes of ``meeting`` (fetched through ``with_minutes_header``) as A4 PDF bytes."""
    # Imported here, not at the top: WeasyPrint needs the system's Pango, and a machine without
    # it should lose only the PDF, not every page whose URLs import this module.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        """Refuse every URL: the minutes need nothing but the stylesheet given directly."""

        def fetch(self, url, headers=None):
            raise ValueError(f"The minutes PDF fetches nothing: {url}")

    fetcher = NoFetching()
    document = HTML(string=minutes_html(meeting, public=public), url_fetcher=fetcher)
    stylesheet = CSS(filename=_stylesheet_path(), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


def pdf_filename(meeting: Meeting) -> str:
    """E.g. "minutes-2022-11-29.pdf"."""
    return f"minutes-{meeting.date:%Y-%m-%d}.pdf"


def pdf_response(meeting: Meeting, *, public: bool) -> HttpResponse:
    """The PDF, shown in the browser (inline) with a filename for saving it."""
    response = HttpResponse(minutes_pdf(meeting, public=public), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(meeting)}"'
    return response


class MeetingPdfView(View):
    """The full minutes as a PDF for a signed-in user who may read the meeting (drafts only for
    OPCC staff and the Commissioner); anyone else gets a 404, as on the minutes page."""

    def get(self, request, pk):
        meetings = with_minutes_header(Meeting.objects.visible_to(request.user))
        return pdf_response(get_object_or_404(meetings, pk=pk), public=False)
