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
    return scheduler_state_of(get_heartbeat("scheduler"))


def scheduler_state_of(beat: Heartbeat | None) -> dict[str, Any]:
    """`scheduler_state` for a heartbeat already read (`health_heartbeats`)."""
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
    a deploy the old processes must keep answering while the new ones start.) One query when all is well: /healthz
    is probed often."""
    try:
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 — no alembic_version table, or no database: the second query tells which
        db.session.rollback()
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 — any failure here means "not ok"; the caller reports 503
            db.session.rollback()
            return "error"
        revision = None
    return "ok" if revision else "not migrated"


def _queued_count_and_oldest() -> tuple[int, dt.datetime | None]:
    """Counts the whole backlog: ~150 ms at a million queued on PostgreSQL, so a job runs it, never a request."""
    queued, oldest = db.session.execute(
        select(func.count(), func.min(Message.created_at_utc)).where(
            Message.status.in_([MessageStatus.QUEUED, MessageStatus.SENDING])
        )
    ).one()
    return queued or 0, oldest


def _holds() -> tuple[list[ChannelHold], ChannelHold | None]:
    """Holds on sending still in force, and a refused key (a handful of rows at most: one per channel)."""
    all_holds = db.session.scalars(select(ChannelHold).order_by(ChannelHold.channel)).all()
    holds = [hold for hold in all_holds if hold.held_until_utc > utc_now()]
    # Shown until a send succeeds, not just while held: between checks the key is still suspect.
    auth = next((hold for hold in all_holds if hold.kind == "auth_failure"), None)
    return holds, auth


def outbox_summary() -> dict:
    """Backlog size, the age of the oldest queued message and any holds on sending, counted now: for the staff
    outbox page (signed in) and the scheduler's summary. /healthz reads `outbox_health` instead."""
    queued, oldest = _queued_count_and_oldest()
    age = int((utc_now() - oldest).total_seconds()) if oldest else 0
    holds, auth = _holds()
    return {
        "backlog": queued,
        "oldest_queued_seconds": age,
        "held_channels": [
            {"channel": hold.channel, "reason": hold.reason, "until": hold.held_until_utc.isoformat(timespec="seconds")}
            for hold in holds
        ],
        "auth_failure": (
            {"since": auth.since_utc.isoformat(timespec="seconds"), "detail": auth.reason} if auth else None
        ),
    }


OUTBOX_SUMMARY = "outbox-summary"  # the heartbeat row the scheduler keeps the backlog count in
OUTBOX_SUMMARY_SECONDS = 5  # how often the scheduler counts the backlog
OUTBOX_SUMMARY_STALE_AFTER = dt.timedelta(seconds=60)


def record_outbox_summary(holder: str) -> None:
    """Count the backlog once for every /healthz until the next count. The caller commits at once."""
    queued, oldest = _queued_count_and_oldest()
    record_heartbeat(OUTBOX_SUMMARY, holder, {
        "backlog": queued, "oldest_queued_at_utc": oldest.isoformat() if oldest else None})


def health_heartbeats() -> dict[str, Heartbeat]:
    """The scheduler's heartbeat and its outbox count, in one query, by name."""
    beats = db.session.scalars(select(Heartbeat).where(Heartbeat.name.in_(["scheduler", OUTBOX_SUMMARY])))
    return {beat.name: beat for beat in beats}


def outbox_health(beat: Heartbeat | None) -> dict[str, Any]:
    """What /healthz shows of the outbox, in constant time: the backlog as the scheduler last counted it (`beat`, the
    OUTBOX_SUMMARY heartbeat; how long ago, and "stale" once that is over a minute: the scheduler has stopped
    counting) and the holds on sending now (a row per channel at most).

    Never counted by the scheduler: backlog and age are None and the count "never-seen"."""
    holds, auth = _holds()
    now = utc_now()
    backlog: int | None = None
    oldest_seconds: int | None = None
    counted_seconds_ago: int | None = None
    status = "never-seen"
    if beat is not None:
        counted_at = _aware(beat.beat_at_utc)
        counted_seconds_ago = max(0, int((now - counted_at).total_seconds()))
        status = "ok" if now - counted_at <= OUTBOX_SUMMARY_STALE_AFTER else "stale"
        backlog = int(beat.details.get("backlog") or 0)
        oldest_text = beat.details.get("oldest_queued_at_utc")
        # Aged to now, so a stuck message keeps growing older between counts.
        oldest_seconds = (max(0, int((now - _aware(dt.datetime.fromisoformat(oldest_text))).total_seconds()))
                          if oldest_text else 0)
    return {
        "backlog": backlog,
        "oldest_queued_seconds": oldest_seconds,
        "counted": status,
        "counted_seconds_ago": counted_seconds_ago,
        "held_channels": [{"channel": hold.channel, "until": hold.held_until_utc.isoformat(timespec="seconds")}
                          for hold in holds],
        "auth_failure": auth is not None,
    }


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC times."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
