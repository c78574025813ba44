"""Issue 15: what Notify actually charged for each text, asked for by the reconcile job (never in a web request).

`GET /v2/notifications/<id>` answers `cost_in_pounds` once `is_cost_data_ready`; Notify keeps a notification for
7 days, so texts are asked about from 10 minutes after sending until then. Emails are free and never asked about.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask

from alerts.data import messages as message_data
from alerts.delivery.gateway import get_gateway
from alerts.models import utc_now
from alerts.notify import NotFound, NotifyError

log = logging.getLogger(__name__)

COST_AFTER = dt.timedelta(minutes=10)
COST_RECHECK_AFTER = dt.timedelta(hours=1)
NOTIFY_RETENTION = dt.timedelta(days=7)
# Each look-up is one request against the same per-minute allowance as sending, so a run takes a bounded bite.
COST_BATCH = 200


def record_costs(app: Flask, *, now: dt.datetime | None = None, limit: int = COST_BATCH) -> int:
    """Store Notify's cost for finished texts that have none yet. Returns how many got one. Safe to run twice."""
    now = now or utc_now()
    with app.app_context():
        due = message_data.messages_needing_cost(sent_before=now - COST_AFTER, sent_after=now - NOTIFY_RETENTION,
                                                 checked_before=now - COST_RECHECK_AFTER, limit=limit)
    gateway = get_gateway(app)
    found = 0
    for message_id, notify_id in due:
        try:
            cost = gateway.get_notification(notify_id).cost_in_pounds
        except NotFound:
            cost = None
        except NotifyError as error:
            log.warning("cost look-up stopped at message %s: %s", message_id, error)
            break
        with app.app_context():
            message_data.record_cost(message_id, cost, now)
        found += cost is not None
    if due:
        log.info("asked Notify for the cost of %s texts: %s known", len(due), found)
    return found
