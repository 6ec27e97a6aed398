"""Fixtures for the browser tests: Playwright driving Debian's Chromium against the live server.

Every test gets a fresh browser context (no cookies) and a page that records what went wrong in
the browser: a test fails if a page logged a JavaScript error or a stylesheet, script or other
request failed. The database is shared with the live server, so it is transactional: emptied after
each test, with the role groups put back by tests/conftest.py's role_groups.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import Page, expect, sync_playwright

from tests.seed_data import load_seeds

# Debian's chromium package, installed by `make test` when missing; Playwright never downloads one.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # runs as root in CI, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# tests/factories.py UserFactory gives every user this password.
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="package")
def playwright(django_db_setup):
    """Playwright's sync API, for the tests in this package only.

    It keeps an asyncio loop running in the main thread, and Django reacts to a running loop in
    two ways: the ORM raises SynchronousOnlyOperation, and `connections` hands out a second set
    of connections instead of this thread's. Tests, fixtures and factories here run in that
    thread, one call at a time, so the ORM is safe: allow it, and keep this thread's connections,
    so pytest-django's setup and teardown and the tests share one connection per database.
    Package scope stops the loop, and ends both changes, before the rest of the suite runs.
    """
    thread_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}: run `make test`, which installs "
            "Debian's chromium package, or `apt-get install chromium` as root."
        )
    # Playwright makes a fresh temporary profile (user-data dir) for each launch.
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@dataclass
class BrowserProblems:
    """What went wrong in the browser while a test ran: errors, failed and refused requests."""

    problems: list[str] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)

    def expect_page_status(self, status: int) -> None:
        """Accept an error status on a page (not on its stylesheets or scripts): e.g. a 404 test."""
        self.expected_statuses.add(status)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        # "Failed to load resource" repeats a response or failed request already recorded.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def _request_failed(self, request) -> None:
        # Leaving a page cancels what it was still loading; that is not a broken resource.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"{request.resource_type} {request.url} failed: {request.failure}")

    def _response(self, response) -> None:
        if response.status < 400:
            return
        if (
            response.request.resource_type == "document"
            and response.status in self.expected_statuses
        ):
            return
        self.problems.append(
            f"HTTP {response.status} for {response.request.resource_type} {response.url}"
        )


@pytest.fixture
def seeds(transactional_db):
    """The seed meetings, committed where the live server can read them (tests/seed_data.py)."""
    load_seeds()


@pytest.fixture
def browser_problems():
    return BrowserProblems()


@pytest.fixture
def page(context, browser_problems):
    page = context.new_page()
    browser_problems.watch(page)
    yield page
    page.close()  # delivers any events still on their way
    assert not browser_problems.problems, "Problems in the browser:\n" + "\n".join(
        browser_problems.problems
    )


def login(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form, and check it worked."""
    login_url = live_server.url + reverse("login")
    page.goto(login_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page, f"{username} could not sign in").not_to_have_url(login_url)
    expect(page.get_by_text("Signed in as")).to_be_attached()
    page.wait_for_load_state()
