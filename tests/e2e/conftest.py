"""Fixtures for browser journeys: a real server on loopback, real Chromium, and a `journey` in each mode.

    pytestmark = pytest.mark.e2e   # every module here is also marked automatically

    def test_a_resident_does_something(journey: Journey, demo_notices: list[Notice]) -> None:
        journey.visit("/")
        journey.fill("Enter your postcode", "DT4 7TA")
        journey.press_button("Find disruption")
        assert journey.heading() == "…"

The server runs the session's test app (same database as `app`, `factories` and the data functions), so a
journey can set up rows with `factories` and read what the app wrote, e.g. the local outbox, with data functions.
The autouse `db` fixture empties the tables after each test as usual.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from alerts import create_app
from alerts.data import demo, reference
from alerts.extensions import db
from alerts.models import Notice
from tests.e2e.browser import AXE_SCRIPT, CHROMIUM, CHROMIUM_ARGS, DESKTOP, Journey, Mode

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass  # one line per request drowns the failure output


@dataclass(frozen=True)
class LiveServer:
    url: str


@pytest.fixture(scope="session")
def _server(app: Flask) -> Iterator[BaseWSGIServer]:
    yield from serve_in_a_thread(app)


def serve_in_a_thread(app: Flask) -> Iterator[BaseWSGIServer]:
    """The app on a threaded werkzeug server on a free loopback port, until the generator is closed."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def live_server(app: Flask, _server: BaseWSGIServer) -> Iterator[LiveServer]:
    """The app served by a threaded werkzeug server on 127.0.0.1; links in messages point at it meanwhile."""
    url = f"http://127.0.0.1:{_server.server_port}"
    original = app.config["BASE_URL"]
    app.config["BASE_URL"] = url
    yield LiveServer(url)
    app.config["BASE_URL"] = original


@pytest.fixture(scope="session")
def council_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], LiveServer]]:
    """`council_server("bcp")` serves an app with that council profile selected, on a database of its
    own (one council per database), with its reference data and the demo notices loaded. Started once a session."""
    running: dict[str, tuple[BaseWSGIServer, threading.Thread]] = {}

    def serve(council_id: str) -> LiveServer:
        if council_id not in running:
            database = tmp_path_factory.mktemp(f"council-{council_id}") / "alerts.sqlite3"
            other = create_app("test", {"COUNCIL": council_id, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
            with other.app_context():
                upgrade(directory=str(Path(other.root_path).parent / "migrations"))
                reference.load_reference_data()
                demo.load_demo_notices()
                db.session.commit()
            server = make_server("127.0.0.1", 0, other, threaded=True, request_handler=_QuietHandler)
            other.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
            thread = threading.Thread(target=server.serve_forever, name=f"e2e-{council_id}", daemon=True)
            thread.start()
            running[council_id] = (server, thread)
        return LiveServer(f"http://127.0.0.1:{running[council_id][0].server_port}")

    yield serve
    for server, thread in running.values():
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def demo_notices(app: Flask) -> list[Notice]:
    """The demo data `make run` loads: active and resolved notices across the council (its second area has two)."""
    notices = demo.demo_notices()
    db.session.add_all(notices)
    db.session.commit()
    return notices


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci --prefix tests/e2e` (make test and .ci/run do)",
                    pytrace=False)
    return AXE_SCRIPT.read_text()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (.ci/run does), or run "
                    "`pytest -m 'not e2e'`", pytrace=False)
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


def _context(browser: Browser, axe_source: str, *, javascript: bool) -> BrowserContext:
    # axe-core goes in as an init script, which the page's CSP does not govern: the policy stays fully enforced
    # and a script it refuses shows up as a console error that fails the journey.
    context = browser.new_context(java_script_enabled=javascript, viewport=DESKTOP, locale="en-GB",
                                  timezone_id="Europe/London")
    context.add_init_script(script=axe_source)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def audit_context(browser: Browser, axe_source: str) -> Iterator[BrowserContext]:
    context = _context(browser, axe_source, javascript=True)
    yield context
    context.close()


@pytest.fixture(params=list(Mode), ids=[str(mode) for mode in Mode])
def mode(request: pytest.FixtureRequest) -> Mode:
    return request.param


@pytest.fixture
def journey(browser: Browser, axe_source: str, audit_context: BrowserContext, live_server: LiveServer,
            mode: Mode) -> Iterator[Journey]:
    """A fresh browser tab in one mode (normal, no-javascript, keyboard); every test using it runs in all three."""
    context = _context(browser, axe_source, javascript=mode != Mode.NO_JAVASCRIPT)
    page = context.new_page()
    yield Journey(page=page, mode=mode, base_url=live_server.url, audit_context=audit_context)
    context.close()


@pytest.fixture
def council_journey(browser: Browser, axe_source: str, audit_context: BrowserContext,
                    council_server: Callable[[str], LiveServer], mode: Mode) -> Iterator[Callable[[str], Journey]]:
    """`council_journey("bcp")`: a `journey` on the app serving that council profile."""
    contexts: list[BrowserContext] = []

    def start(council_id: str) -> Journey:
        context = _context(browser, axe_source, javascript=mode != Mode.NO_JAVASCRIPT)
        contexts.append(context)
        return Journey(page=context.new_page(), mode=mode, base_url=council_server(council_id).url,
                       audit_context=audit_context)

    yield start
    for context in contexts:
        context.close()


@pytest.fixture
def quick_sign_up(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The live server shares the app's config: a test fills in the form in well under the real minimum."""
    monkeypatch.setitem(app.config, "SIGNUP_MIN_FILL_SECONDS", 0)
