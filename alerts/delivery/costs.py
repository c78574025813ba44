"""What Notify actually charged for each text, asked for by the reconcile job (never in a web request).

Notify lists every notification it keeps (7 days) newest first, 250 a page, each with `cost_in_pounds` once
`is_cost_data_ready`: `GET /v2/notifications?template_type=sms`, then `&older_than=<last id>` from `links.next`.
A run walks that list from the newest text back until it is past the oldest text still waiting for its cost (or
reaches the empty last page), so 10,000 texts cost 40 requests, not 10,000. A text the walk passed without seeing
is not kept by Notify: it is marked checked, so it is asked again an hour later, until it is a week old.
A run reads at most `pages` pages; texts older than those are asked for one by one (`GET /v2/notifications/<id>`),
a few a run, so a busy week cannot leave the oldest without a cost. Texts are asked about from 10 minutes after
sending. Emails are free and never asked about.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from flask import Flask

from alerts.data import message_costs
from alerts.delivery.app_gateway import get_gateway
from alerts.models import utc_now
from alerts.notify import NotFound, NotifyError

log = logging.getLogger(__name__)

COST_AFTER = dt.timedelta(minutes=10)
COST_RECHECK_AFTER = dt.timedelta(hours=1)
NOTIFY_RETENTION = dt.timedelta(days=7)
# Notify's per-minute limit counts only POSTs to /v2/notifications/*, so these GETs never take from the sending
# allowance; a run still takes a bounded bite of Notify's time and ours: at most 40 pages (10,000 texts) and 50
# texts by id.
COST_PAGES = 40
COST_LOOKUPS = 50
COST_WAITING = 20_000  # texts waiting for a cost that one run considers, oldest first
# Notify stamps `created_at` when it accepts a text, just before we record `sent_at_utc`; allow for clocks.
CLOCK_SLACK = dt.timedelta(minutes=5)


def record_costs(app: Flask, *, now: dt.datetime | None = None, pages: int = COST_PAGES,
                 lookups: int = COST_LOOKUPS) -> int:
    """Store Notify's cost for finished texts that have none yet. Returns how many got one. Safe to run twice."""
    now = now or utc_now()
    with app.app_context():
        waiting = message_costs.messages_needing_cost(sent_before=now - COST_AFTER, sent_after=now - NOTIFY_RETENTION,
                                                      checked_before=now - COST_RECHECK_AFTER, limit=COST_WAITING)
    if not waiting:
        return 0
    message_ids = {text.notify_id: text.message_id for text in waiting}
    past = waiting[0].sent_at_utc - CLOCK_SLACK
    gateway = get_gateway(app)
    costs: dict[str, Decimal | None] = {}  # by message id; None: Notify has not worked it out yet
    walked_past_the_oldest = False
    older_than: str | None = None
    requests = 0
    try:
        for _ in range(pages):
            page = gateway.list_notifications(template_type="sms", older_than=older_than)
            requests += 1
            for state in page.notifications:
                if state.notify_id in message_ids:
                    costs[message_ids[state.notify_id]] = state.cost_in_pounds
            last = page.notifications[-1].created_at if page.notifications else None
            if page.older_than is None or last is None or last < past or len(costs) == len(message_ids):
                walked_past_the_oldest = True
                break
            older_than = page.older_than
        unseen = [text for text in waiting if text.message_id not in costs]
        if walked_past_the_oldest:
            costs.update((text.message_id, None) for text in unseen)  # Notify no longer keeps them
        else:
            for text in unseen[:lookups]:  # beyond this run's pages: asked for one by one, oldest first
                requests += 1
                try:
                    costs[text.message_id] = gateway.get_notification(text.notify_id).cost_in_pounds
                except NotFound:
                    costs[text.message_id] = None
    except NotifyError as error:
        log.warning("cost look-up stopped after %s requests to Notify: %s", requests, error)
    with app.app_context():
        message_costs.store_costs(costs, now)
    found = sum(1 for cost in costs.values() if cost is not None)
    log.info("asked Notify for the cost of %s texts in %s requests: %s known", len(waiting), requests, found)
    return found
