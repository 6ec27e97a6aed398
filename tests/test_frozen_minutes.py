"""The query proposes, the minutes record: once approved, minutes show what they showed when
they were approved — whatever is done to the records afterwards — until they are reopened with
a reason; published minutes keep the PDF that was published, with its SHA-256."""

import datetime
import hashlib
import io
import re
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from actions.arising import action_update_details
from actions.models import Action, Status
from actions.workflow import action_add_note, action_transition
from meetings.models import (
    AgendaItem,
    ApprovedMinutes,
    Attendance,
    Meeting,
    Office,
    Organisation,
    Person,
    PublishedPdf,
    Series,
)
from minutes.pdf import minutes_html
from minutes.publishing import meeting_approve, meeting_publish, meeting_reopen
from minutes.record import with_minutes_header
from tests import factories

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.date(2022, 11, 29)


# --- Reading what the minutes show -------------------------------------------------------------


def minutes_article(html: str) -> str:
    """The ``<article class="minutes">`` element of a page: the minutes themselves, without the
    page around them (which shows the meeting's current title, the user's name, tokens)."""
    start = html.index('<article class="minutes">')
    depth = 0
    for tag in re.finditer(r"<(/?)article\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            end = start + tag.start() + html[start + tag.start() :].index(">") + 1
            return strip_tokens(html[start:end])
    raise AssertionError("The minutes article is not closed.")


def strip_tokens(html: str) -> str:
    """Without what differs on every request (CSRF tokens, CSP nonces)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', html)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def get(client, url, user=None):
    """A fresh rendering, not one kept in the page cache from before the changes."""
    cache.clear()
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def snapshot(client, meeting, users) -> dict:
    """Everything that shows the minutes of ``meeting``, as each reader gets it."""
    fetched = with_minutes_header(Meeting.objects.all()).get(pk=meeting.pk)
    shown = {
        "public page": minutes_article(
            get(client, reverse("public:detail", args=[meeting.pk])).content.decode()
        ),
        "public PDF's HTML": minutes_article(minutes_html(fetched, public=True)),
    }
    public_pdf = get(client, reverse("public:pdf", args=[meeting.pk])).content
    shown["public PDF's text"] = pdf_text(public_pdf)
    for name, user in users.items():
        page = get(client, meeting.get_absolute_url(), user)
        shown[f"page for {name}"] = minutes_article(page.content.decode())
        shown[f"PDF's HTML for {name}"] = minutes_article(
            minutes_html(fetched, public=False, user=user)
        )
    signed_in_pdf = get(client, reverse("meetings:pdf", args=[meeting.pk]), users["officer"])
    shown["signed-in PDF's text"] = pdf_text(signed_in_pdf.content)
    return {"shown": shown, "public PDF": public_pdf}


# --- The records ---------------------------------------------------------------------------------


def build_minutes(officer) -> SimpleNamespace:
    """Series S: September 2022 (published), the minutes under test of 29 November 2022 (its
    attendance, items, actions arising and the September actions reviewed at it with the
    updates given), and January 2023 (a draft, the next meeting). Another series alongside."""
    series = factories.SeriesFactory(name="Holding to Account", minutes_label="Holding to Account")
    other_series = factories.SeriesFactory(name="Governance Board")
    cc = factories.OfficeFactory(abbreviation="CC", title="Chief Constable")
    dcc = factories.OfficeFactory(abbreviation="DCC", title="Deputy Chief Constable")
    policy = factories.OfficeFactory(
        abbreviation="SPO", title="Senior Policy Officer", organisation=Organisation.OPCC
    )
    chair = factories.PersonFactory(
        name="John Campion", organisation=Organisation.OPCC, office=None
    )
    minute_taker = factories.PersonFactory(
        name="Jo Weaver", organisation=Organisation.OPCC, office=policy
    )
    chief = factories.PersonFactory(name="Pippa Mills", office=cc)
    deputy = factories.PersonFactory(name="Julian Moss", office=dcc)

    september = factories.MeetingFactory(
        series=series, date=datetime.date(2022, 9, 27), title="Holding to Account September 2022"
    )
    factories.AttendanceFactory(meeting=september, person=chief)
    september_item = factories.AgendaItemFactory(
        meeting=september, position=1, title="Victim satisfaction"
    )
    carried = {
        name: factories.ActionFactory(
            origin_item=september_item,
            reference=f"2022-09-0{number}",
            description=description,
            owners=[cc],
        )
        for number, (name, description) in enumerate(
            [
                ("started", "Provide the victim survey results by area."),
                ("noted", "Explain the fall in satisfaction in Telford."),
                ("silent", "Share the code of practice compliance audit."),
            ],
            start=1,
        )
    }
    meeting_approve(meeting=september, user=officer)
    meeting_publish(meeting=september, user=officer)
    # Another series' meeting: never part of these minutes.
    factories.MeetingFactory(
        series=other_series, date=datetime.date(2022, 10, 11), status="published"
    )

    january = factories.MeetingFactory(
        series=series,
        date=datetime.date(2023, 1, 31),
        title="Holding to Account January 2023",
        venue="Hindlip Park, Worcester",
    )
    november = factories.MeetingFactory(
        series=series,
        date=NOVEMBER,
        title="Holding to Account November 2022",
        venue="Hindlip HQ",
        focus="The quarterly performance report for July to September 2022",
        chair=chair,
        minute_taker=minute_taker,
    )
    factories.AttendanceFactory(
        meeting=november, person=chair, capacity="Police and Crime Commissioner"
    )
    factories.AttendanceFactory(meeting=november, person=chief, capacity="Chief Constable")
    factories.AttendanceFactory(
        meeting=november,
        person=deputy,
        capacity="Deputy Chief Constable",
        status=Attendance.Status.APOLOGIES,
    )
    factories.AgendaItemFactory(
        meeting=november, position=1, title="Outstanding matters", kind="outstanding", minutes=""
    )
    calls = factories.AgendaItemFactory(
        meeting=november,
        position=2,
        title="Call handling",
        background="101 abandonment rose to 30%.",
        questions="How will the force bring it down?",
        minutes="The CC set out the plan for the contact centre.",
        assurance_level=AgendaItem.Assurance.PARTLY_ASSURED,
    )
    response = factories.AgendaItemFactory(meeting=november, position=3, title="Response times")
    rural = factories.AgendaItemFactory(
        meeting=november, parent=response, position=1, title="Rural response times"
    )
    factories.AgendaItemFactory(
        meeting=november,
        position=4,
        title="Confirmation of next meeting",
        kind="next_meeting",
        minutes="",
    )
    arising = {
        "abandonment": factories.ActionFactory(
            origin_item=calls,
            reference="2022-11-01",
            description="Report the 101 abandonment rate monthly.",
            owners=[cc],
            due_meeting=january,
            due_date=None,
        ),
        "recruitment": factories.ActionFactory(
            origin_item=calls,
            reference="2022-11-02",
            description="Set out the contact centre recruitment plan.",
            owners=[cc, dcc],
        ),
        "rural": factories.ActionFactory(
            origin_item=rural,
            reference="2022-11-03",
            description="Map the rural response times by beat.",
            owners=[dcc],
        ),
    }
    # The updates given at the meeting on the September actions.
    action_transition(
        action_id=carried["started"].pk,
        transition="start",
        user=officer,
        note="The survey has been commissioned.",
        meeting=november,
    )
    action_add_note(
        action_id=carried["noted"].pk,
        user=officer,
        note="The Telford fall is explained by the new survey method.",
        meeting=november,
    )
    meeting_approve(meeting=november, user=officer)
    meeting_publish(meeting=november, user=officer)
    return SimpleNamespace(
        series=series,
        september=september,
        november=november,
        january=january,
        carried=carried,
        arising=arising,
        offices=SimpleNamespace(cc=cc, dcc=dcc, policy=policy),
        people=SimpleNamespace(chair=chair, chief=chief, minute_taker=minute_taker),
        items=SimpleNamespace(calls=calls, rural=rural),
    )


def later_changes(records, officer, commissioner, force_user) -> list[str]:
    """Everything done to the records after the minutes were published: each one changes what
    a query of the records would now say about the meeting. Returns what was done."""
    done = []
    november = records.november
    arising, carried = records.arising, records.carried

    def change(description):
        done.append(description)

    # Updates and sign-offs on its own actions, through the workflow.
    abandonment = arising["abandonment"].pk
    action_add_note(action_id=abandonment, user=force_user, note="The rate is now 12%.")
    change("a progress note on an action arising")
    action_transition(action_id=abandonment, transition="start", user=force_user)
    change("an action arising started by the force")
    action_transition(
        action_id=abandonment,
        transition="request_sign_off",
        user=force_user,
        note="Monthly reporting is in place.",
    )
    change("sign-off requested")
    action_transition(
        action_id=abandonment, transition="sign_off", user=officer, note="The PCC is content."
    )
    change("an action arising signed off")
    action_transition(
        action_id=arising["recruitment"].pk,
        transition="withdraw",
        user=commissioner,
        note="Overtaken by the new operating model.",
    )
    change("an action arising withdrawn")

    # Updates and sign-offs on the actions carried forward to it.
    action_transition(
        action_id=carried["started"].pk,
        transition="sign_off",
        user=officer,
        note="The results were shared.",
    )
    change("a carried-forward action signed off")
    action_transition(
        action_id=carried["noted"].pk,
        transition="request_sign_off",
        user=force_user,
        note="The method change is documented.",
    )
    action_transition(
        action_id=carried["noted"].pk,
        transition="return",
        user=commissioner,
        note="The PCC wants the figures by area.",
    )
    change("a carried-forward action sent for sign-off and returned")
    # Entered late, dated before the meeting: the action was really closed before it, so a
    # query would no longer propose it, nor say it was open at the meeting.
    action_transition(
        action_id=carried["silent"].pk,
        transition="sign_off",
        user=officer,
        note="The audit was shared by email.",
        effective_on=datetime.date(2022, 11, 1),
    )
    change("a carried-forward action back-dated as closed before the meeting")

    # Meetings entered before and after it in the same series.
    october = factories.MeetingFactory(
        series=records.series, date=datetime.date(2022, 10, 25), title="Holding to Account October"
    )
    factories.AttendanceFactory(meeting=october, person=records.people.chief)
    october_item = factories.AgendaItemFactory(meeting=october, position=1, title="Road safety")
    factories.ActionFactory(
        origin_item=october_item,
        reference="2022-10-01",
        description="Review the fatal collision figures.",
        owners=[records.offices.cc],
    )
    change("a meeting entered before it, with an action still open at it")
    meeting_approve(meeting=october, user=officer)
    meeting_publish(meeting=october, user=officer)
    change("that earlier meeting approved and published")
    december = factories.MeetingFactory(
        series=records.series,
        date=datetime.date(2022, 12, 13),
        title="Holding to Account extraordinary December meeting",
        venue="Police HQ, Shrewsbury",
    )
    change("a meeting entered after it, before the next meeting it confirmed")
    action_add_note(
        action_id=arising["rural"].pk,
        user=officer,
        note="The map was presented.",
        meeting=december,
    )
    change("an update on an action arising given at the later meeting")

    # Reassignments through the product.
    action_update_details(
        action=Action.objects.get(pk=arising["rural"].pk),
        description="Map the rural response times by beat.",
        owners=[records.offices.cc],
        due_date=datetime.date(2023, 6, 30),
        due_meeting=None,
        user=officer,
    )
    change("an action arising reassigned from DCC to CC with a new due date")
    action_update_details(
        action=Action.objects.get(pk=carried["noted"].pk),
        description="Explain the fall in satisfaction in Telford.",
        owners=[records.offices.dcc],
        due_date=None,
        due_meeting=records.january,
        user=officer,
    )
    change("a carried-forward action reassigned to the DCC and due back in January")

    # Renames and edits behind the product's back.
    Person.objects.filter(pk=records.people.chair.pk).update(name="John Campion CBE")
    Person.objects.filter(pk=records.people.chief.pk).update(name="Pippa Mills-Hughes")
    change("people renamed")
    Office.objects.filter(pk=records.offices.cc.pk).update(
        title="Chief Constable (Acting)", abbreviation="ACC"
    )
    Office.objects.filter(pk=records.offices.policy.pk).update(title="Head of Policy")
    change("offices renamed")
    Action.objects.filter(pk=arising["recruitment"].pk).update(
        description="Something else entirely."
    )
    Action.objects.filter(pk=carried["started"].pk).update(description="Rewritten later.")
    change("action descriptions edited in the database")
    AgendaItem.objects.filter(pk=records.items.calls.pk).update(
        title="Contact management", minutes="Rewritten findings."
    )
    change("an item's title and findings edited in the database")
    Meeting.objects.filter(pk=november.pk).update(
        title="Holding to Account, 29 November 2022",
        venue="Somewhere else",
        focus="Another focus",
        start_time=datetime.time(9, 30),
    )
    change("the meeting's title, venue, focus and time edited in the database")
    Attendance.objects.filter(meeting=november, person=records.people.chief).update(
        capacity="Temporary Chief Constable", status=Attendance.Status.PART
    )
    factories.AttendanceFactory(
        meeting=november, person=factories.PersonFactory(name="Added Afterwards")
    )
    change("its attendance edited and added to in the database")
    Meeting.objects.filter(pk=records.january.pk).update(
        date=datetime.date(2023, 2, 7), venue="Moved venue", title="Holding to Account Feb"
    )
    change("the next meeting it confirmed rescheduled")
    Series.objects.filter(pk=records.series.pk).update(minutes_label="Renamed label")
    change("the series' label renamed")
    return done


# --- The acceptance test ---------------------------------------------------------------------


def test_approved_minutes_show_what_they_showed_whatever_is_done_afterwards(
    client, officer, commissioner, force_user
):
    records = build_minutes(officer)
    november = records.november
    users = {"officer": officer, "commissioner": commissioner, "force user": force_user}
    before = snapshot(client, november, users)
    published = PublishedPdf.objects.get(meeting=november)

    # The minutes as published: every reader sees the meeting as it was.
    public = before["shown"]["public page"]
    for shown in [
        "Holding to Account November 2022",
        "Hindlip HQ",
        "John Campion",
        "Jo Weaver, Senior Policy Officer, OPCC",
        "Pippa Mills",
        "Call handling",
        "Report the 101 abandonment rate monthly.",
        "Set out the contact centre recruitment plan.",
        "Provide the victim survey results by area.",
        "The survey has been commissioned.",
        "The Telford fall is explained by the new survey method.",
        "Share the code of practice compliance audit.",
        "Holding to Account January 2023",
        "Hindlip Park, Worcester",
    ]:
        assert shown in public, shown
    assert public.count('<article class="outstanding-action"') == 3
    assert "Provide the victim survey results by area." in before["shown"]["public PDF's text"]
    assert before["public PDF"] == bytes(published.pdf)

    done = later_changes(records, officer, commissioner, force_user)
    assert len(done) >= 20, done

    after = snapshot(client, november, users)
    for name, shown in before["shown"].items():
        assert after["shown"][name] == shown, f"The {name} changed."
    # The PDF served is the one stored at publication, byte for byte, and the page shows its
    # SHA-256.
    assert after["public PDF"] == before["public PDF"] == bytes(published.pdf)
    assert PublishedPdf.objects.filter(meeting=november).count() == 1
    assert published.sha256 == hashlib.sha256(before["public PDF"]).hexdigest()
    cache.clear()
    page = client.get(reverse("public:detail", args=[november.pk])).content.decode()
    assert published.sha256 in page


def test_reopening_with_a_reason_and_approving_again_records_the_minutes_anew(
    client, officer, commissioner, force_user
):
    records = build_minutes(officer)
    november = records.november
    users = {"officer": officer, "force user": force_user}
    before = snapshot(client, november, users)
    stored_before = ApprovedMinutes.objects.get(meeting=november).content
    later_changes(records, officer, commissioner, force_user)

    meeting_reopen(meeting=november, user=officer, reason="The attendance was recorded wrongly.")
    assert not ApprovedMinutes.objects.filter(meeting=november).exists()
    # A draft again: read from the records as they are now.
    draft = minutes_article(get(client, november.get_absolute_url(), officer).content.decode())
    assert "John Campion CBE" in draft
    meeting_approve(meeting=november, user=officer)
    meeting_publish(meeting=november, user=officer)

    after = snapshot(client, november, users)
    assert ApprovedMinutes.objects.get(meeting=november).content != stored_before
    for name in before["shown"]:
        assert after["shown"][name] != before["shown"][name], f"The {name} did not change."
    page = after["shown"]["page for officer"]
    public = after["shown"]["public page"]
    for text in (page, public):
        for shown in [
            "Renamed label",
            "Holding to Account, 29 November 2022",
            "Somewhere else",
            "John Campion CBE",
            "Jo Weaver, Head of Policy, OPCC",
            "Pippa Mills-Hughes",
            "Temporary Chief Constable",
            "Added Afterwards",
            "Contact management",
            "Something else entirely.",
            "Rewritten later.",
            # The next meeting is now the December one, entered after the first approval.
            "Holding to Account extraordinary December meeting",
        ]:
            assert shown in text, shown
        for gone in ["Hindlip HQ", "Call handling", "Holding to Account January 2023"]:
            assert gone not in text, gone
    # Statuses at the meeting as the records now say: the audit was closed before it.
    audit = re.search(
        r'id="action-{}".*?</article>'.format(records.carried["silent"].pk), page, re.S
    )
    assert audit and "Closed" in audit.group(0)
    # Republished: a new PDF, which the public is now served and whose SHA-256 the page shows.
    latest = PublishedPdf.objects.filter(meeting=november).latest()
    assert PublishedPdf.objects.filter(meeting=november).count() == 2
    assert after["public PDF"] == bytes(latest.pdf) != before["public PDF"]
    assert "Pippa Mills-Hughes" in after["shown"]["public PDF's text"]
    cache.clear()
    assert (
        latest.sha256 in client.get(reverse("public:detail", args=[november.pk])).content.decode()
    )


def test_an_action_closed_after_the_meeting_keeps_its_status_at_the_meeting(officer):
    records = build_minutes(officer)
    action_transition(
        action_id=records.arising["abandonment"].pk,
        transition="sign_off",
        user=officer,
        note="Done.",
    )
    content = ApprovedMinutes.objects.get(meeting=records.november).content
    calls = next(item for item in content["items"] if item["title"] == "Call handling")
    assert [action["status"] for action in calls["actions"]][0] == Status.OPEN
