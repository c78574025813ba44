"""Reconciling with Notify: the messages still `sent` with no final receipt, what Notify says when asked about one,
and when each was last asked about.

Each function commits its own short transaction, as the reconcile job asks Notify between them: they are among the
dispatcher's short outbox transactions, the one exception to "data never commits" (alerts/delivery/dispatcher.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update

from alerts.data.notify_statuses import ReceiptResult, apply_notify_status
from alerts.extensions import db
from alerts.models import Message, MessageStatus


def messages_to_reconcile(*, now: dt.datetime, sent_before: dt.datetime, sent_after: dt.datetime,
                          checked_before: dt.datetime, limit: int) -> list[tuple[str, str]]:
    """(message id, Notify id) of messages still `sent` with no final receipt, oldest first."""
    rows = db.session.execute(
        select(Message.id, Message.notify_id)
        .where(
            Message.status == MessageStatus.SENT,
            Message.notify_id.is_not(None),
            Message.sent_at_utc <= sent_before,
            Message.sent_at_utc > sent_after,
            or_(Message.reconciled_at_utc.is_(None), Message.reconciled_at_utc <= checked_before),
        )
        .order_by(Message.sent_at_utc)
        .limit(limit)
    ).all()
    db.session.commit()
    return [(row.id, row.notify_id) for row in rows]


def record_notify_status(*, reference: str, notify_id: str, status: str,
                         completed_at: dt.datetime | None) -> ReceiptResult:
    """What Notify said when asked about a message, by the reconcile job or by the dispatcher before any resend."""
    result = apply_notify_status(reference=reference, notify_id=notify_id, status=status, completed_at=completed_at)
    db.session.commit()
    return result


def mark_reconciled(message_id: str, at: dt.datetime) -> None:
    db.session.execute(update(Message).where(Message.id == message_id).values(reconciled_at_utc=at))
    db.session.commit()
