"""Notify's status for each message, from a delivery receipt or from asking Notify, and suspending a subscriber
whose address keeps failing.

Nothing here commits. The receipts service commits a receipt (alerts/services/delivery_receipts.py); what Notify
says when asked is committed in a short transaction of its own (alerts/data/reconcile.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from alerts.data import insight
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, MessageStatus, Subscriber, SubscriberStatus, utc_now

# Notify's statuses that end a notification's life. "sent" (international texts) can still be followed by nothing.
NOTIFY_FINAL_STATUSES = frozenset({"delivered", "permanent-failure", "temporary-failure", "technical-failure"})
NOTIFY_FAILURE_REASONS = {
    "permanent-failure": "Notify: the phone number or email address does not exist or cannot receive messages",
    "temporary-failure": "Notify: the phone was off or the inbox was full when the provider tried to deliver it",
    "technical-failure": "Notify: a technical problem between Notify and its provider stopped the message",
}
# Consecutive permanent failures before a subscriber is suspended: one can be a provider's mistake, three are not.
SUSPEND_AFTER_PERMANENT_FAILURES = 3


@dataclass(frozen=True)
class ReceiptResult:
    found: bool
    changed: bool
    subscriber_suspended: bool = False


def apply_notify_status(*, reference: str | None, notify_id: str | None, status: str,
                        completed_at: dt.datetime | None) -> ReceiptResult:
    """Record Notify's status for a message found by our reference (or, failing that, Notify's id).

    Idempotent: a duplicate changes nothing, and a final status is never replaced by a non-final one or by a
    final one that Notify completed earlier, because receipts can arrive twice and out of order. The message (and
    its subscriber) stay locked until the caller commits, which it does whether or not anything changed.
    """
    message = None
    if reference:
        message = db.session.get(Message, reference, with_for_update=True, populate_existing=True)
    if message is None and notify_id:
        message = db.session.scalars(
            select(Message).where(Message.notify_id == notify_id).with_for_update()
            .execution_options(populate_existing=True)
        ).first()
    if message is None:
        return ReceiptResult(found=False, changed=False)

    current = message.notify_status
    if current == status or (current in NOTIFY_FINAL_STATUSES and status not in NOTIFY_FINAL_STATUSES):
        return ReceiptResult(found=True, changed=False)
    if current in NOTIFY_FINAL_STATUSES and not (
        completed_at and message.completed_at_utc and completed_at > message.completed_at_utc
    ):
        return ReceiptResult(found=True, changed=False)

    message.notify_status = status
    message.notify_id = message.notify_id or notify_id
    message.outcome_unknown = False
    message.lease_expires_at_utc = None
    message.claimed_by = None
    if status in NOTIFY_FINAL_STATUSES:
        message.completed_at_utc = completed_at or utc_now()
    if status == "delivered":
        message.status = MessageStatus.DELIVERED
        message.last_error = None
    elif status in NOTIFY_FAILURE_REASONS:
        message.status = MessageStatus.FAILED
        message.last_error = NOTIFY_FAILURE_REASONS[status]
    else:
        message.status = MessageStatus.SENT
    message.sent_at_utc = message.sent_at_utc or utc_now()

    suspended = _count_towards_suspension(message, previous=current, status=status)
    return ReceiptResult(found=True, changed=True, subscriber_suspended=suspended)


def _count_towards_suspension(message: Message, *, previous: str | None, status: str) -> bool:
    if message.subscriber_id is None or message.kind != MessageKind.ALERT:
        return False
    subscriber = db.session.get(Subscriber, message.subscriber_id, with_for_update=True, populate_existing=True)
    if subscriber is None:
        return False
    if status == "delivered":
        subscriber.permanent_failures = 0
        return False
    if status != "permanent-failure" or previous == "permanent-failure":
        return False
    subscriber.permanent_failures += 1
    if subscriber.permanent_failures >= SUSPEND_AFTER_PERMANENT_FAILURES and (
        subscriber.status == SubscriberStatus.CONFIRMED
    ):
        subscriber.status = SubscriberStatus.SUSPENDED
        insight.bump(insight.Metric.UNSUBSCRIBED, insight.UnsubscribeVia.SUSPENDED)  # insight counts why people leave
        subscriber.suspended_at_utc = utc_now()
        subscriber.suspended_reason = (
            f"GOV.UK Notify reported {subscriber.permanent_failures} permanent failures in a row: the "
            f"{'mobile number' if subscriber.channel == Channel.SMS else 'email address'} cannot receive messages"
        )
        return True
    return False
