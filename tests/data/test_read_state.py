"""The read state is one query, reused for up to a second by a process that has committed nothing since."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from alerts.data import notices as notice_data
from alerts.extensions import db


@pytest.fixture
def queries(app) -> list[str]:
    seen: list[str] = []

    def record(_conn, _cursor, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def _read_state_queries(seen: list[str]) -> int:
    return sum("weather_warnings" in statement and "notice_updates" in statement for statement in seen)


def test_a_process_that_committed_nothing_reuses_its_read_state(queries: list[str]) -> None:
    first = notice_data.read_state_marker()
    again = notice_data.read_state_marker()

    assert again == first
    assert _read_state_queries(queries) == 1


def test_any_commit_in_this_process_is_seen_by_the_next_read(queries: list[str], factories) -> None:
    before = notice_data.read_state_marker()

    factories.NoticeFactory(area_ids=["weymouth"])

    assert notice_data.read_state_marker() != before


def test_a_change_by_another_process_is_seen_within_a_second(queries: list[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(notice_data.time, "monotonic", lambda: now[0])
    before = notice_data.read_state_marker()
    # Another process's write: this process's engine sees no commit of its own.
    monkeypatch.setattr(notice_data, "_read_state_query", lambda: text(
        "SELECT '2030-01-01 00:00:00', 99, 99, 99, 99, 99, 99, NULL, 0"))

    assert notice_data.read_state_marker() == before, "still within the second"
    now[0] += notice_data.READ_STATE_REUSE_SECONDS + 0.01
    assert notice_data.read_state_marker() != before


def test_an_explicit_time_always_asks_the_database(queries: list[str]) -> None:
    notice_data.read_state_marker()
    notice_data.read_state_marker(now=notice_data.utc_now())
    notice_data.read_state_marker(now=notice_data.utc_now())

    assert _read_state_queries(queries) >= 2
