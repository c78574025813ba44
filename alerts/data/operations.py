"""Heartbeats and health: what operators see of the long-running processes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, text

from alerts.extensions import db
from alerts.models import ChannelHold, Heartbeat, Message, MessageStatus, utc_now


def record_heartbeat(name: str, holder: str, details: dict | None = None) -> None:
    """The caller commits at once: a heartbeat must not wait on anything else."""
    beat = db.session.get(Heartbeat, name) or Heartbeat(name=name)
    beat.beat_at_utc, beat.holder, beat.details = utc_now(), holder, details or {}
    db.session.add(beat)
    db.session.flush()


def get_heartbeat(name: str) -> Heartbeat | None:
    return db.session.get(Heartbeat, name)


SCHEDULER_STALE_AFTER = dt.timedelta(minutes=2)


def scheduler_state() -> dict[str, Any]:
    """The scheduler's heartbeat as operators see it (the leader's host and pid included); /healthz shows less."""
    beat = get_heartbeat("scheduler")
    if beat is None:
        return {"status": "never-seen", "last_heartbeat": None, "seconds_since_heartbeat": None, "leader": None}
    age = utc_now() - beat.beat_at_utc
    return {
        "status": "ok" if age <= SCHEDULER_STALE_AFTER else "stale",
        "last_heartbeat": beat.beat_at_utc,
        "seconds_since_heartbeat": int(age.total_seconds()),
        "leader": beat.holder,
    }


def database_state() -> str:
    """"ok"; "error" when the database does not answer; "not migrated" when it answers but `flask db upgrade` has
    never run, so a health check says so rather than failing. (A schema one release behind is still "ok": during
    a deploy the old processes must keep answering while the new ones start.)"""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 — any failure here means "not ok"; the caller reports 503
        db.session.rollback()
        return "error"
    try:
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 — no alembic_version table
        db.session.rollback()
        revision = None
    return "ok" if revision else "not migrated"


def outbox_summary() -> dict:
    """Backlog size, the age of the oldest queued message and any holds on sending, for operators and /healthz."""
    queued, oldest = db.session.execute(
        select(func.count(), func.min(Message.created_at_utc)).where(
            Message.status.in_([MessageStatus.QUEUED, MessageStatus.SENDING])
        )
    ).one()
    age = int((utc_now() - oldest).total_seconds()) if oldest else 0
    all_holds = db.session.scalars(select(ChannelHold).order_by(ChannelHold.channel)).all()
    holds = [hold for hold in all_holds if hold.held_until_utc > utc_now()]
    # Shown until a send succeeds, not just while held: between checks the key is still suspect.
    auth = next((hold for hold in all_holds if hold.kind == "auth_failure"), None)
    return {
        "backlog": queued or 0,
        "oldest_queued_seconds": age,
        "held_channels": [
            {"channel": hold.channel, "reason": hold.reason, "until": hold.held_until_utc.isoformat(timespec="seconds")}
            for hold in holds
        ],
        "auth_failure": (
            {"since": auth.since_utc.isoformat(timespec="seconds"), "detail": auth.reason} if auth else None
        ),
    }
