"""Browser journeys for a council in Wales (COUNCIL=ceredigion, Welsh and English): the usual fixtures (`journey`,
`live_server`, `factories`, the outbox) on an app of that council with a database of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer

from tests.conftest import build_test_app
from tests.e2e.conftest import serve_in_a_thread


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    database = tmp_path_factory.mktemp("welsh-journeys") / "welsh.sqlite3"
    return build_test_app({"COUNCIL": "ceredigion", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})


@pytest.fixture(scope="session")
def _server(app: Flask) -> Iterator[BaseWSGIServer]:
    """Its own server: the journeys' session-wide one serves the English council's app."""
    yield from serve_in_a_thread(app)
