"""The outbox: creating messages and recording what happened to them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

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


def get_message(message_id: str) -> Message | None:
    return db.session.get(Message, message_id)


def claim_for_immediate_send(message_id: str, worker: str, lease: dt.timedelta) -> Message | None:
    """Move one queued message to `sending` so no dispatcher picks it up meanwhile; None if it isn't queued.

    A conditional UPDATE is atomic on SQLite and PostgreSQL alike, so two claimers can never both win.
    """
    claimed = db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.SENDING, claimed_by=worker, lease_expires_at_utc=utc_now() + lease,
                attempts=Message.attempts + 1)
    ).rowcount
    db.session.commit()
    return db.session.get(Message, message_id) if claimed else None


def record_sent(message_id: str, notify_id: str | None, *, local_outbox: bool) -> None:
    message = db.session.get(Message, message_id)
    if message is None:
        return
    message.status = MessageStatus.NOT_SENT if local_outbox else MessageStatus.SENT
    message.notify_id = notify_id
    message.sent_at_utc = utc_now()
    message.outcome_unknown = False
    message.lease_expires_at_utc = None
    message.claimed_by = None
    message.last_error = None
    db.session.commit()


def record_failed(message_id: str, reason: str) -> None:
    message = db.session.get(Message, message_id)
    if message is None:
        return
    message.status = MessageStatus.FAILED
    message.last_error = reason
    message.completed_at_utc = utc_now()
    message.lease_expires_at_utc = None
    message.claimed_by = None
    db.session.commit()


def record_retry(message_id: str, reason: str, *, at: dt.datetime, outcome_unknown: bool) -> None:
    """Put the message back in the queue for a later attempt. An unknown outcome is remembered for the lookup."""
    message = db.session.get(Message, message_id)
    if message is None:
        return
    message.status = MessageStatus.QUEUED
    message.last_error = reason
    message.next_attempt_at_utc = at
    message.outcome_unknown = message.outcome_unknown or outcome_unknown
    message.lease_expires_at_utc = None
    message.claimed_by = None
    db.session.commit()
