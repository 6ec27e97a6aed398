"""The page cache's one way in (assurance.caching.cached_page): a view opts in, renders its
content once a change of the records, and the frame around it is this request's."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponseRedirect
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from assurance import roles
from assurance.caching import cached_page, content_changed
from meetings.models import Meeting
from tests.factories import AgendaItemFactory, AttendanceFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


def counting_view(source: str, *, vary=lambda request: ()):
    """A view kept by the page cache that renders ``source`` with the number of times it ran."""
    calls = []
    template = engines["django"].from_string(source)

    @cached_page(vary=vary)
    def view(request):
        calls.append(request)
        return TemplateResponse(request, template, {"run": len(calls), "q": request.GET.get("q")})

    return view, calls


def get(view, query=""):
    return view(RequestFactory().get(f"/page/?{query}")).content.decode()


def test_a_view_runs_once_until_the_records_change():
    view, calls = counting_view("run {{ run }}")
    assert get(view) == "run 1"
    assert get(view) == "run 1"
    content_changed()
    assert get(view) == "run 2"
    assert len(calls) == 2


def test_what_a_page_varies_on_keeps_its_pages_apart():
    view, _calls = counting_view("{{ q }} {{ run }}", vary=lambda request: (request.GET.get("q"),))
    assert get(view, "q=drones") == "drones 1"
    assert get(view, "q=roads") == "roads 2"
    assert get(view, "q=drones") == "drones 1"


def test_a_page_that_varies_on_nothing_kept_is_rendered_each_time():
    view, calls = counting_view("run {{ run }}", vary=lambda request: None)
    assert [get(view), get(view)] == ["run 1", "run 2"]


def test_only_a_rendered_page_is_kept():
    answers = iter([Http404(), HttpResponseRedirect("/elsewhere/"), "page"])

    @cached_page(vary=lambda request: ())
    def view(request):
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, HttpResponseRedirect):
            return answer
        return TemplateResponse(request, engines["django"].from_string(answer))

    request = RequestFactory().get("/page/")
    with pytest.raises(Http404):
        view(request)
    assert view(request).status_code == 302
    assert view(request).content == b"page"
    assert view(request).content == b"page"  # kept: the answers have run out


@pytest.mark.parametrize("source", ["{% csrf_token %}", "{{ csrf_token }}"])
def test_a_csrf_token_is_never_kept_in_the_cache(source):
    # A token is valid for one session only: a form that posts belongs in the frame.
    view, _calls = counting_view(f"<form method='post'>{source}</form>")
    with pytest.raises(ImproperlyConfigured, match="CSRF"):
        get(view)


def csrf_token_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_a_meeting_page_kept_for_one_reader_is_served_to_another_with_the_same_roles(
    captured_queries,
):
    meeting = MeetingFactory(status=Meeting.Status.DRAFT)
    AttendanceFactory(meeting=meeting)
    AgendaItemFactory(meeting=meeting, title="Road safety")
    first, second = Client(), Client(enforce_csrf_checks=True)
    first.force_login(UserFactory(username="first", groups=[roles.OPCC]))
    second.force_login(UserFactory(username="second", groups=[roles.OPCC]))
    assert "Road safety" in first.get(meeting.get_absolute_url()).content.decode()
    second.get(reverse("home"))  # the session is warmed

    with captured_queries() as queries:
        page = second.get(meeting.get_absolute_url())
    assert "Road safety" in page.content.decode()
    assert not [query for query in queries if "meetings_" in query["sql"]]

    # The toolbar's approval form is rendered for this request: its token is this session's.
    approved = second.post(
        reverse("meetings:approve", args=[meeting.pk]),
        {"csrfmiddlewaretoken": csrf_token_of(page)},
    )
    assert approved.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.APPROVED
