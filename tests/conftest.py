"""Fixtures every test can use: app, db, client, client_request (parsed pages), factories.

Every test runs in its own app context, and every request a test client sends in another one of its own, as in
production: nothing cached on `g` (the signed-in user, the CSRF token, the database session) crosses either line.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. The schema is built by
the real Alembic migrations, so a migration that drifts from the models fails here first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from hypothesis import settings as hypothesis_settings
from sqlalchemy import MetaData, text
from werkzeug.test import TestResponse

from alerts import create_app
from alerts.data import reference
from alerts.extensions import db as _db
from alerts.models import utc_now
from tests import factories as _factories
from tests.pages import PageClient

# Tables whose rows are reference data: kept between tests (ward areas and full postcodes are removed).
STATIC_TABLES = {"areas", "services", "postcode_lookups", "alembic_version", "council_profile"}


# Hypothesis's per-example deadline measures the machine, not the code: on a shared 2-core box it fails
# correct tests at random. Property tests still run their full number of examples.
hypothesis_settings.register_profile("alerts", deadline=None)
hypothesis_settings.load_profile("alerts")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: needs PostgreSQL (runs in the PostgreSQL pass)")
    config.addinivalue_line("markers", "faults: delivery under injected faults (worker processes, Notify simulator)")
    config.addinivalue_line("markers", "e2e: a browser journey in headless Chromium (tests/e2e; `make e2e`)")


def _drop_everything() -> None:
    metadata = MetaData()
    metadata.reflect(bind=_db.engine)
    metadata.drop_all(bind=_db.engine)
    with _db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    overrides = {}
    if not os.environ.get("TEST_DATABASE_URL"):
        # A file, not :memory:, so threads and subprocesses in tests see the same database.
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    return build_test_app(overrides)


def build_test_app(overrides: dict[str, Any]) -> Flask:
    """An app for tests, its database built by the real migrations and loaded with the council's areas."""
    app = create_app("test", overrides)
    app.test_client_class = FreshContextClient
    with app.app_context():
        _drop_everything()
        upgrade(directory=str(Path(app.root_path).parent / "migrations"))
        reference.load_reference_data()
        _db.session.commit()
    return app


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production, whichever test client sends it.

    Flask-Login caches the signed-in user on `g` and Flask-WTF the CSRF token, and Flask-SQLAlchemy keeps one
    session per app context: a request sharing the test's context would see another client's sign-in or token,
    or the test's uncommitted changes. `app.test_client()` gives this class, so every client in every test does it.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def app_context(app: Flask) -> Iterator[None]:
    """Each test runs in its own app context (so its own `g` and database session), which requests never share."""
    with app.app_context():
        yield


@pytest.fixture(autouse=True)
def db(app: Flask, app_context: None) -> Iterator:
    """Each test starts with only the reference data, like Notify's notify_db_session."""
    yield _db
    _db.session.rollback()
    tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in STATIC_TABLES]
    with _db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        connection.execute(text("DELETE FROM postcode_lookups WHERE is_district = :false"), {"false": False})
        connection.execute(text("DELETE FROM areas WHERE kind = 'ward'"))
    _db.session.expire_all()


@pytest.fixture(autouse=True)
def fresh_rate_limits(app: Flask) -> Iterator[None]:
    """Rate limits (sign-up defences, staff sign-in throttling) counted by one test must not refuse the next,
    and pages cached from one test's data must not be served in the next."""
    from alerts.extensions import limiter
    from alerts.web.caching import rendered_cache

    limiter.reset()
    rendered_cache(app).clear()  # the database is emptied between tests; so are the copies rendered from it
    yield
    limiter.reset()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def client_request(client: FlaskClient) -> PageClient:
    return PageClient(client)


@pytest.fixture
def factories() -> type[_factories]:  # type: ignore[valid-type]
    return _factories


@pytest.fixture
def database_clock_follows_freezegun(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claims read the database's clock, which freezegun cannot stop: make it read the frozen clock instead."""
    monkeypatch.setattr("alerts.data.outbox_claims.database_clock_for_tests", utc_now, raising=False)
