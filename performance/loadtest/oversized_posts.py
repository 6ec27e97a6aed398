"""Oversized formset posts against gunicorn, and the public list meanwhile
(``make loadtest-oversized``; issue 14, "Hardening").

1. Create a PostgreSQL database (``assurance_oversized``, dropped first if left over), migrate
   it and fill it with the archive at scale 1, its accounts (the OPCC officer
   ``archive-officer`` among them) given a random password.
2. Start gunicorn (gunicorn.conf.py, 2 workers × 4 threads) on a free loopback port with
   production settings, as ``run.py`` does.
3. Sign the officer in (urllib with a cookie jar, standing in for a browser behind the TLS
   proxy) and open a draft meeting's edit form and one of its items' form, for their tokens.
4. For each burst, in each round: eight POSTs of that form sent at once (threads), each with its
   formset's TOTAL_FORMS at 2000, while another thread asks for the public minutes list
   (/public/) as an anonymous reader, one request after another, timing each. The bursts:

   - ``meeting``: the meeting edit form with attendance-TOTAL_FORMS=2000 and 2000 rows of data.
     That is more fields than Django parses (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000), so Django
     answers 400 before any view runs.
   - ``meeting-capped``: TOTAL_FORMS=2000 with as many rows of data as fit under that field
     limit: the largest post that reaches the formset.
   - ``item`` and ``item-capped``: the same with the item form's actions-TOTAL_FORMS.

5. Print each post's status, response size and time, and the public list's p50 and maximum
   during each burst; exit non-zero if a public list request failed or took longer than the
   limit (1 s), or a post answered 500 (or not at all).
6. Drop the database (unless --keep).

``--root`` serves another checkout of the project (for instance a ``git worktree`` of an older
commit) with this script and the virtualenv running it. Loopback only.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from performance.loadtest import run as base  # noqa: E402

USERNAME = "archive-officer"  # the archive's OPCC officer (performance.synthetic_archive.USERS)
PUBLIC_LIST = "/public/"
TOTAL_FORMS = 2000
BURSTS = ("meeting", "meeting-capped", "item", "item-capped")
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=8, help="posts sent at once (default 8)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each burst (default 3)")
    parser.add_argument(
        "--bursts",
        default=",".join(BURSTS),
        help=f"comma-separated, from {', '.join(BURSTS)} (default all)",
    )
    parser.add_argument("--limit", type=float, default=1.0, help="public list limit in seconds")
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOADTEST_DATABASE_URL", base.MAINTENANCE_URL),
        help="the PostgreSQL server's maintenance database (default %(default)s)",
    )
    parser.add_argument("--database", default="assurance_oversized", help="database to create")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--root", type=Path, default=base.ROOT, help="the project tree to serve (default this one)"
    )
    args = parser.parse_args()
    args.bursts = [burst.strip() for burst in args.bursts.split(",") if burst.strip()]
    unknown = set(args.bursts) - set(BURSTS)
    if unknown:
        parser.error(f"unknown bursts: {', '.join(sorted(unknown))}")
    args.root = args.root.resolve()
    return args


# A browser stand-in over urllib -------------------------------------------------------------


class LoopbackCookies(http.cookiejar.DefaultCookiePolicy):
    """Send the Secure cookies over the loopback's plain HTTP, as the TLS proxy would."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to report, not to follow


@dataclass
class Answer:
    status: int  # 0: no answer (connection error or timeout)
    body: bytes
    location: str
    seconds: float
    error: str = ""


class Client:
    """Requests as a browser behind the TLS proxy sends them: X-Forwarded-Proto https, the
    session and CSRF cookies (with a cookie jar), a same-origin Referer on each POST."""

    def __init__(self, host: str, *, cookies: bool = True):
        self.host = host
        self.origin = "https://" + host.split("://", 1)[1]
        handlers: list = [NoRedirects()]
        if cookies:
            jar = http.cookiejar.CookieJar(policy=LoopbackCookies())
            handlers.append(urllib.request.HTTPCookieProcessor(jar))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, data=None, *, referer: str = "", timeout: float = 120) -> Answer:
        headers = {"X-Forwarded-Proto": "https"}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.origin + (referer or path)
        request = urllib.request.Request(self.host + path, data=body, headers=headers)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                status, content = response.status, response.read()
                location = response.headers.get("Location", "")
        except urllib.error.HTTPError as answer:
            status, content = answer.code, answer.read()
            location = answer.headers.get("Location", "")
        except OSError as error:
            return Answer(0, b"", "", time.perf_counter() - started, repr(error))
        return Answer(status, content, location, time.perf_counter() - started)


class FormFields(HTMLParser):
    """The fields each <form> of a page would send as it stands: (name, value) pairs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[list] = []
        self._textarea: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form.append((name, attrs.get("value") or "on"))
                return
            self._form.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in attrs)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._options.append([attrs.get("value"), "selected" in attrs, ""])
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._select is not None and self._options:
            self._options[-1][2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [option for option in self._options if option[1]]
            if not chosen and not multiple:
                chosen = self._options[:1]
            for value, _selected, text in chosen:
                self._form.append((name, value if value is not None else text.strip()))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form.append((name, text.removeprefix("\n")))
            self._textarea = None


def form_with(page: bytes, marker: str) -> list[tuple[str, str]]:
    """The fields of the page's form that holds a field named ``marker``."""
    parser = FormFields()
    parser.feed(page.decode("utf-8", "replace"))
    for fields in parser.forms:
        if any(name == marker for name, _value in fields):
            return fields
    raise SystemExit(f"No form on the page has a field {marker!r}.")


def shown_rows(page: bytes, prefix: str) -> str:
    """The TOTAL_FORMS an answered page carries (what sending it again asks for), or "-"."""
    match = re.search(rf'name="{re.escape(prefix)}-TOTAL_FORMS" value="(\d+)"'.encode(), page)
    if match is None:
        match = re.search(rf'value="(\d+)" name="{re.escape(prefix)}-TOTAL_FORMS"'.encode(), page)
    return match.group(1).decode() if match else "-"


def sign_in(client: Client, password: str) -> None:
    page = client.request("/accounts/login/")
    fields = dict(form_with(page.body, "username"))
    fields.update(username=USERNAME, password=password, next="/")
    answer = client.request("/accounts/login/", fields)
    if answer.status != 302 or not answer.location.endswith("/"):
        raise SystemExit(f"Signing in {USERNAME} answered {answer.status} {answer.location!r}.")


# The oversized posts ------------------------------------------------------------------------


@dataclass
class Target:
    """A form whose formset the bursts overfill."""

    path: str
    prefix: str
    describe: str


def oversized(
    fields: list[tuple[str, str]], prefix: str, *, template_row: int, rows: int, fill
) -> list[tuple[str, str]]:
    """The form's fields with its formset's TOTAL_FORMS at 2000: the page's own rows, then
    copies of row ``template_row`` (changed by ``fill(row, index)``) up to ``rows`` rows."""
    row_field = re.compile(rf"{re.escape(prefix)}-(\d+)-(.+)")
    management = {f"{prefix}-{name}" for name in MANAGEMENT}
    counts = {name: value for name, value in fields if name in management}
    page_rows: dict[int, list[tuple[str, str]]] = {}
    data = []
    for name, value in fields:
        match = row_field.fullmatch(name)
        if "__prefix__" in name:
            continue  # the empty row JavaScript copies, in a <template>: a browser sends none
        if match:
            page_rows.setdefault(int(match.group(1)), []).append((match.group(2), value))
        elif name not in management:
            data.append((name, value))
    template = page_rows[template_row]
    counts[f"{prefix}-TOTAL_FORMS"] = str(TOTAL_FORMS)
    data += list(counts.items())
    for index in range(rows):
        row = page_rows.get(index) if index < template_row else None
        if row is None:
            row = fill(dict(template), index)
            row = list(row.items())
        data += [(f"{prefix}-{index}-{name}", value) for name, value in row]
    return data


def capped_rows(fields, prefix: str, template_row: int, field_limit: int | None) -> int:
    """The most rows (at most TOTAL_FORMS) whose fields Django still parses."""
    if field_limit is None:
        return TOTAL_FORMS
    row_field = re.compile(rf"{re.escape(prefix)}-(\d+)-(.+)")
    per_row = sum(
        1
        for name, _value in fields
        if (match := row_field.fullmatch(name)) and int(match.group(1)) == template_row
    )
    others = sum(
        1 for name, _value in fields if not row_field.fullmatch(name) and "__prefix__" not in name
    )
    return min(TOTAL_FORMS, (field_limit - others) // per_row)


def fill_attendance(row: dict, index: int) -> dict:
    return row  # the same person as the first row, again and again


def fill_action(row: dict, index: int) -> dict:
    if "description" in row:
        row["description"] = f"Oversized post, action {index}"
    if "owners" in row:
        row["owners"] = "CC"
    return row


def template_row_of(fields, target: Target) -> int:
    """The row the copies are made from: the first attendance row; the first new action."""
    if target.prefix == "attendance":
        return 0
    ids = {
        int(name.split("-")[1]): value
        for name, value in fields
        if re.fullmatch(rf"{target.prefix}-\d+-action_id", name)
    }
    return min(index for index, value in ids.items() if not value)


# Public list probe --------------------------------------------------------------------------


@dataclass
class Probe:
    """The public list asked for one request after another until stopped."""

    host: str
    samples: list[Answer] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self):
        client = Client(self.host, cookies=False)
        while not self.stopping.is_set():
            self.samples.append(client.request(PUBLIC_LIST, timeout=120))


def figures(samples: list[Answer]) -> str:
    times = [sample.seconds * 1000 for sample in samples]
    failed = sum(1 for sample in samples if sample.status != 200)
    if not times:
        return "no requests"
    return (
        f"{len(times)} requests, p50 {statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms, {failed} failed"
    )


def public_ok(samples: list[Answer], limit: float) -> bool:
    return all(sample.status == 200 and sample.seconds <= limit for sample in samples)


# The bursts ---------------------------------------------------------------------------------


def burst(host, client, target: Target, build, posts: int) -> tuple[list[Answer], list[Answer]]:
    """``posts`` POSTs of ``target`` at once (each from a fresh page, with its own tokens)
    while the probe asks for the public list; returns the posts' and the probe's answers."""
    bodies = []
    for _ in range(posts):
        page = client.request(target.path)
        if page.status != 200:
            raise SystemExit(f"{target.path} answered {page.status}.")
        bodies.append(build(form_with(page.body, f"{target.prefix}-TOTAL_FORMS")))
    answers: list[Answer | None] = [None] * posts
    start = threading.Barrier(posts + 1)

    def post(index):
        start.wait()
        answers[index] = client.request(target.path, bodies[index], timeout=300)

    threads = [threading.Thread(target=post, args=(index,)) for index in range(posts)]
    for thread in threads:
        thread.start()
    probe = Probe(host)
    prober = threading.Thread(target=probe.run)
    start.wait()
    prober.start()
    for thread in threads:
        thread.join()
    probe.stopping.set()
    prober.join()
    return answers, probe.samples


def describe_post(answer: Answer, prefix: str) -> str:
    size = len(answer.body) / 1024
    if answer.status == 0:
        return f"no answer after {answer.seconds:.2f} s ({answer.error})"
    where = f" to {answer.location}" if answer.location else ""
    described = f"{answer.status}{where}, {size:7.1f} KB, {answer.seconds:6.2f} s"
    if answer.status == 200:
        described += f", the page's TOTAL_FORMS {shown_rows(answer.body, prefix)}"
    return described


def pick_forms():
    """A draft meeting of the archive and its item with the most actions arising."""
    from django.db.models import Count

    from meetings.models import AgendaItem, Meeting

    meeting = (
        Meeting.objects.filter(status=Meeting.Status.DRAFT)
        .annotate(item_count=Count("items"))
        .filter(item_count__gt=0)
        .order_by("date")
        .first()
    )
    if meeting is None:
        raise SystemExit("The archive holds no draft meeting with items.")
    item = (
        AgendaItem.objects.filter(meeting=meeting)
        .annotate(action_count=Count("actions"))
        .order_by("-action_count", "pk")
        .first()
    )
    return meeting, item


def main() -> int:
    args = parse_args()
    base.check_database_name(args.database)
    password = secrets.token_urlsafe(16)
    url = base.database_url(args.database_url, args.database)
    base.production_environment(url)
    sys.path.insert(0, str(args.root))
    os.chdir(args.root)
    print(f"Oversized posts on {os.cpu_count()} CPUs; tree {args.root}; database {args.database}.")
    base.create_database(args.database_url, args.database)
    work = Path(tempfile.mkdtemp(prefix="assurance-oversized-"))
    gunicorn = None
    failures: list[str] = []
    try:
        base.fill(args.scale, args.seed, password)
        from django.conf import settings

        import meetings

        if Path(meetings.__file__).resolve().parent.parent != args.root:
            raise SystemExit(f"Imported the project from {meetings.__file__}, not {args.root}.")
        field_limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        meeting, item = pick_forms()
        from django.db import connections

        connections.close_all()

        port = base.free_port()
        host = f"http://127.0.0.1:{port}"
        print(
            f"gunicorn on {host}: {args.workers} workers × {args.threads} threads; its log "
            f"is {work / 'gunicorn.log'}, its access log {work / 'access.log'}."
        )
        gunicorn = base.start_gunicorn(
            port,
            workers=args.workers,
            threads=args.threads,
            access_log=work / "access.log",
            root=args.root,
            output=work / "gunicorn.log",
        )
        base.wait_until_up(f"{host}/accounts/login/", gunicorn)

        client = Client(host)
        sign_in(client, password)
        targets = {
            "meeting": Target(
                f"/meetings/{meeting.pk}/edit/", "attendance", f"meeting {meeting.pk}'s edit form"
            ),
            "item": Target(
                f"/meetings/{meeting.pk}/agenda/{item.pk}/edit/",
                "actions",
                f"item {item.pk}'s form ({item.action_count} actions)",
            ),
        }
        idle = [Client(host, cookies=False).request(PUBLIC_LIST) for _ in range(20)]
        print(f"Public list {PUBLIC_LIST} before the bursts: {figures(idle)}.")
        if not public_ok(idle, args.limit):
            failures.append("the public list was slow or failing before any burst")

        summary = []
        for name in args.bursts:
            target = targets[name.split("-")[0]]
            page = client.request(target.path)
            fields = form_with(page.body, f"{target.prefix}-TOTAL_FORMS")
            template = template_row_of(fields, target)
            if name.endswith("-capped"):
                rows = capped_rows(fields, target.prefix, template, field_limit)
            else:
                rows = TOTAL_FORMS
            fill = fill_attendance if target.prefix == "attendance" else fill_action

            def build(fields, target=target, template=template, rows=rows, fill=fill):
                return oversized(fields, target.prefix, template_row=template, rows=rows, fill=fill)

            sample = build(fields)
            size = len(urllib.parse.urlencode(sample)) / 1024
            print(
                f"\nBurst {name}: {args.posts} POSTs at once of {target.describe} {target.path}, "
                f"{target.prefix}-TOTAL_FORMS={TOTAL_FORMS} with {rows} rows of data "
                f"({len(sample)} fields, {size:.0f} KB each; Django parses at most "
                f"{field_limit} fields)."
            )
            posts_all, public_all = [], []
            for round_number in range(1, args.rounds + 1):
                answers, samples = burst(host, client, target, build, args.posts)
                posts_all += answers
                public_all += samples
                print(f"  Round {round_number}:")
                for number, answer in enumerate(answers, start=1):
                    print(f"    post {number}: {describe_post(answer, target.prefix)}")
                print(f"    public list during the burst: {figures(samples)}")
                time.sleep(1)
            statuses: dict[str, int] = {}
            for answer in posts_all:
                key = str(answer.status or "no answer")
                statuses[key] = statuses.get(key, 0) + 1
            post_times = [answer.seconds for answer in posts_all]
            public_times = [sample.seconds * 1000 for sample in public_all]
            summary.append(
                (
                    name,
                    len(posts_all),
                    ", ".join(f"{count}×{status}" for status, count in statuses.items()),
                    statistics.median(post_times),
                    max(post_times),
                    len(public_all),
                    statistics.median(public_times) if public_times else 0,
                    max(public_times) if public_times else 0,
                )
            )
            if not public_ok(public_all, args.limit):
                failures.append(
                    f"{name}: a public list request failed or took over {args.limit:g} s"
                )
            if any(answer.status == 0 or answer.status >= 500 for answer in posts_all):
                failures.append(f"{name}: a post answered 5xx or not at all")

        print(
            f"\nSummary ({args.posts} posts at once × {args.rounds} rounds a burst; "
            f"public list {PUBLIC_LIST} asked back to back during each burst):"
        )
        print(
            f"{'burst':<15} {'posts':>5}  {'statuses':<12} {'post p50 s':>10} {'post max s':>10} "
            f"{'public n':>8} {'p50 ms':>7} {'max ms':>7}"
        )
        for name, count, statuses, p50, top, public_n, public_p50, public_max in summary:
            print(
                f"{name:<15} {count:>5}  {statuses:<12} {p50:>10.2f} {top:>10.2f} "
                f"{public_n:>8} {public_p50:>7.0f} {public_max:>7.0f}"
            )
        base.stop(gunicorn)
        if failures:
            print("FAIL: " + "; ".join(failures))
            return 1
        print(
            f"PASS: every public list request answered 200 within {args.limit:g} s, "
            "and no post answered 5xx."
        )
        return 0
    finally:
        if gunicorn is not None:
            base.stop(gunicorn)
        if not args.keep:
            base.drop_database(args.database_url, args.database)


if __name__ == "__main__":
    sys.exit(main())
