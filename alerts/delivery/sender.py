"""Send one message now: used for confirmation codes and links, which a resident is waiting for.

It takes a token from the shared allowance like every other send, and goes through the same error rules as the
dispatcher. If Notify can't take it now, it stays queued and the dispatcher sends it, ahead of bulk alerts.
The database session is released before the HTTP call, so a slow Notify never holds a connection or a lock.
"""

from __future__ import annotations

import time

from flask import current_app

from alerts.data import outbox_claims
from alerts.delivery.allowance import get_allowance
from alerts.delivery.dispatcher import (
    IMMEDIATE_TOKEN_WAIT_SECONDS,
    LEASE,
    LEASE_MARGIN,
    Outcome,
    Sender,
    deliver,
    settle_time,
    worker_name,
)
from alerts.delivery.gateway import get_gateway
from alerts.extensions import db

__all__ = ["deliver", "send_now", "worker_name"]


def send_now(message_id: str) -> Outcome | None:
    """Send a queued message straight away. None if it was not queued (already claimed or sent)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    message = outbox_claims.claim_for_immediate_send(message_id, worker_name(), LEASE)
    db.session.remove()  # release the connection before the HTTP call
    if message is None:
        return None
    settle = settle_time(app)
    sender = Sender(app, get_gateway(app), get_allowance(app), max_attempts=int(app.config["NOTIFY_MAX_ATTEMPTS"]),
                    settle=settle)
    margin = max(LEASE_MARGIN, settle)
    return sender.send(message, post_deadline=time.monotonic() + (LEASE - margin).total_seconds(),
                       token_timeout=IMMEDIATE_TOKEN_WAIT_SECONDS)
