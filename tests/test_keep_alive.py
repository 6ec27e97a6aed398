"""The idle timeout warns before it signs a user out, and "Stay signed in" keeps the session:
the keep-alive endpoint pushes the expiry on by a full SESSION_COOKIE_AGE, signed-in pages tell
their script how long the session is sure to last, and a save sent after the session ended
reaches the login page, which brings the user back to the form without saving anything."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from assurance import sessions
from meetings.models import AgendaItem, Meeting
from tests.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests/factories.py UserFactory


def test_stay_signed_in_answers_no_content_and_pushes_the_expiry_on(client, officer):
    client.force_login(officer)
    client.get(reverse("home"))  # the expiry was pushed on just now: a page would not push it
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=2))

    response = client.get(reverse("keep_alive"))

    assert response.status_code == 204
    assert response.content == b""
    assert "no-cache" in response.headers["Cache-Control"]
    remaining = Session.objects.get().expire_date - timezone.now()
    age = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert age - datetime.timedelta(seconds=5) < remaining <= age
    assert response.cookies["sessionid"].value == client.cookies["sessionid"].value


def test_stay_signed_in_does_not_bring_back_an_ended_session(client, officer):
    client.force_login(officer)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(reverse("keep_alive"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_and_given_no_session(client):
    response = client.get(reverse("keep_alive"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Session.objects.exists()


def test_stay_signed_in_only_answers_get(client, officer):
    client.force_login(officer)

    assert client.post(reverse("keep_alive")).status_code == 405


def test_signed_in_pages_tell_the_script_when_the_session_ends(client, officer):
    client.force_login(officer)

    html = client.get(reverse("home")).content.decode()

    seconds_left = settings.SESSION_COOKIE_AGE - sessions.refresh_interval()
    assert f'data-session-seconds="{seconds_left}"' in html
    assert f'data-keep-alive-url="{reverse("keep_alive")}"' in html
    assert f'data-user="{officer.pk}"' in html
    assert "js/session_timeout.js" in html
    assert "js/keep_typed_work.js" in html


def test_the_login_page_has_no_timeout_but_keeps_typed_work(client):
    html = client.get(reverse("login")).content.decode()

    assert "data-session-seconds" not in html
    assert "data-user" not in html
    assert "js/session_timeout.js" not in html
    # On the login page the script keeps what was typed before the session ended.
    assert "js/keep_typed_work.js" in html


def test_a_save_after_the_session_ended_signs_in_again_to_the_form_and_saves_nothing(
    client, officer
):
    item = AgendaItemFactory(meeting__status=Meeting.Status.DRAFT, minutes="Saved minutes.")
    edit_url = reverse("meetings:item_edit", args=[item.meeting.pk, item.pk])
    client.force_login(officer)
    assert client.get(edit_url).status_code == 200
    Session.objects.all().delete()  # the idle timeout ends the session

    response = client.post(edit_url, {"title": item.title, "minutes": "Typed minutes."})

    assert response.status_code == 302
    login_url = response.url
    assert login_url.startswith(reverse("login"))
    assert AgendaItem.objects.get(pk=item.pk).minutes == "Saved minutes."
    # Signing in from there comes back to the form.
    response = client.get(login_url)
    assert response.status_code == 200
    response = client.post(
        login_url,
        {"username": "officer", "password": PASSWORD, "next": response.context["next"]},
    )
    assert response.status_code == 302
    assert response.url == edit_url
    assert AgendaItem.objects.get(pk=item.pk).minutes == "Saved minutes."
