"""Hardening of sign-in and operations (issue "Hardening", defects 1, 4 and 7 in part).

An over-long username is refused by the form and never reaches django-axes' storage; a lock
holds the pair of username and address, and a username tried from many addresses is delayed
for new addresses only, so nobody can lock another person out; signed-in responses are never
stored; backups are owner-only; SQLite takes concurrent writers; /health/ says whether the
database and cache answer; and a database that cannot be reached fails the system check and
stops gunicorn from starting.
"""

import json
import os
import socket
import stat
import subprocess
import sys
import time

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.db.models.functions import Length
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assurance.signin_throttle import seconds_to_wait
from tests.factories import ActionFactory, MeetingFactory, UserFactory
from tests.pages import page_text
from tests.test_security_settings import BASE_DIR, production_environment, run_python

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests/factories.py UserFactory
LOCKED_OUT = "Signing in is paused for 15 minutes"
DELAYED = "many unsuccessful attempts to sign in to this account from other places"
UNREACHABLE_DATABASE = "postgres://postgres@127.0.0.1:1/nowhere"


def sign_in(username, password, address="203.0.113.1", client=None, path=None):
    """POST the sign-in form from ``address`` (REMOTE_ADDR, which assurance.signin.
    client_ip_address reads when no trusted proxy is configured)."""
    client = client or Client()
    return client.post(
        path or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_from_many_addresses(username: str, times: int) -> None:
    """``times`` wrong passwords for ``username``, each from a different address, so that no
    pair of username and address comes near its lock."""
    for number in range(times):
        response = sign_in(username, "wrong-password", address=f"192.0.2.{number + 1}")
        assert response.status_code == 200


def stored_username_lengths() -> set[int]:
    lengths = set()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        lengths |= set(
            model.objects.annotate(length=Length("username")).values_list("length", flat=True)
        )
    return lengths


# Defect 1: an over-long username


def test_a_256_character_username_is_refused_with_a_clear_message():
    response = sign_in("u" * 256, "wrong-password")

    assert response.status_code == 200
    assert "Username must be 150 characters or fewer" in page_text(response)
    # Refused by the form, before any authentication: nothing for axes to store.
    assert not AccessAttempt.objects.exists()


def test_a_150_character_username_is_still_checked(officer):
    response = sign_in("u" * 150, "wrong-password")

    assert response.status_code == 200
    assert "Enter a correct username and password" in page_text(response)
    assert stored_username_lengths() == {150}


@pytest.mark.parametrize("username", ["a" * 256, "b" * 5000, "nul\x00in the name"])
def test_a_hand_made_admin_sign_in_never_stores_what_does_not_fit(username):
    """The admin's login form has no length check of its own: what axes stores is still cut
    to the user model's length (assurance.signin.lockout_username)."""
    for _ in range(6):
        response = sign_in(username, "wrong-password", path=reverse("admin:login"))
        assert response.status_code in {200, 429}

    assert max(stored_username_lengths(), default=0) <= 150
    stored = AccessFailureLog.objects.values_list("username", flat=True)
    assert not any("\x00" in name for name in stored if name)


def test_a_malformed_forwarded_address_is_never_stored(settings):
    """Behind a proxy the client's address comes from X-Forwarded-For; an entry that is no
    address (PostgreSQL stores addresses in an inet column) falls back to the connection's."""
    settings.TRUSTED_PROXY_COUNT = 1
    response = Client().post(
        reverse("login"),
        {"username": "officer", "password": "wrong-password"},
        REMOTE_ADDR="127.0.0.1",
        headers={"x-forwarded-for": "not-an-address"},
    )
    assert response.status_code == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


# Defect 4: nobody can lock another person out


def test_five_failures_lock_the_username_at_that_address_but_not_from_another(officer):
    for _ in range(5):
        sign_in("officer", "wrong-password", address="203.0.113.1")

    here = sign_in("officer", PASSWORD, address="203.0.113.1")
    assert here.status_code == 429
    assert LOCKED_OUT in page_text(here)

    elsewhere = Client()
    assert sign_in("officer", PASSWORD, address="198.51.100.7", client=elsewhere).status_code == 302
    assert is_signed_in(elsewhere)


def test_failures_for_one_username_do_not_lock_others_behind_the_same_address(
    officer, commissioner
):
    """One office behind one shared address: a colleague's mistakes lock only their name."""
    for _ in range(5):
        sign_in("officer", "wrong-password", address="203.0.113.1")

    client = Client()
    assert sign_in("pcc", PASSWORD, address="203.0.113.1", client=client).status_code == 302
    assert is_signed_in(client)


def test_a_username_tried_from_many_addresses_makes_new_addresses_wait(commissioner):
    fail_from_many_addresses("pcc", 15)
    failures = AccessFailureLog.objects.count()

    client = Client()
    response = sign_in("pcc", PASSWORD, address="198.51.100.99", client=client)

    assert response.status_code == 200
    text = page_text(response)
    assert DELAYED in text
    assert "then sign in again" in text
    assert not is_signed_in(client)
    # Refused before the password was checked, so not counted as another failure.
    assert AccessFailureLog.objects.count() == failures


def test_a_stranger_cannot_lock_the_commissioner_out(commissioner):
    """The Commissioner signed in from the office before; a stranger then tries the name from
    many addresses, and five times from the office's neighbour address too."""
    assert sign_in("pcc", PASSWORD, address="198.51.100.7").status_code == 302
    fail_from_many_addresses("pcc", 30)
    for _ in range(5):
        sign_in("pcc", "wrong-password", address="198.51.100.8")
    assert seconds_to_wait("pcc", "198.51.100.99", timezone.now()) > 0

    client = Client()
    response = sign_in("pcc", PASSWORD, address="198.51.100.7", client=client)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_the_wait_ends_and_the_right_password_then_signs_in(commissioner):
    fail_from_many_addresses("pcc", 12)  # 12 failures: a 4-second wait after the last
    assert 0 < seconds_to_wait("pcc", "198.51.100.99", timezone.now()) <= 4

    AccessFailureLog.objects.update(attempt_time=timezone.now() - timezone.timedelta(seconds=5))
    client = Client()
    response = sign_in("pcc", PASSWORD, address="198.51.100.99", client=client)

    assert response.status_code == 302
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("failures", "wait"),
    [(9, 0), (10, 1), (11, 2), (13, 8), (19, 512), (20, 900), (200, 900)],
)
def test_the_wait_doubles_with_each_failure_up_to_15_minutes(failures, wait):
    AccessFailureLog.objects.bulk_create(
        AccessFailureLog(
            username="pcc",
            ip_address=f"192.0.2.{number % 250 + 1}",
            user_agent="test",
            http_accept="*/*",
            path_info="/accounts/login/",
        )
        for number in range(failures)
    )
    last = AccessFailureLog.objects.latest("attempt_time").attempt_time

    assert seconds_to_wait("pcc", "198.51.100.99", last) == wait


def test_failures_older_than_a_day_are_forgotten(commissioner):
    fail_from_many_addresses("pcc", 15)
    AccessFailureLog.objects.update(attempt_time=timezone.now() - timezone.timedelta(hours=25))

    assert seconds_to_wait("pcc", "198.51.100.99", timezone.now()) == 0
    sign_in("pcc", "wrong-password", address="198.51.100.99")
    assert AccessFailureLog.objects.count() == 1  # the old ones were removed


# Defect 7: smaller ones


@pytest.mark.parametrize("page", ["home", "actions:export", "meetings:list"])
def test_signed_in_responses_are_never_stored(client, officer, page):
    ActionFactory()
    client.force_login(officer)
    response = client.get(reverse(page))

    assert response.status_code == 200
    directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_a_signed_in_user_gets_no_store_even_on_the_public_pages(client, officer):
    client.force_login(officer)
    response = client.get(reverse("public:list"))
    assert "no-store" in response.headers["Cache-Control"]


def test_the_public_list_for_anonymous_readers_keeps_its_caching(client):
    MeetingFactory(status="published")
    response = client.get(reverse("public:list"))

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "private" not in response.headers.get("Cache-Control", "")


# The backup starts its own transaction (repeatable read on PostgreSQL): a real one is needed.
@pytest.mark.django_db(transaction=True)
def test_a_backup_is_readable_by_its_owner_only(tmp_path):
    existing = tmp_path / "tonight.zip"
    existing.write_bytes(b"an older archive")
    existing.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        call_command("backup", output=str(tmp_path), verbosity=0)
        call_command("backup", output=str(existing), verbosity=0)
    finally:
        os.umask(old_umask)

    archives = sorted(tmp_path.glob("*.zip"))
    assert len(archives) == 2
    for archive in archives:
        assert stat.S_IMODE(archive.stat().st_mode) == 0o600, archive


def test_the_health_page_says_ok_to_anyone_and_nothing_more(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response.headers["Content-Type"].startswith("text/plain")


def test_the_health_page_says_unhealthy_when_the_cache_fails(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    response = client.get(reverse("health"), {"format": "json"})

    assert response.status_code == 500
    assert response.content == b"unhealthy\n"


def test_a_superuser_sees_each_check(client):
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))

    response = client.get(reverse("health"), {"format": "json"})

    assert response.status_code == 200
    report = response.json()
    assert sorted(name.split("(")[0] for name in report) == ["Cache", "Database"]
    assert set(report.values()) == {"OK"}


def test_the_database_check_passes_for_a_database_that_answers():
    from assurance.checks import unreachable

    assert unreachable(["default"]) == []
    call_command("check", databases=["default"], verbosity=0)


def run_manage(*arguments, **environment):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "arguments", [("check", "--database", "default"), ("check", "--deploy")], ids=" ".join
)
def test_the_check_fails_when_the_database_cannot_be_reached(arguments):
    result = run_manage(*arguments, **production_environment(DATABASE_URL=UNREACHABLE_DATABASE))

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "assurance.E001" in output
    assert "The database 'default' cannot be reached" in output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_refuses_to_start_when_the_database_cannot_be_reached():
    environment = production_environment(
        DATABASE_URL=UNREACHABLE_DATABASE,
        PORT=str(free_port()),
        SECURE_SSL_REDIRECT="0",
        GUNICORN_WORKERS="1",
    )
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    try:
        result = subprocess.run(
            gunicorn, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired as still_running:  # it started and served instead
        pytest.fail(f"gunicorn started with an unreachable database: {still_running.stderr}")

    assert result.returncode != 0
    assert "assurance.E001" in result.stdout + result.stderr


def sqlite_options(tmp_path, database_url) -> dict:
    environment = {**os.environ, "DATABASE_URL": database_url}
    environment.pop("SECRET_KEY", None)
    result = run_python(
        "import json; from assurance import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))",
        environment,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sqlite_is_configured_for_concurrent_writers(tmp_path):
    options = sqlite_options(tmp_path, f"sqlite:///{tmp_path / 'dev.sqlite3'}")

    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]


def test_postgresql_gets_no_sqlite_options(tmp_path):
    options = sqlite_options(tmp_path, "postgres://postgres@127.0.0.1:5432/anything")
    assert "transaction_mode" not in options
    assert "init_command" not in options


CONCURRENT_WRITERS = """
import threading, time, django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")
connection.close()
errors = []

def write():
    try:
        for _ in range(15):
            # Read, then write, in one transaction: the pattern of a form save.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT COALESCE(MAX(n), 0) FROM counter")
                latest = cursor.fetchone()[0]
                time.sleep(0.002)
                cursor.execute("INSERT INTO counter (n) VALUES (%s)", [latest + 1])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=write) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*), COUNT(DISTINCT n) FROM counter")
    print(cursor.fetchone(), errors)
"""


def test_concurrent_writers_on_a_sqlite_file_never_see_database_is_locked(tmp_path):
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}"}
    environment.pop("SECRET_KEY", None)
    environment["DJANGO_SETTINGS_MODULE"] = "assurance.settings"
    started = time.monotonic()
    result = run_python(CONCURRENT_WRITERS, environment)

    assert result.returncode == 0, result.stderr
    # Every write landed, each after the one before it: immediate transactions serialise them.
    assert result.stdout.strip() == "(60, 60) []", result.stdout
    assert time.monotonic() - started < 60
