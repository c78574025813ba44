"""Tests here run against the worked Welsh profile (COUNCIL=ceredigion), a council that writes in Welsh and
English. The fixtures every test uses (app, db, client, client_request, factories) are the root ones, on an app of
this council with a database of its own: always a SQLite file, on either pass (what differs here is language, not
the database)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import build_test_app


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    database = tmp_path_factory.mktemp("welsh") / "welsh.sqlite3"
    return build_test_app({"COUNCIL": "ceredigion", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
