"""Production settings and the security headers: `check --deploy` is clean, every page sends a
strict Content-Security-Policy and the other security headers, and no page the site renders
(ours or the admin's) carries an inline script, inline style or event-handler attribute that
the policy would block.

The production checks run in a subprocess with production environment variables, because
settings are read once, when the process starts.
"""

import json
import os
import re
import secrets
import subprocess
import sys
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse

from assurance import roles
from meetings.models import LocalPolicingArea, Meeting, MeetingStatus, Topic
from tests.factories import ActionFactory, AgendaItemFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*")
EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def production_environment(**extra: str) -> dict[str, str]:
    """This process's environment with the variables a deployment sets, and nothing that
    would weaken them (e.g. a developer's DEBUG or SECURE_SSL_REDIRECT)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEBUG", "SECURE_", "SESSION_", "ALLOWED_HOSTS", "STATIC_ROOT"))
    }
    environment.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "assurance.example",
        }
    )
    environment.update(extra)
    return environment


def run_python(code: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def parse_policy(header: str) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: value[0] if value else "" for name, *value in directives}


# Production settings


def test_check_deploy_with_production_settings_reports_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output
    assert "WARNING" not in output, output


def test_without_a_secret_key_debug_cannot_be_turned_off():
    environment = production_environment()
    del environment["SECRET_KEY"]
    result = run_python("import assurance.settings", environment)
    assert result.returncode != 0
    assert "Set SECRET_KEY when DEBUG is off" in result.stderr


def test_production_settings_are_strict():
    code = """
import json
from assurance import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "staticfiles": s.STORAGES["staticfiles"]["BACKEND"],
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "X_FRAME_OPTIONS": s.X_FRAME_OPTIONS,
    "CSP": s.CONTENT_SECURITY_POLICY,
    "SESSION_COOKIE_AGE": s.SESSION_COOKIE_AGE,
}))
"""
    result = run_python(code, production_environment(SESSION_IDLE_MINUTES="20"))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SESSION_COOKIE_AGE"] == 20 * 60
    # The same policy as in development and the tests, so the tests check what production sends.
    from django.conf import settings

    assert values["CSP"] == json.loads(json.dumps(settings.CONTENT_SECURITY_POLICY))


def test_development_and_the_tests_serve_static_files_without_collectstatic(settings, client):
    """The suite runs without SECRET_KEY, i.e. in development mode: plain storage, and
    WhiteNoise finds the files in the app and project folders."""
    assert settings.STORAGES["staticfiles"]["BACKEND"] == (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_production_serves_hashed_compressed_static_files_with_whitenoise(tmp_path):
    """collectstatic into a fresh folder, then a production request: the page links hashed
    file names, WhiteNoise serves them compressed and cacheable for ever, and the page, over
    HTTPS, carries HSTS, the policy and secure, HTTP-only cookies."""
    environment = production_environment(
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(tmp_path / "static"),
        # An empty database: the page must not need one, and the repo's is never touched.
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    code = """
import json, re
import django
django.setup()
from django.core.management import call_command
from django.test import Client
import whitenoise.compress
# Brotli at its best quality takes most of a minute over Bootstrap and the admin; gzip is enough
# to show the files are compressed.
whitenoise.compress.brotli_installed = False
call_command("collectstatic", "--noinput", verbosity=0)
client = Client()
page = client.get("/accounts/login/", secure=True)
html = page.content.decode()
stylesheet = re.search(r'href="(/static/css/site\\.[0-9a-f]{12}\\.css)"', html).group(1)
static = client.get(stylesheet, secure=True, headers={"accept-encoding": "gzip"})
cookie = page.cookies["csrftoken"]
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "stylesheet": stylesheet,
    "static_status": static.status_code,
    "static_headers": dict(static.headers),
    "cookie_secure": bool(cookie["secure"]),
    "cookie_httponly": bool(cookie["httponly"]),
    "plain_http": client.get("/accounts/login/").status_code,
}))
"""
    result = run_python(code, {**environment, "DJANGO_SETTINGS_MODULE": "assurance.settings"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["status"] == 200
    assert values["headers"]["Strict-Transport-Security"].startswith("max-age=31536000")
    assert parse_policy(values["headers"]["Content-Security-Policy"]) == EXPECTED_POLICY
    assert values["cookie_secure"] and values["cookie_httponly"]
    assert values["plain_http"] == 301  # redirected to HTTPS
    assert values["static_status"] == 200
    assert "immutable" in values["static_headers"]["Cache-Control"]
    assert values["static_headers"]["Content-Encoding"] == "gzip"


# Headers on every response


@pytest.fixture
def officer_client(client):
    client.force_login(UserFactory(username="officer", groups=[roles.OPCC]))
    return client


@pytest.mark.parametrize("signed_in", [False, True], ids=["login page", "dashboard"])
def test_pages_send_a_strict_content_security_policy_and_the_security_headers(
    request, client, signed_in
):
    if signed_in:
        response = request.getfixturevalue("officer_client").get(reverse("home"))
    else:
        response = client.get(reverse("login"))
    assert response.status_code == 200

    header = response.headers["Content-Security-Policy"]
    assert parse_policy(header) == EXPECTED_POLICY
    for unsafe in UNSAFE_SOURCES:
        assert unsafe not in header.split()
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_session_and_csrf_cookies_are_http_only(client, officer):
    response = client.post(
        reverse("login"), {"username": "officer", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.cookies["sessionid"]["httponly"]
    assert client.cookies["csrftoken"]["httponly"]


# No inline script or style anywhere


class InlineCodeFinder(HTMLParser):
    """Collects what a strict policy refuses: inline <script> and <style> elements, style
    attributes and on* event-handler attributes, and javascript: links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            # A JSON data block (json_script) is never run, so the policy does not apply.
            if attributes.get("type") != "application/json":
                self.problems.append(f"inline <script> {attrs}")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f'style="{value}" on <{tag}>')
            if name.startswith("on"):
                self.problems.append(f'{name}="{value}" on <{tag}>')
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f'{name}="{value}" on <{tag}>')
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def inline_code(html: str) -> InlineCodeFinder:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder


def test_the_inline_code_finder_catches_what_the_policy_refuses():
    html = (
        '<script>alert(1)</script><script src="/x.js"></script>'
        '<script type="application/json">{}</script><style>p{}</style>'
        '<p style="color:red" onclick="x()">a</p><a href="javascript:alert(1)">b</a>'
    )
    assert len(inline_code(html).problems) == 5


SKIPPED_PATHS = ("/admin/", "/static/", "/accounts/logout/")
PAGES_PER_KIND = 2


def named_pages(sample: dict[str, object]) -> list[str]:
    """A URL for every named page outside the admin, its arguments taken from sample."""
    urls = []

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name != "admin":
                    inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                    walk(entry, inner)
            elif entry.name and set(entry.pattern.converters) <= set(sample):
                kwargs = {key: sample[key] for key in entry.pattern.converters}
                urls.append(reverse(f"{namespace}{entry.name}", kwargs=kwargs))

    walk(get_resolver())
    return urls


def crawl(client, start: list[str], limit: int = 150) -> dict[str, list[str]]:
    """Read the start pages and follow the site's own links from them, up to PAGES_PER_KIND
    pages of each URL name (one meeting page is much like another); return each page's
    inline code."""
    found: dict[str, list[str]] = {}
    seen_per_name: dict[str, int] = {}
    queue = deque(start)
    visited = set()
    while queue and len(found) < limit:
        url = queue.popleft()
        if url in visited or urlsplit(url).path.startswith(SKIPPED_PATHS):
            continue
        visited.add(url)
        try:
            name = resolve(urlsplit(url).path).view_name
        except Resolver404:
            continue
        if seen_per_name.get(name, 0) >= PAGES_PER_KIND:
            continue
        seen_per_name[name] = seen_per_name.get(name, 0) + 1
        response = client.get(url)
        assert response.status_code < 500, url
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        finder = inline_code(response.content.decode())
        found[url] = finder.problems
        for link in finder.links:
            parts = urlsplit(urldefrag(link).url)
            if not parts.scheme and not parts.netloc and parts.path.startswith("/"):
                queue.append(urldefrag(link).url)
    return found


def test_no_page_an_officer_can_reach_has_inline_script_or_style(client, officer_client, seeds):
    """Every named page (with a draft meeting and an item of it, so the forms show), then every
    page linked from them, as an officer, who sees the most; and the login page."""
    draft = Meeting.objects.filter(status=MeetingStatus.DRAFT).first()
    item = AgendaItemFactory(meeting=draft, title="Item to edit")
    ActionFactory(origin_item=item)
    sample = {"pk": draft.pk, "item_pk": item.pk}
    for model in (Topic, LocalPolicingArea):
        if model.objects.exists():
            sample["slug"] = model.objects.first().slug
            break

    pages = crawl(officer_client, [reverse("home"), *named_pages(sample)])
    client.logout()
    pages.update(crawl(client, [reverse("login")], limit=1))

    kinds = {resolve(urlsplit(url).path).view_name for url in pages}
    assert {"home", "meetings:detail", "meetings:edit", "meetings:item_edit"} <= kinds
    assert "login" in kinds and "actions:detail" in kinds
    problems = {url: found for url, found in pages.items() if found}
    assert not problems, problems


def test_a_form_with_errors_has_no_inline_script_or_style(officer_client):
    response = officer_client.post(reverse("meetings:create"), {})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert inline_code(response.content.decode()).problems == []


def test_the_admin_works_under_the_policy(client, seeds):
    """Django's admin has no inline scripts of its own: its changelists and change forms load
    and carry nothing the policy would block."""
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    meeting = Meeting.objects.first()
    urls = [
        reverse("admin:index"),
        reverse("admin:meetings_meeting_changelist"),
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        reverse("admin:meetings_meeting_add"),
        reverse("admin:actions_action_changelist"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_change", args=[Group.objects.first().pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers, url
        assert inline_code(response.content.decode()).problems == [], url


def test_the_admin_scripts_it_loads_are_served_from_this_site(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:meetings_meeting_add")).content.decode()
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/") and not source.startswith("//") for source in sources)


def test_each_log_line_is_written_once():
    """Django's own logger had a console handler of its own besides the root's: every
    development log line was printed twice."""
    import logging

    logger, handlers = logging.getLogger("django.request"), []
    while logger is not None:
        # pytest's own capturing handlers at the root are not the project's.
        handlers += [
            h
            for h in logger.handlers
            if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")
        ]
        logger = logger.parent if logger.propagate else None
    assert len(handlers) == 1
