"""SQLite (the default database) in WAL mode with a busy timeout: a page read while another connection holds a
write transaction answers normally instead of "database is locked"."""

from __future__ import annotations

import os
import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from alerts.extensions import db
from tests import factories

pytestmark = pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="SQLite only")


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app: Flask) -> None:
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_a_read_during_a_write_transaction_never_answers_500(app: Flask, client: FlaskClient) -> None:
    notice = factories.NoticeFactory(title="Bins suspended")
    holding, finished = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def hold_a_write_transaction() -> None:
        try:
            with app.app_context(), db.engine.connect() as connection:
                # EXCLUSIVE: in the old rollback-journal mode no other connection could even read until it ended.
                connection.exec_driver_sql("BEGIN EXCLUSIVE")
                connection.exec_driver_sql("UPDATE notices SET title = 'Writing' WHERE id = ?", (notice.id,))
                holding.set()
                finished.wait(timeout=30)
                connection.exec_driver_sql("ROLLBACK")
        except BaseException as error:  # noqa: BLE001 — reported by the test below
            failures.append(error)
            holding.set()

    writer = threading.Thread(target=hold_a_write_transaction)
    writer.start()
    try:
        assert holding.wait(timeout=30)
        assert not failures, failures
        for url in (f"/notices/{notice.id}", "/notices?postcode=DT4+7TA", "/api/v1/notices", "/feeds/notices.atom"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert b"Writing" not in response.data, "readers see the last committed state"
    finally:
        finished.set()
        writer.join(timeout=30)
