import os

import pytest
from sqlalchemy import create_engine

from alerts.jobs.leader import LeaderLock


def test_only_one_scheduler_holds_the_file_lock_on_sqlite(tmp_path) -> None:
    engine = create_engine("sqlite://")
    first, second = LeaderLock(engine, tmp_path / "s.lock"), LeaderLock(engine, tmp_path / "s.lock")
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


@pytest.mark.postgresql
def test_only_one_scheduler_holds_the_advisory_lock_on_postgresql(tmp_path) -> None:
    from config.settings import database_url

    url = database_url(os.environ["TEST_DATABASE_URL"])
    first = LeaderLock(create_engine(url), tmp_path / "unused")
    second = LeaderLock(create_engine(url), tmp_path / "unused")
    assert first.try_acquire()
    try:
        assert not second.try_acquire()
        assert first.still_held()
    finally:
        first.release()
    assert second.try_acquire()
    second.release()
