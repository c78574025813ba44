"""Queries and commands over the models: the only place that builds queries. Never calls Notify."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Executable

from alerts.extensions import db


def execute_counting_rows(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the current transaction and say how many rows it changed.

    Session.execute() is typed as returning any Result, but a DML statement's is always a CursorResult."""
    result: CursorResult[Any] = db.session.execute(statement)  # type: ignore[assignment]
    return result.rowcount or 0
