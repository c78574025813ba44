"""The outbox as operators see it: every message, newest first."""

from __future__ import annotations

from sqlalchemy import func, select

from alerts.extensions import db
from alerts.models import Message


def list_messages(*, page: int = 1, page_size: int = 50) -> tuple[list[Message], int]:
    total = db.session.scalar(select(func.count()).select_from(Message)) or 0
    rows = db.session.scalars(
        select(Message).order_by(Message.created_at_utc.desc(), Message.id).offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), total
