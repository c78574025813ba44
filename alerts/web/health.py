"""/healthz: is the database up, is the scheduler alive, how big is the backlog.

In constant time whatever the backlog: the scheduler counts the outbox every few seconds
(`operations.record_outbox_summary`) and this reads that count, saying how old it is.

Anyone can read it (load balancers probe it by IP address, see alerts/web/deployment.py), so it shows states and
counts only: no host names, process ids or Notify's words. Those are on the staff outbox page.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from alerts.data import feeds as feed_data
from alerts.data import operations
from alerts.models import utc_now

health = Blueprint("health", __name__)

@health.get("/healthz")
def healthz() -> tuple[Response, int]:
    state = operations.database_state()
    if state != "ok":
        return jsonify({"database": state}), 503
    beats = operations.health_heartbeats()
    scheduler = operations.scheduler_state_of(beats.get("scheduler"))
    outbox = operations.outbox_health(beats.get(operations.OUTBOX_SUMMARY))
    body = {
        "database": "ok",
        "scheduler": {"status": scheduler["status"], "seconds_since_heartbeat": scheduler["seconds_since_heartbeat"]},
        "outbox": outbox,
        # Stale weather warnings are a fault to look at, not a reason to take this instance out of service: 200.
        "feeds": "stale" if feed_data.stale_feed_sources(utc_now()) else "ok",
    }
    return jsonify(body), 200
