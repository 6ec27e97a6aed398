"""The benchmark command at tiny scales: it prints a row for every page and both references.
Timings are not asserted: they depend on the machine."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import clear_url_caches

from meetings.models import Meeting
from performance.management.commands import benchmark

# The command creates and drops its own databases, next to the test database.
pytestmark = pytest.mark.django_db


def run_quick():
    out = StringIO()
    call_command("benchmark", "--quick", stdout=out)
    return out.getvalue()


def test_the_quick_benchmark_prints_every_page_and_both_references():
    before = Meeting.objects.count()
    name = connection.settings_dict["NAME"]
    output = run_quick()

    table = output[output.index("Page") :]
    lines = {line.split("|")[0].strip(): line for line in table.splitlines()}
    for page in benchmark.PAGES:
        assert page.label in lines, page.label
    for reference in (benchmark.FLOOR, benchmark.ADMIN):
        cells = [cell.strip() for cell in lines[reference].split("|")]
        p50, p95, queries, ratio = cells[1:5]
        assert float(p50) > 0 and float(p95) >= float(p50)
        assert int(queries) >= 0
        assert cells[-1].endswith("×"), "the growth from the first scale to the last"
    assert "s0.05 p50 ms" in table and "s0.1 p50 ms" in table
    assert "scale 0.05:" in output and "scale 0.1:" in output
    # What the meeting filter's hand-written select saves, measured at every scale.
    assert re.search(r"meeting filter, \d+ options: p50 [\d.]+ ms with Django's Select", output)
    # The archives went into throwaway databases: the test database is as it was.
    assert connection.settings_dict["NAME"] == name
    assert Meeting.objects.count() == before


def test_the_floor_page_makes_no_queries_of_its_own(client, officer, captured_queries):
    client.force_login(officer)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.ROOT_URLCONF", benchmark.benchmark_urlconf())
        clear_url_caches()
        try:
            with captured_queries() as queries:
                response = client.get("/benchmark-floor/")
        finally:
            clear_url_caches()
    assert response.status_code == 200
    assert b"Benchmark floor" in response.content
    # The session (read, and saved when its expiry is pushed on) and the signed-in user only.
    for query in queries:
        sql = query["sql"]
        assert "django_session" in sql or "auth_user" in sql or "SAVEPOINT" in sql, sql


@pytest.mark.parametrize("scales", ["", "0,1", "one"])
def test_bad_scales_are_refused_with_a_message(scales):
    with pytest.raises(CommandError, match="--scales"):
        call_command("benchmark", "--scales", scales)


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 21)]
    assert benchmark.percentile(values, 0.95) == 19.0
    assert benchmark.percentile(values, 0.5) == 10.0
