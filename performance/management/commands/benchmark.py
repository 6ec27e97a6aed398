"""``manage.py benchmark``: how long the main pages take on a small and on a twenty-year archive.

For each scale (1 and 10 by default) it creates a throwaway database the way Django's test
runner does (``creation.create_test_db``: a temporary file on SQLite, ``benchmark_s<scale>``
on PostgreSQL through the maintenance database), migrates it, fills it with
``performance.synthetic_archive``, warms each page up, then times ``--requests`` requests per
page with Django's test client (server side: middleware, view, queries, template; no network).
It prints p50 and p95 milliseconds, queries per request, p50 as a multiple of the framework
floor, and the growth of p50 from the first scale to the last, then drops the databases.

Two references are measured in the same run: the framework floor (a signed-in page that renders
the base template and reads nothing but the session and the user, served from a URLconf that
exists only while the benchmark runs) and the Django admin's Action change list.

The dashboard and the minutes are kept in the page cache until the records change
(``assurance.caching``), so after the warm-up they are served from it, as they are between two
changes on a live site. ``--no-cache`` renders every request instead: what the first reader after
a change waits for.
"""

from __future__ import annotations

import copy
import functools
import os
import statistics
import tempfile
import time
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.models import Count
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, path, reverse

from actions.filters import ActionFilterForm
from actions.models import Action
from assurance.fields import PlainSelect
from meetings.models import Meeting, Office
from performance.synthetic_archive import generate_archive

SEED = 7
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
WARM_UP = 3
FLOOR = "Framework floor (reference)"
ADMIN = "Admin Action change list (reference)"
FLOOR_TEMPLATE = (
    '{% extends "base.html" %}{% block title %}Benchmark floor{% endblock %}'
    "{% block content %}<h1>Benchmark floor</h1>{% endblock %}"
)


@functools.cache
def _floor_template():
    return engines["django"].from_string(FLOOR_TEMPLATE)


def floor_view(request):
    """The framework floor: the base template for a signed-in user, no queries of its own."""
    return HttpResponse(_floor_template().render({}, request))


def benchmark_urlconf():
    """The site's URLs plus the floor page, for the length of the benchmark only."""
    root = import_module(settings.ROOT_URLCONF)
    floor = path("benchmark-floor/", floor_view, name="benchmark-floor")
    urlconf = types.ModuleType("assurance_benchmark_urls")
    urlconf.urlpatterns = [floor, *root.urlpatterns]
    return urlconf


@dataclass
class Page:
    """A page to time: its label, who asks for it (None = anonymous), and how to find its URL
    in the generated archive (None when the page does not exist in this build)."""

    label: str
    username: str | None
    url: Callable[[], str | None]


@dataclass
class Measurement:
    p50: float | None = None
    p95: float | None = None
    queries: int | None = None
    note: str = ""


@dataclass
class ScaleResult:
    scale: float
    summary: str
    measurements: dict[str, Measurement] = field(default_factory=dict)


def _reverse_or_none(name: str, *args, query: str = "") -> str | None:
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def _largest_meeting(queryset=None) -> Meeting:
    queryset = Meeting.objects.all() if queryset is None else queryset
    return (
        queryset.annotate(
            size=Count("actions_arising", distinct=True) + Count("items", distinct=True)
        )
        .order_by("-size", "-date")
        .first()
    )


def _public_detail_url() -> str | None:
    meeting = _largest_meeting(Meeting.objects.filter(status=Meeting.Status.PUBLISHED))
    return meeting and _reverse_or_none("public:detail", meeting.pk)


def _longest_timeline_url() -> str:
    action = Action.objects.annotate(n=Count("updates")).order_by("-n", "pk").first()
    return reverse("actions:detail", args=[action.pk])


def _filtered_log_url() -> str:
    chief_constable = Office.objects.get(abbreviation="CC")
    return reverse("actions:log") + f"?owner={chief_constable.pk}&status=outstanding"


PAGES = (
    Page(FLOOR, "archive-officer", lambda: reverse("benchmark-floor")),
    Page("Dashboard (commissioner)", "archive-pcc", lambda: reverse("home")),
    Page("Dashboard (force user)", "archive-force-cc", lambda: reverse("home")),
    Page("Action log, page 1, filtered", "archive-officer", _filtered_log_url),
    Page("Action page, longest timeline", "archive-officer", _longest_timeline_url),
    Page(
        "Minutes of the largest meeting",
        "archive-officer",
        lambda: reverse("meetings:detail", args=[_largest_meeting().pk]),
    ),
    Page("Public minutes list", None, lambda: _reverse_or_none("public:list")),
    Page("Public minutes, largest meeting", None, _public_detail_url),
    Page(
        "Search",
        "archive-officer",
        lambda: _reverse_or_none("meetings:search", query="?q=response+times"),
    ),
    Page("CSV export, all actions", "archive-officer", lambda: reverse("actions:export")),
    Page(ADMIN, "benchmark-admin", lambda: reverse("admin:actions_action_changelist")),
)


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def measure(client: Client, url: str, requests: int) -> Measurement:
    """Warm the page up, count its queries once, then time ``requests`` requests."""
    for attempt in range(WARM_UP):
        if attempt == WARM_UP - 1:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, secure=True)
            # Counted now: the next request clears the connection's query log.
            query_count = len(queries.captured_queries)
        else:
            response = client.get(url, secure=True)
        if response.status_code != 200:
            return Measurement(note=f"HTTP {response.status_code}")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
    return Measurement(
        p50=statistics.median(timings),
        p95=percentile(timings, 0.95),
        queries=query_count,
    )


def database_name(scale: float, directory: Path) -> str:
    """The throwaway database's name: a file on SQLite, ``benchmark_s<scale>`` elsewhere."""
    label = f"benchmark_s{scale:g}".replace(".", "_")
    if connection.vendor == "sqlite":
        return str(directory / f"{label}.sqlite3")
    return label


class ThrowawayDatabase:
    """Swap the default connection for one to a new database created, migrated and later
    destroyed by Django's test-database machinery; the original connection is left alone."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self.original = connections["default"]
        settings_dict = copy.deepcopy(self.original.settings_dict)
        settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "NAME": self.name}
        self.saved_name = settings.DATABASES["default"]["NAME"]
        self.wrapper = self.original.__class__(settings_dict, "default")
        connections["default"] = self.wrapper
        try:
            self.wrapper.creation.create_test_db(
                verbosity=0, autoclobber=True, serialize=False, keepdb=False
            )
        except BaseException:
            self._restore()
            raise
        return self

    def __exit__(self, *exc_info):
        try:
            self.wrapper.creation.destroy_test_db(self.saved_name, verbosity=0)
        finally:
            self._restore()

    def _restore(self):
        self.wrapper.close()
        connections["default"] = self.original
        settings.DATABASES["default"]["NAME"] = self.saved_name


def run_scale(scale: float, requests: int, directory: Path, log) -> ScaleResult:
    """Build the archive at ``scale`` in a throwaway database and time every page on it."""
    # Each scale's database starts its content version afresh: the pages cached for the last
    # scale must not be served for this one.
    cache.clear()
    with ThrowawayDatabase(database_name(scale, directory)):
        started = time.perf_counter()
        summary = generate_archive(scale=scale, seed=SEED)
        get_user_model().objects.create_superuser("benchmark-admin", password=None)
        result = ScaleResult(
            scale,
            f"scale {scale:g}: {summary.meetings} meetings, {summary.items} agenda items, "
            f"{summary.actions} actions, {summary.updates} updates "
            f"(generated in {time.perf_counter() - started:.1f} s)",
        )
        log(result.summary)
        # The same conditions as production: no DEBUG query log; "testserver" is the client's
        # host, and requests are made as https so a production SECURE_SSL_REDIRECT is no bar.
        with override_settings(
            DEBUG=False, ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=benchmark_urlconf()
        ):
            users = get_user_model().objects.in_bulk(
                [page.username for page in PAGES if page.username], field_name="username"
            )
            for page in PAGES:
                url = page.url()
                if url is None:
                    result.measurements[page.label] = Measurement(note="missing")
                    continue
                client = Client()
                if page.username:
                    client.force_login(users[page.username])
                result.measurements[page.label] = measure(client, url, requests)
            log(meeting_select_cost(users["archive-officer"], requests))
    return result


def meeting_select_cost(user, requests: int) -> str:
    """What the action log's meeting filter costs to draw with Django's ``Select`` and with
    ``PlainSelect`` (actions/filters.py), which the form uses: the same options, every meeting
    the user may read."""
    field = ActionFilterForm(user=user).fields["origin_meeting"]
    choices = list(field.choices)
    chosen = str(choices[-1][0])
    timings = {}
    for widget in (forms.Select(choices=choices), PlainSelect(choices=choices)):
        widget.render("origin_meeting", chosen)  # warm up
        runs = []
        for _ in range(requests):
            started = time.perf_counter()
            widget.render("origin_meeting", chosen)
            runs.append((time.perf_counter() - started) * 1000)
        timings[type(widget).__name__] = percentile(runs, 0.5)
    return (
        f"  meeting filter, {len(choices)} options: p50 {timings['Select']:.1f} ms with "
        f"Django's Select, {timings['PlainSelect']:.1f} ms with PlainSelect"
    )


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def format_table(results: list[ScaleResult]) -> str:
    """One row per page: each scale's p50, p95, queries and p50 ÷ floor, then the growth."""
    headers = ["Page"]
    for result in results:
        tag = f"s{result.scale:g}"
        headers += [f"{tag} p50 ms", f"{tag} p95 ms", f"{tag} queries", f"{tag} ×floor"]
    if len(results) > 1:
        headers.append(f"growth s{results[-1].scale:g}/s{results[0].scale:g}")
    rows = []
    for page in PAGES:
        row = [page.label]
        for result in results:
            measured = result.measurements[page.label]
            floor = result.measurements[FLOOR].p50
            if measured.p50 is None:
                row += [measured.note, "", "", ""]
                continue
            ratio = f"{measured.p50 / floor:.1f}" if floor else ""
            row += [_ms(measured.p50), _ms(measured.p95), str(measured.queries), ratio]
        if len(results) > 1:
            first = results[0].measurements[page.label].p50
            last = results[-1].measurements[page.label].p50
            row.append(f"{last / first:.2f}×" if first and last else "")
        rows.append(row)
    widths = [max(len(str(line[i])) for line in [headers, *rows]) for i in range(len(headers))]

    def line(cells):
        first, *rest = cells
        return " | ".join(
            [first.ljust(widths[0])] + [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]
        )

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


class Command(BaseCommand):
    help = (
        "Build the archive at scale 1 and 10 in throwaway databases and time the main pages "
        "(p50/p95 ms, queries, ratio to the framework floor, growth between scales). "
        "Uses SQLite by default, PostgreSQL with DATABASE_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--requests", type=int, default=30, help="timed requests per page (default 30)"
        )
        parser.add_argument(
            "--scales", default="1,10", help="comma-separated archive scales (default 1,10)"
        )
        parser.add_argument(
            "--no-cache",
            action="store_true",
            help="render every request (no page cache), to measure what a change costs the "
            "first reader after it",
        )
        parser.add_argument(
            "--quick",
            action="store_true",
            help="tiny archives (scales 0.05 and 0.1) and 3 requests a page, for tests",
        )

    def handle(self, *args, requests, scales, quick, no_cache, **options):
        if quick:
            scales, requests = "0.05,0.1", 3
        try:
            scale_values = [float(value) for value in scales.split(",") if value.strip()]
        except ValueError:
            raise CommandError("Give --scales as numbers separated by commas, e.g. 1,10.") from None
        if not scale_values or min(scale_values) <= 0:
            raise CommandError("Give at least one --scales value above 0, e.g. 1,10.")
        if requests < 1:
            raise CommandError("Give --requests of 1 or more.")

        vendor = connection.vendor
        self.stdout.write(
            f"Benchmark on {vendor} ({os.cpu_count()} CPUs): {requests} timed requests a page "
            f"after {WARM_UP} warm-up requests, seed {SEED}, "
            + ("no page cache (every request renders)." if no_cache else "page cache on.")
        )
        caches = NO_CACHE if no_cache else settings.CACHES
        results = []
        with (
            override_settings(CACHES=caches),
            tempfile.TemporaryDirectory(prefix="assurance-benchmark-") as directory,
        ):
            for scale in scale_values:
                results.append(run_scale(scale, requests, Path(directory), self.stdout.write))
        self.stdout.write("")
        self.stdout.write(format_table(results))
