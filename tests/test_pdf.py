"""The minutes as PDF (WeasyPrint): the public version withholds restricted items, the internal
one is for signed-in users who may read the meeting; both read like the printed minutes."""

import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from meetings.models import Meeting
from minutes.pdf import pdf_filename
from tests.factories import MeetingFactory
from tests.seed_data import NOVEMBER_2022, NOVEMBER_2022_ITEMS
from tests.test_public_minutes import MARKER, build_restricted_meetings

pytestmark = pytest.mark.django_db

NOVEMBER_2022_NUMBERS = [
    ("1", "Outstanding Matters / Matters arising"),
    ("2", "Holding to account – Performance"),
    *((f"2.{number}", title) for number, title in enumerate(NOVEMBER_2022_ITEMS, 1)),
    ("3", "AOB"),
    ("4", "Confirmation of next meeting"),
]


@pytest.fixture
def restricted_meetings():
    return build_restricted_meetings()


def pdf_pages(response) -> list[str]:
    """Each page's extracted text, whitespace collapsed."""
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def pdf_text(response) -> str:
    return " ".join(pdf_pages(response))


def public_pdf(client, meeting):
    response = client.get(reverse("public:pdf", args=[meeting.pk]))
    assert response.status_code == 200
    return response


def internal_pdf_url(meeting):
    return reverse("meetings:pdf", args=[meeting.pk])


def test_the_november_2022_pdf_has_the_title_and_every_item_number(client, seeds):
    meeting = Meeting.objects.get(title=NOVEMBER_2022)

    text = pdf_text(public_pdf(client, meeting))

    assert NOVEMBER_2022 in text
    positions = [text.index(f"{number} {title}") for number, title in NOVEMBER_2022_NUMBERS]
    assert positions == sorted(positions)


def test_every_page_is_headed_by_the_title_and_numbered_page_n_of_total(client, seeds):
    meeting = Meeting.objects.get(title=NOVEMBER_2022)

    pages = pdf_pages(public_pdf(client, meeting))

    assert len(pages) > 1
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
        assert text.count(NOVEMBER_2022) >= 1


def test_the_pdf_has_the_actions_with_their_owner(client, seeds):
    meeting = Meeting.objects.get(title=NOVEMBER_2022)

    text = pdf_text(public_pdf(client, meeting))

    assert "Reference Action Due Owner" in text
    assert "2022-11-01" in text and "2022-11-02" in text
    assert "PCC / CC" in text


def test_the_pdf_lists_what_the_owners_abbreviations_stand_for(client, seeds):
    """A PDF has no hover: after the minutes, each owner abbreviation used is spelled out."""
    meeting = Meeting.objects.get(title=NOVEMBER_2022)

    text = pdf_text(public_pdf(client, meeting))

    listed = text[text.rindex("Abbreviations") :]
    assert "CC Chief Constable" in listed
    assert "PCC Police and Crime Commissioner" in listed
    assert "DCC" not in listed  # no action of these minutes is the DCC's


def test_the_pdf_is_served_inline_with_a_dated_filename(client, seeds):
    meeting = Meeting.objects.get(title=NOVEMBER_2022)

    response = public_pdf(client, meeting)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="minutes-2022-11-29.pdf"'
    assert pdf_filename(meeting) == "minutes-2022-11-29.pdf"
    assert response.content.startswith(b"%PDF-")


def test_the_pdf_has_no_buttons_navigation_or_links(client, officer, seeds):
    meeting = Meeting.objects.get(title=NOVEMBER_2022)
    client.force_login(officer)

    response = client.get(internal_pdf_url(meeting))

    text = pdf_text(response)
    assert "Print the minutes" not in text and "Download" not in text
    assert "Dashboard" not in text and "Sign out" not in text
    assert b"/URI" not in response.content  # no link annotations


def test_the_public_pdf_never_contains_restricted_text(client, restricted_meetings):
    for meeting in (restricted_meetings.earlier, restricted_meetings.later):
        text = pdf_text(public_pdf(client, meeting))
        assert MARKER.lower() not in text.lower(), meeting.title
        assert "2022-09-02" not in text and "2022-09-03" not in text

    earlier = pdf_text(public_pdf(client, restricted_meetings.earlier))
    assert "3 Item taken in private" in earlier
    assert "Share the 101 call data." in earlier


def test_the_internal_pdf_includes_restricted_items_for_opcc(client, officer, restricted_meetings):
    client.force_login(officer)

    earlier = pdf_text(client.get(internal_pdf_url(restricted_meetings.earlier)))
    later = pdf_text(client.get(internal_pdf_url(restricted_meetings.later)))

    assert f"3 Operation {MARKER}" in earlier
    assert f"3.1 Sub-item on {MARKER}" in earlier
    assert "Restricted:" in earlier
    assert f"Progress on {MARKER}." in later  # carried forward with its update


def test_the_internal_pdf_of_a_draft_is_for_opcc_and_the_commissioner(
    client, officer, commissioner
):
    draft = MeetingFactory(title="Draft Meeting December 2022")
    for user in (officer, commissioner):
        client.force_login(user)
        response = client.get(internal_pdf_url(draft))
        assert response.status_code == 200
        assert "Draft Meeting December 2022" in pdf_text(response)
        assert "These minutes are a draft" in pdf_text(response)


def test_the_internal_pdf_of_a_draft_is_not_found_for_force_staff(client, force_user):
    draft = MeetingFactory()
    client.force_login(force_user)

    assert client.get(internal_pdf_url(draft)).status_code == 404


def test_force_staff_get_the_internal_pdf_of_approved_minutes(client, force_user):
    approved = MeetingFactory(status=Meeting.Status.APPROVED)
    client.force_login(force_user)

    assert client.get(internal_pdf_url(approved)).status_code == 200


def test_a_user_without_a_role_gets_no_internal_pdf(client, no_role_user):
    published = MeetingFactory(status=Meeting.Status.PUBLISHED)
    client.force_login(no_role_user)

    assert client.get(internal_pdf_url(published)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_for_the_internal_pdf(client):
    published = MeetingFactory(status=Meeting.Status.PUBLISHED)

    response = client.get(internal_pdf_url(published))

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


def test_the_minutes_page_offers_the_internal_pdf(client, officer):
    meeting = MeetingFactory()
    client.force_login(officer)

    response = client.get(meeting.get_absolute_url())

    assert f'href="{internal_pdf_url(meeting)}"' in response.content.decode()


def test_the_browser_prints_with_the_pdfs_stylesheet():
    """print.css (the page's print stylesheet) imports the file WeasyPrint uses."""
    print_css = (settings.BASE_DIR / "static" / "css" / "print.css").read_text()

    assert '@import url("minutes-print.css");' in print_css
