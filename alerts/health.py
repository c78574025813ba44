"""/healthz: is the database up, is the scheduler alive, how big is the backlog."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, jsonify

from alerts.data import operations
from alerts.models import utc_now

health = Blueprint("health", __name__)

SCHEDULER_STALE_AFTER = dt.timedelta(minutes=2)


@health.get("/healthz")
def healthz() -> tuple[Response, int]:
    if not operations.database_is_up():
        return jsonify({"database": "error"}), 503
    beat = operations.get_heartbeat("scheduler")
    scheduler: dict[str, object]
    if beat is None:
        scheduler = {"status": "never-seen", "last_heartbeat": None}
    else:
        age = utc_now() - beat.beat_at_utc
        scheduler = {
            "status": "ok" if age <= SCHEDULER_STALE_AFTER else "stale",
            "last_heartbeat": beat.beat_at_utc.isoformat(timespec="seconds"),
            "seconds_since_heartbeat": int(age.total_seconds()),
            "leader": beat.holder,
        }
    body = {"database": "ok", "scheduler": scheduler, "outbox": operations.outbox_summary()}
    return jsonify(body), 200
