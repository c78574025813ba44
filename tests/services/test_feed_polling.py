"""`flask ingest-feeds` against a real HTTP server on 127.0.0.1, serving fixtures shaped like the Met Office feed."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from alerts.data import feeds as feed_data
from alerts.extensions import db
from alerts.jobs.scheduler import jobs_for
from alerts.models import FeedSource, Message, WeatherWarning, utc_now
from alerts.services.feed_polling import ingest_feeds
from alerts.services.feed_source_admin import feed_source_errors

FIXTURES = Path(__file__).resolve().parents[1] / "ingest" / "fixtures"
SNOW_AND_ICE = "0c6b9a57-3f0e-4c8e-9f43-2d1e5b7a9c10"  # mentions Dorset
AMBER_WIND = "9a1e4c2b-6d73-4f08-b5e1-3c7a2d9f0b61"  # Cornwall, Devon, …: not Dorset
BCP_RAIN = "47d0b3e8-2a5c-4e9f-8b16-d5c0e7a3f912"  # Bournemouth, Christchurch and Poole only


@dataclass
class FeedServer:
    """A loopback server whose answer the test can change between polls."""

    url: str
    fixture: str = "winter-south-west.xml"
    content_type: str = "application/rss+xml"
    status: int = 200
    delay_seconds: float = 0
    etag: str | None = None
    requests: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture
def feed_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    state = FeedServer(url="")
    # Feeds on loopback are refused unless a test says so (alerts/ingest/addresses.py): this one does.
    monkeypatch.setitem(app.config, "FEED_ALLOW_LOOPBACK", True)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(dict(self.headers))
            if state.delay_seconds:
                time.sleep(state.delay_seconds)
            if state.etag and self.headers.get("If-None-Match") == state.etag:
                self.send_response(304)
                self.send_header("ETag", state.etag)
                self.end_headers()
                return
            body = (FIXTURES / state.fixture).read_bytes()
            self.send_response(state.status)
            self.send_header("Content-Type", state.content_type)
            self.send_header("Content-Length", str(len(body)))
            if state.etag:
                self.send_header("ETag", state.etag)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, as the timeout test intends

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/warnings/sw.xml"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def met_office_feed(app: Flask, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> FeedServer:
    """The default Met Office source points at the local server, with a short timeout."""
    monkeypatch.setitem(app.config, "MET_OFFICE_FEED_URL", feed_server.url)
    monkeypatch.setitem(app.config, "FEED_TIMEOUT_SECONDS", 0.5)
    return feed_server


def warnings() -> dict[str, WeatherWarning]:
    db.session.expire_all()
    return {w.id: w for w in db.session.scalars(select(WeatherWarning))}


def the_source() -> FeedSource:
    db.session.expire_all()
    (source,) = db.session.scalars(select(FeedSource))
    return source


def test_ingest_feeds_creates_the_dorset_warning_once_and_ignores_the_others(
    runner: FlaskCliRunner, met_office_feed: FeedServer
) -> None:
    first = runner.invoke(args=["ingest-feeds"])

    assert first.exit_code == 0, first.output
    assert "1 warning mentioning Dorset (1 new, 0 changed, 0 withdrawn)" in first.output
    found = warnings()
    assert list(found) == [SNOW_AND_ICE]
    warning = found[SNOW_AND_ICE]
    assert warning.is_current
    assert warning.level == "yellow"
    assert warning.hazards == ["snow", "ice"]
    assert "Dorset" in warning.areas
    assert warning.valid_from_utc == dt.datetime(2026, 12, 7, 18, 0, tzinfo=dt.UTC)
    assert warning.valid_to_utc == dt.datetime(2026, 12, 8, 11, 0, tzinfo=dt.UTC)
    source = the_source()
    assert source.name == feed_data.DEFAULT_MET_OFFICE_NAME
    assert source.url == met_office_feed.url
    assert source.last_error is None
    assert source.last_entry_count == 4

    second = runner.invoke(args=["ingest-feeds"])

    assert second.exit_code == 0, second.output
    assert "1 warning mentioning Dorset (0 new, 0 changed, 0 withdrawn)" in second.output
    assert list(warnings()) == [SNOW_AND_ICE]
    assert db.session.scalar(select(func.count()).select_from(FeedSource)) == 1


def test_a_warning_only_for_bournemouth_christchurch_and_poole_is_not_a_dorset_warning(
    runner: FlaskCliRunner, met_office_feed: FeedServer
) -> None:
    runner.invoke(args=["ingest-feeds"])

    assert BCP_RAIN not in warnings()
    assert AMBER_WIND not in warnings()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"fixture": "malformed.xml"}, "The feed is not well-formed XML"),
        ({"fixture": "html-error-page.html", "content_type": "text/html"}, "The feed returned an HTML page"),
        ({"delay_seconds": 2}, "Timed out after 0.5 seconds"),
        ({"status": 503}, "The feed returned HTTP 503"),
    ],
    ids=["malformed", "html-error-page", "timeout", "server-error"],
)
def test_a_failed_poll_keeps_the_previous_warnings_and_records_why_on_the_source(
    runner: FlaskCliRunner, met_office_feed: FeedServer, change: dict, error: str
) -> None:
    runner.invoke(args=["ingest-feeds"])
    for name, value in change.items():
        setattr(met_office_feed, name, value)

    result = runner.invoke(args=["ingest-feeds"])

    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert f"failed: {error}" in result.output
    assert warnings()[SNOW_AND_ICE].is_current
    source = the_source()
    assert source.last_error.startswith(error)
    assert source.last_polled_at_utc > source.last_success_at_utc


def test_a_successful_poll_after_a_failure_clears_the_error(
    runner: FlaskCliRunner, met_office_feed: FeedServer
) -> None:
    met_office_feed.fixture = "malformed.xml"
    runner.invoke(args=["ingest-feeds"])
    assert the_source().last_error

    met_office_feed.fixture = "winter-south-west.xml"
    runner.invoke(args=["ingest-feeds"])

    assert the_source().last_error is None
    assert warnings()[SNOW_AND_ICE].is_current


def test_a_warning_that_leaves_the_feed_is_withdrawn(runner: FlaskCliRunner, met_office_feed: FeedServer) -> None:
    runner.invoke(args=["ingest-feeds"])
    met_office_feed.fixture = "empty.xml"

    result = runner.invoke(args=["ingest-feeds"])

    assert "0 warnings mentioning Dorset (0 new, 0 changed, 1 withdrawn)" in result.output
    assert not warnings()[SNOW_AND_ICE].is_current


def test_a_withdrawn_warning_that_comes_back_is_current_again(
    runner: FlaskCliRunner, met_office_feed: FeedServer
) -> None:
    runner.invoke(args=["ingest-feeds"])
    met_office_feed.fixture = "empty.xml"
    runner.invoke(args=["ingest-feeds"])
    met_office_feed.fixture = "winter-south-west.xml"

    runner.invoke(args=["ingest-feeds"])

    assert warnings()[SNOW_AND_ICE].is_current


def test_the_feed_is_fetched_conditionally_and_an_unchanged_feed_keeps_the_warnings(
    runner: FlaskCliRunner, met_office_feed: FeedServer
) -> None:
    met_office_feed.etag = '"winter-1"'
    runner.invoke(args=["ingest-feeds"])
    assert the_source().etag == '"winter-1"'

    result = runner.invoke(args=["ingest-feeds"])

    assert met_office_feed.requests[-1]["If-None-Match"] == '"winter-1"'
    assert "not modified since the last check" in result.output
    assert warnings()[SNOW_AND_ICE].is_current


def test_ingesting_a_warning_sends_nothing_to_residents(
    runner: FlaskCliRunner, met_office_feed: FeedServer, factories
) -> None:
    factories.SubscriberFactory(area_ids=["dorchester"])

    runner.invoke(args=["ingest-feeds"])

    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_a_generic_source_records_success_and_its_entry_count(app: Flask, feed_server: FeedServer) -> None:
    feed_server.fixture = "winter-south-west.xml"
    feed_data.create_feed_source(name="Partner news", url=feed_server.url, kind=feed_data.GENERIC)
    feed_data.create_feed_source(name="Met Office", url="http://127.0.0.1:9/unused", kind="met-office-warnings",
                                 enabled=False)

    (outcome,) = ingest_feeds()

    assert outcome.ok and outcome.summary == "4 entries"
    source = db.session.scalar(select(FeedSource).where(FeedSource.kind == feed_data.GENERIC))
    db.session.refresh(source)
    assert source.last_entry_count == 4 and source.last_error is None
    assert warnings() == {}


def test_the_scheduler_polls_only_sources_whose_interval_has_passed(
    app: Flask, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = feed_data.create_feed_source(name="Fresh", url=feed_server.url, kind=feed_data.GENERIC,
                                         poll_interval_minutes=15)
    stale = feed_data.create_feed_source(name="Stale", url=feed_server.url, kind=feed_data.GENERIC,
                                         poll_interval_minutes=15)
    fresh.last_polled_at_utc = utc_now() - dt.timedelta(minutes=5)
    stale.last_polled_at_utc = utc_now() - dt.timedelta(minutes=16)
    db.session.commit()
    monkeypatch.setitem(app.config, "MET_OFFICE_FEED_URL", "")  # no default source in this test

    outcomes = ingest_feeds(only_due=True)

    assert [o.name for o in outcomes] == ["Stale"]


def test_the_default_met_office_source_is_not_recreated_once_an_admin_has_disabled_it(app: Flask) -> None:
    source = feed_data.ensure_default_met_office_source("https://feeds.example.test/met-office/sw.xml")
    assert source is not None
    feed_data.set_feed_source_enabled(source, False)

    assert feed_data.ensure_default_met_office_source("https://feeds.example.test/met-office/sw.xml") is None
    assert ingest_feeds() == []


def test_the_scheduler_runs_the_ingest_job_every_minute(app: Flask) -> None:
    job = next(job for job in jobs_for(app, "test-holder") if job.id == "ingest-feeds")

    assert job.trigger == "interval"
    assert job.options == {"seconds": 60}


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"name": " ", "url": "ftp://example.test/feed", "kind": "podcast", "poll_interval_minutes": 0},
         {"name": "Enter a name for the feed", "url": "Enter a web address starting with https:// or http://",
          "kind": "Select what kind of feed this is",
          "poll_interval_minutes": "How often to check the feed must be between 1 and 1,440 minutes"}),
        ({"name": "Met Office", "url": "", "kind": "generic", "poll_interval_minutes": None},
         {"url": "Enter the feed's web address",
          "poll_interval_minutes": "Enter how often to check the feed, in minutes"}),
        ({"name": "Met Office", "url": "https://example.test/rss", "kind": "generic", "poll_interval_minutes": 15}, {}),
    ],
)
def test_feed_source_fields_are_checked_with_a_message_for_each(fields: dict, errors: dict) -> None:
    assert feed_source_errors(**fields) == errors


def test_changing_a_feed_address_forgets_the_old_validators(app: Flask) -> None:
    source = feed_data.create_feed_source(name="Feed", url="https://example.test/a", kind=feed_data.GENERIC)
    source.etag, source.last_modified = '"a"', "Mon, 07 Dec 2026 10:02:11 GMT"
    db.session.commit()

    feed_data.update_feed_source(source, name="Feed", url="https://example.test/b", kind=feed_data.GENERIC,
                                 poll_interval_minutes=5, enabled=True)

    assert (source.url, source.etag, source.last_modified, source.poll_interval_minutes) == (
        "https://example.test/b", None, None, 5)
