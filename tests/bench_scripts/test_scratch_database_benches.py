"""bench/enumeration.py and bench/healthz.py still run, in their small modes, on a scratch PostgreSQL database next
to the test database (they drop every table in the one they are given). Both are PostgreSQL's: they run in the
PostgreSQL pass."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.postgresql  # the SQLite pass deselects these; the PostgreSQL pass runs them

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scratch_database() -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("the benchmarks run on PostgreSQL: set TEST_DATABASE_URL")
    parsed = make_url(url)
    scratch = parsed.set(database=f"{parsed.database}_bench_scripts")
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{scratch.database}"')
        connection.execute(f'CREATE DATABASE "{scratch.database}"')
    try:
        yield scratch.set(drivername="postgresql").render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)')


def _run(script: str, database_url: str) -> dict:
    done = subprocess.run([sys.executable, f"bench/{script}", "--small", "--database-url", database_url],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads([line for line in done.stdout.splitlines() if line.startswith('{"bench"')][-1])


def test_the_enumeration_bench_times_every_surface_for_known_and_unknown_contacts(scratch_database: str) -> None:
    figures = _run("enumeration.py", scratch_database)
    assert set(figures["surfaces"]) == {"subscribe", "manage", "manage_code", "api_sign_up", "api_confirm",
                                        "contact_centre_find"}
    for surface in figures["surfaces"].values():
        assert surface["known_ms"] > 0 and surface["unknown_ms"] > 0 and surface["ratio"] > 0


def test_the_healthz_bench_fills_the_queue_and_times_the_probe(scratch_database: str) -> None:
    figures = _run("healthz.py", scratch_database)
    assert figures["queued"] == 1_000
    assert figures["healthz_median_ms"] > 0 and figures["live_count_median_ms"] > 0
