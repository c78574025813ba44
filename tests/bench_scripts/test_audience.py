"""bench/audience.py runs end to end at a small size on PostgreSQL, and its counts are exact."""

import os

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bench import audience

pytestmark = pytest.mark.postgresql  # the SQLite pass deselects it; the PostgreSQL pass runs it


@pytest.fixture
def bench_database(monkeypatch: pytest.MonkeyPatch) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("the audience benchmark needs PostgreSQL (TEST_DATABASE_URL)")
    # A database of its own: the benchmark drops every table in the one it is given.
    own = make_url(url).set(drivername="postgresql", database=f"{make_url(url).database}_bench")
    admin = own.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own.database,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{own.database}"')
    monkeypatch.setenv("BENCH_DATABASE_URL", own.render_as_string(hide_password=False))
    return str(own.database)


def test_the_audience_benchmark_counts_exactly_at_a_small_size(bench_database: str) -> None:
    result = audience.run(subscriptions=2_000, repeat=1)

    assert result["subscriptions"] == 2_000
    assert set(result["cases"]) == {"one_area", "three_areas", "whole_county"}
    assert all(case["exact"] and case["people"] > 0 for case in result["cases"].values())
    assert result["cases"]["whole_county"]["people"] > result["cases"]["three_areas"]["people"]
    assert result["exact_after_writes"]  # the kept counts followed the benchmark's own changes
