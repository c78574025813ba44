"""The outbox: queueing a message for the dispatcher, and every message as operators see it, newest first.

Nothing here commits: a queued message is committed by the caller, with whatever it belongs to.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from alerts.data import execute_counting_rows
from alerts.data.outbox_claims import SkipReason
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


def drop_waiting_alerts(notice_id: int, reason: SkipReason) -> int:
    """The notice has ended: drop every alert about it still waiting to go (a first text held for quiet hours, an
    email behind a hold or a retry), recording why, so staff see it at once in the outbox and nobody is told
    something began after it is over. Returns how many. The caller commits.

    Only rows still `queued`: one a worker has claimed is decided as it is sent (alerts/data/outbox_claims.py), and
    one whose POST may already have reached Notify (outcome unknown) is looked up first, never assumed unsent."""
    return execute_counting_rows(
        update(Message)
        .where(Message.notice_id == notice_id, Message.status == MessageStatus.QUEUED,
               Message.kind == MessageKind.ALERT, Message.outcome_unknown.is_(False))
        .values(status=MessageStatus.SKIPPED, last_error=reason.value, completed_at_utc=utc_now())
        .execution_options(synchronize_session=False)
    ) or 0


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
