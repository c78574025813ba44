"""Database connections: each kind of process has a small pool of its own, and a process warns at start when the
processes together could open more connections than the database allows (DB_MAX_CONNECTIONS)."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from alerts import _size_connection_pool, create_app, is_dispatching_process

POSTGRES = "postgresql+psycopg://alerts@127.0.0.1/alerts"


def _app(**settings: object) -> Flask:
    return create_app("test", {"SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})


def _engine_options(argv: list[str], **settings: object) -> dict:
    app = _app(**settings)
    app.config["SQLALCHEMY_DATABASE_URI"] = POSTGRES  # sized as a real database would be, without connecting
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    _size_connection_pool(app, argv)
    return app.config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_a_web_process_has_a_small_pool_by_default() -> None:
    options = _engine_options(["gunicorn", "wsgi:app"])
    assert (options["pool_size"], options["max_overflow"]) == (5, 5)
    assert options["pool_pre_ping"] is True


def test_web_processes_take_db_pool_size_and_db_max_overflow() -> None:
    options = _engine_options(["flask", "--app", "wsgi", "routes"], DB_POOL_SIZE=3, DB_MAX_OVERFLOW=1)
    assert (options["pool_size"], options["max_overflow"]) == (3, 1)


def test_a_dispatching_process_has_a_connection_per_send_thread_unless_told_otherwise() -> None:
    for command in ("dispatch", "scheduler"):
        options = _engine_options(["flask", "--app", "wsgi", command], NOTIFY_CONCURRENCY=16)
        assert (options["pool_size"], options["max_overflow"]) == (18, 0)
    options = _engine_options(["flask", "--app", "wsgi", "dispatch"], DISPATCHER_DB_POOL_SIZE=8,
                              DISPATCHER_DB_MAX_OVERFLOW=2)
    assert (options["pool_size"], options["max_overflow"]) == (8, 2)
    assert is_dispatching_process(["flask", "--app", "wsgi", "dispatch", "--once"])
    assert not is_dispatching_process(["gunicorn", "wsgi:app", "--workers", "2"])


def test_a_process_warns_at_start_when_the_sum_passes_db_max_connections(caplog: pytest.LogCaptureFixture) -> None:
    # 4 web workers x (5 + 5) + 2 dispatchers x (66 + 0) = 172 > 100
    with caplog.at_level(logging.WARNING, logger="alerts"):
        _app(DB_MAX_CONNECTIONS=100, WEB_CONCURRENCY=4, DISPATCHER_PROCESSES=2, NOTIFY_CONCURRENCY=64)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "alerts"]
    assert warnings == [
        "Database connections could reach 172, past DB_MAX_CONNECTIONS=100: 4 web workers (WEB_CONCURRENCY) x 10 "
        "(DB_POOL_SIZE + DB_MAX_OVERFLOW) + 2 dispatchers (DISPATCHER_PROCESSES) x 66 "
        "(DISPATCHER_DB_POOL_SIZE + DISPATCHER_DB_MAX_OVERFLOW); see docs/production.md, 'Database connections'"]


def test_no_warning_within_the_limit_or_without_one(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="alerts"):
        # 4 x 10 + 2 x 26 = 92: the sums docs/production.md gives for a 100-connection database.
        _app(DB_MAX_CONNECTIONS=100, WEB_CONCURRENCY=4, DISPATCHER_PROCESSES=2, NOTIFY_CONCURRENCY=24)
        _app(WEB_CONCURRENCY=40)
    assert not [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "alerts"]
