"""Locust users for the load test: OPCC officers, the PCC and force staff signing in through
the login form, reading the dashboard, minutes and action pages, and posting progress notes.

Run by ``performance/loadtest/run.py`` (``make loadtest``), which provides through the environment:
LOADTEST_PLAN (JSON: per account, the actions it may read and post to and the meetings it may
read), LOADTEST_PASSWORD, LOADTEST_RUN_ID and LOADTEST_RECORD (where each successful update
POST is appended, for the database check).

The site runs with production settings behind what would be a TLS proxy: each request says
``X-Forwarded-Proto: https`` and the client sends the Secure cookies over the loopback as the
proxy would, and every POST carries the CSRF token from the page and a same-origin Referer,
like a browser.
"""

import json
import os
import random
import re
import uuid

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())
PASSWORD = os.environ["LOADTEST_PASSWORD"]
RUN_ID = os.environ["LOADTEST_RUN_ID"]
RECORD = os.environ["LOADTEST_RECORD"]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class SiteUser(HttpUser):
    abstract = True
    # A person reads a page before the next click: a few seconds, not a tight loop.
    wait_time = between(3, 8)
    usernames: tuple[str, ...] = ()

    def on_start(self):
        self.username = random.choice(self.usernames)
        self.plan = PLAN[self.username]
        self.origin = "https://" + self.host.split("://", 1)[1]
        self.client.headers["X-Forwarded-Proto"] = "https"
        page = self.get("/accounts/login/", name="login page")
        self.post(
            "/accounts/login/",
            referer="/accounts/login/",
            data={
                "csrfmiddlewaretoken": self.csrf_token(page),
                "username": self.username,
                "password": PASSWORD,
                "next": "/",
            },
            name="log in",
            expect_redirect_to="/",
        )

    # Requests --------------------------------------------------------------------------------

    def trust_cookies(self):
        # The Secure cookies came over the proxy's HTTPS in production; send them back here.
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path, name):
        self.trust_cookies()
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response

    def post(self, path, *, referer, data, name, expect_redirect_to):
        """POST like a browser; success is the redirect the view answers a saved form with."""
        self.trust_cookies()
        with self.client.post(
            path,
            data=data,
            headers={"Referer": self.origin + referer},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and location.endswith(expect_redirect_to):
                response.success()
                return True
            response.failure(f"HTTP {response.status_code} to {location or 'nowhere'}")
            return False

    @staticmethod
    def csrf_token(response):
        match = CSRF_INPUT.search(response.text or "")
        return match.group(1) if match else ""

    # Tasks -----------------------------------------------------------------------------------

    @task(4)
    def dashboard(self):
        self.get("/", name="dashboard")

    @task(2)
    def minutes(self):
        if self.plan["meetings"]:
            meeting = random.choice(self.plan["meetings"])
            self.get(f"/meetings/{meeting}/", name="minutes")

    @task(3)
    def action_page(self):
        action = random.choice(self.plan["read"])
        self.get(f"/actions/{action}/", name="action page")


class PostsUpdates(SiteUser):
    abstract = True

    @task(2)
    def post_update(self):
        """Open an action page and post a progress note from its form."""
        if not self.plan["post"]:
            return
        action = random.choice(self.plan["post"])
        path = f"/actions/{action}/"
        page = self.get(path, name="action page")
        if page.status_code != 200:
            return
        note = f"Load test {RUN_ID} update {uuid.uuid4().hex}: progress reported."
        saved = self.post(
            f"/actions/{action}/note/",
            referer=path,
            data={"csrfmiddlewaretoken": self.csrf_token(page), "note-note": note},
            name="post update",
            expect_redirect_to=path,
        )
        if saved:
            with open(RECORD, "a", encoding="utf-8") as record:
                record.write(json.dumps({"action": action, "note": note, "user": self.username}))
                record.write("\n")


class Officer(PostsUpdates):
    weight = 2
    usernames = ("archive-officer",)

    @task(1)
    def action_log(self):
        self.get("/actions/?status=outstanding", name="action log")


class Commissioner(SiteUser):
    weight = 1
    usernames = ("archive-pcc",)


class ForceStaff(PostsUpdates):
    weight = 2
    usernames = ("archive-force-cc", "archive-force-dcc", "archive-force-acc")
