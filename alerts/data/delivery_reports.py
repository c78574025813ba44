"""What operators see of delivery: each notice's progress, the channels held now, and recent notices' counts.

Reads only; nothing here commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from alerts.data.channel_holds import active_holds
from alerts.extensions import db
from alerts.models import Message, MessageStatus, Notice


def delivery_progress(notice_id: int) -> dict[str, Any]:
    """Per-notice counts by status, failures grouped by reason, and how far a large send has got."""
    counts = {status.value: 0 for status in MessageStatus}
    for status, count in db.session.execute(
        select(Message.status, func.count()).where(Message.notice_id == notice_id).group_by(Message.status)
    ):
        counts[MessageStatus(status).value] = count
    reason = func.coalesce(Message.last_error, Message.notify_status, "No reason recorded")
    failures = [
        {"reason": row.reason, "count": row.count}
        for row in db.session.execute(
            select(reason.label("reason"), func.count().label("count"))
            .where(Message.notice_id == notice_id, Message.status == MessageStatus.FAILED)
            .group_by(reason)
            .order_by(func.count().desc(), reason)
        )
    ]
    next_due = db.session.scalar(
        select(func.min(Message.next_attempt_at_utc))
        .where(Message.notice_id == notice_id, Message.status == MessageStatus.QUEUED)
    )
    total = sum(counts.values())
    finished = total - counts[MessageStatus.QUEUED] - counts[MessageStatus.SENDING]
    return {
        "total": total,
        **counts,
        "finished": finished,
        "percent_finished": int(finished * 100 / total) if total else 100,
        "failures": failures,
        "next_attempt_at_utc": next_due,
        "held_channels": held_channels_for_operators(),
    }


def held_channels_for_operators() -> list[dict[str, Any]]:
    """Each channel held now, with why (`daily_limit` or `auth_failure`), Notify's words and until when."""
    return [
        {"channel": hold.channel, "kind": hold.kind, "reason": hold.reason, "until": hold.held_until_utc}
        for hold in active_holds()
    ]


def recent_delivery_summaries(limit: int = 10) -> list[dict[str, Any]]:
    """Counts by status for the notices that most recently had messages created, newest first."""
    latest = func.max(Message.created_at_utc).label("latest")
    recent = (
        select(Message.notice_id, latest).where(Message.notice_id.is_not(None))
        .group_by(Message.notice_id).order_by(latest.desc()).limit(limit).subquery()
    )
    rows = db.session.execute(
        select(Notice.id, Notice.title, recent.c.latest, Message.status, func.count())
        .join(recent, recent.c.notice_id == Notice.id)
        .join(Message, Message.notice_id == Notice.id)
        .group_by(Notice.id, Notice.title, recent.c.latest, Message.status)
        .order_by(recent.c.latest.desc(), Notice.id)
    ).all()
    summaries: dict[int, dict[str, Any]] = {}
    for notice_id, title, _latest, status, count in rows:
        summary = summaries.setdefault(notice_id, {"notice_id": notice_id, "title": title,
                                                   **{status.value: 0 for status in MessageStatus}})
        summary[MessageStatus(status).value] = count
    for summary in summaries.values():
        summary["total"] = sum(summary[status.value] for status in MessageStatus)
        unfinished = summary[MessageStatus.QUEUED.value] + summary[MessageStatus.SENDING.value]
        summary["percent_finished"] = int((summary["total"] - unfinished) * 100 / summary["total"])
    return list(summaries.values())
