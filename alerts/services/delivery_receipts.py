"""Recording Notify's delivery receipts: each in one transaction, whatever it changes.

Called by the callback view, which answers Notify from the result: a receipt for a message we no longer have is
acknowledged, not refused, so Notify does not send it again.
"""

from __future__ import annotations

import logging

from alerts.data.notify_statuses import ReceiptResult, apply_notify_status
from alerts.delivery.receipts import Receipt
from alerts.extensions import db

log = logging.getLogger(__name__)


def record_receipt(receipt: Receipt) -> ReceiptResult:
    """Apply the receipt's status (at most once, never going back) and commit, releasing the message's lock."""
    result = apply_notify_status(reference=receipt.reference, notify_id=receipt.notify_id, status=receipt.status,
                                 completed_at=receipt.completed_at)
    db.session.commit()
    if not result.found:
        log.warning("receipt for unknown message: reference %s, Notify id %s", receipt.reference, receipt.notify_id)
    if result.subscriber_suspended:
        log.warning("subscriber of message %s suspended after repeated permanent failures", receipt.reference)
    return result
