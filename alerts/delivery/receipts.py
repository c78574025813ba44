"""Delivery receipts from Notify's callback (read here, recorded by alerts/services/delivery_receipts.py), and a
reconcile job for receipts that never came.

Notify calls back only when a provider's receipt arrives (delivered, permanent, temporary failure) and when its
own 3-day timeout gives up on a text; never for created, sending or technical-failure. It retries on 5xx or 429,
and may send a receipt twice or out of order. So messages still `sent` after a while are looked up with
GET /v2/notifications/{id} (Notify keeps them 7 days).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask

from alerts.data import reconcile
from alerts.delivery.app_gateway import get_gateway
from alerts.models import utc_now
from alerts.notify import NotFound, NotifyError

log = logging.getLogger(__name__)

RECONCILE_AFTER = dt.timedelta(hours=1)
RECONCILE_RECHECK_AFTER = dt.timedelta(hours=1)
NOTIFY_RETENTION = dt.timedelta(days=7)
RECONCILE_BATCH = 200


class InvalidReceipt(ValueError):
    """The callback body is not a Notify delivery receipt."""


@dataclass(frozen=True)
class Receipt:
    notify_id: str
    reference: str | None
    status: str
    completed_at: dt.datetime | None


def parse_receipt(body: Any) -> Receipt:
    if not isinstance(body, dict):
        raise InvalidReceipt("Send a JSON object")
    notify_id, status, reference = body.get("id"), body.get("status"), body.get("reference")
    if not isinstance(notify_id, str) or not notify_id:
        raise InvalidReceipt("id is missing")
    if not isinstance(status, str) or not status:
        raise InvalidReceipt("status is missing")
    if reference is not None and not isinstance(reference, str):
        raise InvalidReceipt("reference must be a string or null")
    # Longer than our columns, or with a NUL (PostgreSQL refuses it): not from Notify, and a 500 would make it retry.
    for name, value, longest in (("id", notify_id, 36), ("reference", reference, 36), ("status", status, 40)):
        if value is not None and (len(value) > longest or "\x00" in value):
            raise InvalidReceipt(f"{name} is not a value Notify sends")
    return Receipt(notify_id=notify_id, reference=reference or None, status=status,
                   completed_at=_parse_time(body.get("completed_at")))


def _parse_time(value: Any) -> dt.datetime | None:
    """Notify's code sends "2023-09-16T16:50:10.042907Z"; its docs show a space instead of the T. Both are UTC."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
        return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # year 1 at +01:00 is before the earliest datetime once in UTC
        return None


def reconcile_sent_messages(app: Flask, *, now: dt.datetime | None = None, limit: int = RECONCILE_BATCH) -> int:
    """Ask Notify about messages still `sent` an hour on. Returns how many changed. Safe to run twice."""
    now = now or utc_now()
    with app.app_context():
        due = reconcile.messages_to_reconcile(now=now, sent_before=now - RECONCILE_AFTER,
                                              sent_after=now - NOTIFY_RETENTION,
                                              checked_before=now - RECONCILE_RECHECK_AFTER, limit=limit)
    gateway = get_gateway(app)
    changed = 0
    for message_id, notify_id in due:
        try:
            state = gateway.get_notification(notify_id)
        except NotFound:
            state = None
        except NotifyError as error:
            log.warning("reconcile stopped: could not look up message %s: %s", message_id, error)
            break
        with app.app_context():
            if state is not None and reconcile.record_notify_status(
                reference=message_id, notify_id=state.notify_id, status=state.status, completed_at=state.completed_at
            ).changed:
                changed += 1
            reconcile.mark_reconciled(message_id, now)
    if due:
        log.info("reconciled %s messages with Notify: %s changed", len(due), changed)
    return changed
