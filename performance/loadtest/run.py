"""Run the load test end to end (``make loadtest``).

1. Create a PostgreSQL database (dropped first if left over), migrate it and fill it with the
   archive at scale 10 (``performance.synthetic_archive``), with a random password for its accounts.
2. Start gunicorn (2 workers, 4 threads) on a free loopback port with production settings
   (DEBUG off, a random SECRET_KEY; HTTPS redirect off because the client stands in for the
   TLS proxy).
3. Run Locust headless for 60 seconds with 50 users (officers, the PCC and force staff, see
   ``locustfile.py``), then stop gunicorn.
4. Print requests per second, p50/p95/p99 and errors, and check in the database that every
   update POST the users saw succeed wrote exactly one ActionUpdate (``check.py``).
5. Drop the database (unless --keep).

Exits non-zero if a request failed or the database check failed. Loopback only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent  # the project tree: manage.py, gunicorn.conf.py
BIN = Path(sys.executable).parent
MAINTENANCE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PLAN_LIMIT = 300  # ids per list in the plan: plenty to spread the load


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", default="60s", help="Locust run time (default 60s)")
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LOADTEST_DATABASE_URL", MAINTENANCE_URL),
        help="the PostgreSQL server's maintenance database (default %(default)s)",
    )
    parser.add_argument("--database", default="assurance_loadtest", help="database to create")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def maintenance(url: str, statement: str) -> None:
    import dj_database_url
    import psycopg2

    db = dj_database_url.parse(url)
    server = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"],
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(statement)
    server.close()


def database_url(maintenance_url: str, name: str) -> str:
    return maintenance_url.rsplit("/", 1)[0] + "/" + name


def check_database_name(name: str) -> None:
    if not name.replace("_", "").isalnum():
        raise SystemExit("Give --database as letters, digits and underscores.")


def create_database(maintenance_url: str, name: str) -> None:
    """Create the database ``name``, dropping a leftover one of that name first."""
    maintenance(maintenance_url, f'DROP DATABASE IF EXISTS "{name}"')
    maintenance(maintenance_url, f'CREATE DATABASE "{name}"')


def drop_database(maintenance_url: str, name: str) -> None:
    """Close this process's connections (if Django has any) and drop the database ``name``."""
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()
    maintenance(maintenance_url, f'DROP DATABASE IF EXISTS "{name}"')


def production_environment(url: str) -> None:
    """This process's environment (inherited by gunicorn): production settings on ``url``, a
    random SECRET_KEY, the HTTPS redirect off (the client stands in for the TLS proxy)."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="assurance.settings",
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
    )


def archive_generator(root: Path):
    """The archive generator of the tree being served (the working directory): a checkout
    from before the generator moved into ``performance`` (``oversized_posts.py --root``)
    still has it as ``assurance.archive``."""
    if (root / "assurance" / "archive.py").exists():
        from assurance.archive import generate_archive
    else:
        from performance.synthetic_archive import generate_archive
    return generate_archive


def fill(scale: float, seed: int, password: str):
    """Migrate the database, collect the static files and write the archive at ``scale``,
    its accounts (``performance.synthetic_archive.USERS``) signing in with ``password``."""
    import django
    from django.core.management import call_command

    django.setup()
    generate_archive = archive_generator(Path.cwd())

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    started = time.perf_counter()
    summary = generate_archive(scale=scale, seed=seed, password=password)
    print(
        f"Archive at scale {scale:g}: {summary.meetings} meetings, {summary.actions} "
        f"actions, {summary.updates} updates ({time.perf_counter() - started:.1f} s)."
    )
    return summary


def prepare(args, password: str) -> dict:
    """Migrate and fill the database, collect the static files; return the users' plan."""
    fill(args.scale, args.seed, password)
    from django.contrib.auth import get_user_model

    from actions.models import Action
    from actions.workflow import may_add_note
    from meetings.models import Meeting
    from performance.synthetic_archive import USERS

    plan = {}
    for username in USERS:
        user = get_user_model().objects.get(username=username)
        visible = Action.objects.visible_to(user).order_by("-origin_meeting__date", "pk")
        readable = list(visible.values_list("pk", flat=True)[:PLAN_LIMIT])
        outstanding = visible.outstanding()
        postable = [
            action.pk
            for action in outstanding[: PLAN_LIMIT * 2]
            if may_add_note(user=user, action=action)
        ][:PLAN_LIMIT]
        meetings = Meeting.objects.visible_to(user).order_by("-date")
        plan[username] = {
            "read": readable,
            "post": postable,
            "meetings": list(meetings.values_list("pk", flat=True)[:PLAN_LIMIT]),
        }
    from django.db import connections

    connections.close_all()
    return plan


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped before it answered; see its log above.")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds:.0f} s.")


def start_gunicorn(
    port: int,
    *,
    workers: int,
    threads: int,
    access_log: Path,
    root: Path = ROOT,
    output: Path | None = None,
) -> subprocess.Popen:
    """gunicorn serving the tree ``root`` with its gunicorn.conf.py on the loopback ``port``,
    in this process's environment (``production_environment``); its own output (the error
    log) goes to this process's unless ``output`` names a file for it."""
    command = [str(BIN / "gunicorn")]
    if (root / "gunicorn.conf.py").exists():
        command += ["--config", str(root / "gunicorn.conf.py")]
    command += [
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        str(access_log),
        "assurance.wsgi:application",
    ]
    if output is None:
        return subprocess.Popen(command, cwd=root)
    with output.open("ab") as log:
        return subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def locust_summary(stats_csv: Path) -> tuple[str, int]:
    """The per-request and aggregated figures from Locust's stats CSV, and the failure count."""
    with stats_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lines = [
        f"{'Request':<16} {'count':>7} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7}"
    ]
    failures = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        if row["Name"] == "Aggregated":
            failures = int(row["Failure Count"])
        lines.append(
            f"{name:<16} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )
    return "\n".join(lines), failures


def main() -> int:
    args = parse_args()
    check_database_name(args.database)
    password = secrets.token_urlsafe(16)
    run_id = f"run-{secrets.token_hex(6)}"
    url = database_url(args.database_url, args.database)
    production_environment(url)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    print(f"Load test {run_id} on {os.cpu_count()} CPUs; database {args.database}.")
    create_database(args.database_url, args.database)
    work = Path(tempfile.mkdtemp(prefix="assurance-loadtest-"))
    gunicorn = None
    try:
        plan = prepare(args, password)
        (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        record = work / "record.jsonl"
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        print(f"gunicorn on {host}: {args.workers} workers × {args.threads} threads.")
        gunicorn = start_gunicorn(
            port, workers=args.workers, threads=args.threads, access_log=work / "access.log"
        )
        wait_until_up(f"{host}/accounts/login/", gunicorn)

        print(f"Locust: {args.users} users, spawn rate {args.spawn_rate}/s, {args.duration}.")
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "--locustfile",
                str(HERE / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                args.duration,
                "--stop-timeout",
                "10",
                "--host",
                host,
                "--csv",
                str(work / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env=os.environ
            | {
                "LOADTEST_PLAN": str(work / "plan.json"),
                "LOADTEST_PASSWORD": password,
                "LOADTEST_RUN_ID": run_id,
                "LOADTEST_RECORD": str(record),
            },
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        stop(gunicorn)

        table, failures = locust_summary(work / "locust_stats.csv")
        print("\nLoad test summary (response times in ms):")
        print(table)
        from performance.loadtest.check import check_updates, read_record

        result = check_updates(read_record(record), run_id)
        print(f"\nDatabase check: {result.summary()}")
        for problem in result.missing + result.duplicated + result.wrong_action:
            print(f"  {problem}")
        print(f"Locust exit code {locust.returncode}; its files are in {work}.")
        return 0 if result.ok and failures == 0 else 1
    finally:
        if gunicorn is not None:
            stop(gunicorn)
        if not args.keep:
            drop_database(args.database_url, args.database)


if __name__ == "__main__":
    sys.exit(main())
