"""Exactly one scheduler leads: a PostgreSQL advisory lock, or a file lock beside the SQLite database."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text

# An arbitrary constant shared by every scheduler process of this service.
SCHEDULER_LOCK_KEY = 7_324_001


class LeaderLock:
    """Held for the life of the scheduler process; released when the process exits, even on kill -9."""

    def __init__(self, engine: Engine, lock_file: Path) -> None:
        self._engine = engine
        self._lock_file = lock_file
        self._connection: Connection | None = None
        self._file: IO[str] | None = None

    @property
    def is_postgresql(self) -> bool:
        return self._engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        if self.is_postgresql:
            # A session-level advisory lock lives as long as this connection, so keep it open.
            connection = self._engine.connect()
            acquired = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": SCHEDULER_LOCK_KEY})
                            .scalar())
            connection.commit()
            if acquired:
                self._connection = connection
            else:
                connection.close()
            return acquired
        self._lock_file.parent.mkdir(parents=True, exist_ok=True)
        handle = self._lock_file.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return True

    def still_held(self) -> bool:
        """On PostgreSQL, a lost connection means a lost lock: the process must stop leading."""
        if self._connection is None:
            return self._file is not None
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
            return True
        except Exception:  # noqa: BLE001 — any error on the lock's connection means we may no longer hold it
            return False

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEDULER_LOCK_KEY})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
