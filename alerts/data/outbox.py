"""The outbox: queueing a message for the dispatcher, and every message as operators see it, newest first.

Nothing here commits: a queued message is committed by the caller, with whatever it belongs to.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, MessageStatus, utc_now
from alerts.models.messages import PRIORITY_CONFIRMATION


def queue_direct_message(*, kind: MessageKind, channel: Channel, recipient: str, body: str, subject: str | None = None,
                         subscriber_id: int | None = None) -> Message:
    """Queue a confirmation or manage-link message, ahead of bulk alerts. The caller commits."""
    message = Message(kind=kind, channel=channel, recipient=recipient, subject=subject, body=body,
                      subscriber_id=subscriber_id, priority=PRIORITY_CONFIRMATION, status=MessageStatus.QUEUED,
                      next_attempt_at_utc=utc_now())
    db.session.add(message)
    db.session.flush()
    return message


def count_direct_texts_since(since: dt.datetime) -> int:
    """Confirmation and security-code texts queued since `since`: what the daily SMS sign-up budget counts."""
    return db.session.scalar(
        select(func.count()).select_from(Message).where(
            Message.channel == Channel.SMS,
            Message.kind.in_([MessageKind.CONFIRMATION, MessageKind.MANAGE_LINK]),
            Message.created_at_utc >= since,
        )
    ) or 0


def list_messages(*, page: int = 1, page_size: int = 50) -> tuple[list[Message], int]:
    total = db.session.scalar(select(func.count()).select_from(Message)) or 0
    rows = db.session.scalars(
        select(Message).order_by(Message.created_at_utc.desc(), Message.id).offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), total
