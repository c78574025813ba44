"""What Notify charged for each text: the finished texts still waiting for their cost, and storing what Notify said.

Each function commits its own short transaction, as the reconcile job asks Notify between them: they are among the
dispatcher's short outbox transactions, the one exception to "data never commits" (alerts/delivery/dispatcher.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import literal_column, or_, select, update

from alerts.extensions import db
from alerts.models import Message, MessageStatus


@dataclass(frozen=True)
class WaitingForCost:
    message_id: str
    notify_id: str
    sent_at_utc: dt.datetime


def messages_needing_cost(*, sent_before: dt.datetime, sent_after: dt.datetime, checked_before: dt.datetime,
                          limit: int) -> list[WaitingForCost]:
    """Finished texts whose cost Notify has not told us yet, oldest first (emails are free: never asked about)."""
    rows = db.session.execute(
        select(Message.id, Message.notify_id, Message.sent_at_utc)
        .where(
            # Written out, not a bound parameter, so the planner can always use ix_messages_waiting_for_cost
            # (a partial index on exactly these three conditions) instead of reading every message.
            Message.channel == literal_column("'sms'"),
            Message.notify_id.is_not(None),
            Message.cost_in_pounds.is_(None),
            Message.status.in_((MessageStatus.DELIVERED, MessageStatus.FAILED)),
            Message.sent_at_utc <= sent_before,
            Message.sent_at_utc > sent_after,
            or_(Message.cost_checked_at_utc.is_(None), Message.cost_checked_at_utc <= checked_before),
        )
        .order_by(Message.sent_at_utc)
        .limit(limit)
    ).all()
    db.session.commit()
    return [WaitingForCost(row.id, row.notify_id, row.sent_at_utc) for row in rows]


def store_costs(costs: dict[str, Decimal | None], at: dt.datetime) -> None:
    """Store what Notify charged, by message id (None: not known yet, asked again later), in one transaction."""
    if costs:
        db.session.execute(update(Message), [
            {"id": message_id, "cost_in_pounds": cost, "cost_checked_at_utc": at} for message_id, cost in costs.items()
        ])
    db.session.commit()
