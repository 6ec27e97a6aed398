"""The minutes as a PDF, made by WeasyPrint from the same template as the minutes page.

``minutes_pdf`` renders templates/meetings/meeting_pdf.html (which includes the page's
includes/minutes_body.html) with static/css/minutes-print.css, the stylesheet the browser uses
to print the page, so the PDF and the browser's own print look the same. WeasyPrint reads that
stylesheet from disk and fetches nothing else: no request ever leaves the server.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from actions.reviewing import reviewing_meetings
from meetings.models import Meeting, MeetingStatus, PublishedPdf
from minutes.public import public_minutes
from minutes.record import build_minutes, with_minutes_header

PRINT_STYLESHEET = "css/minutes-print.css"


def _stylesheet_path() -> str:
    """The print stylesheet on disk: found in the static folders, or in STATIC_ROOT once
    collected."""
    found = finders.find(PRINT_STYLESHEET)
    if found:
        return found
    return str(Path(settings.STATIC_ROOT) / PRINT_STYLESHEET)


def minutes_html(meeting: Meeting, *, public: bool, user=None) -> str:
    """The HTML the PDF is made from: the public minutes (restricted items withheld) or the
    minutes as ``user`` reads them. No links: a PDF outlives the URLs it could point at."""
    minutes = public_minutes(meeting) if public else build_minutes(meeting, user=user)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "public": public,
        "pdf": True,
        "readable_meeting_ids": set(),
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
    }
    return render_to_string("meetings/meeting_pdf.html", context)


def minutes_pdf(meeting: Meeting, *, public: bool, user=None, html: str | None = None) -> bytes:
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
    if html is None:
        html = minutes_html(meeting, public=public, user=user)
    document = HTML(string=html, url_fetcher=fetcher)
    stylesheet = CSS(filename=_stylesheet_path(), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


def pdf_filename(meeting: Meeting) -> str:
    """E.g. "minutes-2022-11-29.pdf"."""
    return f"minutes-{meeting.date:%Y-%m-%d}.pdf"


def pdf_response(pdf: bytes, meeting: Meeting) -> HttpResponse:
    """The PDF, shown in the browser (inline) with a filename for saving it."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(meeting)}"'
    return response


@require_safe
def meeting_pdf(request, pk):
    """The full minutes as a PDF for a signed-in user who may read the meeting (drafts only for
    OPCC staff and the Commissioner); anyone else gets a 404, as on the minutes page."""
    meetings = with_minutes_header(Meeting.objects.visible_to(request.user))
    meeting = get_object_or_404(meetings, pk=pk)
    return pdf_response(minutes_pdf(meeting, public=False, user=request.user), meeting)


# --- The published PDF: stored when published, served as stored ----------------------------


def store_public_pdf(meeting: Meeting, *, reason: str, only_if_changed: bool = False):
    """Make the public PDF of published minutes and keep it, with its SHA-256, as the one the
    public is served. With ``only_if_changed``, nothing is made when the HTML it would be made
    from is the same as the stored PDF's (a re-render only for a change of what may be read)."""
    html = minutes_html(meeting, public=True)
    source_sha256 = hashlib.sha256(html.encode()).hexdigest()
    latest = meeting.published_pdfs.order_by("-created_at", "-pk").first()
    if only_if_changed and latest is not None and latest.source_sha256 == source_sha256:
        return latest
    pdf = minutes_pdf(meeting, public=True, html=html)
    return PublishedPdf.objects.create(
        meeting=meeting,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        source_sha256=source_sha256,
        reason=reason,
    )


def published_pdf(meeting: Meeting, *, with_bytes: bool = True) -> PublishedPdf:
    """The PDF the public is served: the one stored at publication (or stored now, for minutes
    published before PDFs were kept). Without ``with_bytes`` the file itself is not read."""
    stored = meeting.published_pdfs.order_by("-created_at", "-pk")
    latest = (stored if with_bytes else stored.defer("pdf")).first()
    if latest is None:
        latest = store_public_pdf(meeting, reason="Stored when first asked for.")
    return latest


def refresh_public_pdfs_citing(origin: Meeting) -> None:
    """Reading rules win over freezing: when ``origin`` is published or withdrawn, the stored
    PDFs of other published minutes that review its actions are made again if what the public
    may read in them has changed; each new PDF says why."""
    citing = with_minutes_header(
        reviewing_meetings(origin).filter(status=MeetingStatus.PUBLISHED).exclude(pk=origin.pk)
    )
    if origin.status == MeetingStatus.PUBLISHED:
        why = f"The actions it reviews from {origin.title} were published."
    else:
        why = f"The actions it reviews from {origin.title} were withdrawn from publication."
    for meeting in citing:
        store_public_pdf(meeting, reason=why[:300], only_if_changed=True)
