"""Several live notices changed at once from the notices list: resolved together (every bin notice when collections
restart) or extended together. Resolving with alerts counts the sum of their audiences as one send for four eyes
(`approvals.approval_need_for_many`): over the threshold, or past the officer's rolling budget, every one of them
waits for a second officer; otherwise all are resolved now. The caller (the publishing service) commits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from alerts.data.approvals import ApprovalNeed, approval_need_for_many
from alerts.data.notice_lifecycle import (
    NoticeStateError,
    hold_for_approval,
    lock_notice,
    post_update_now,
    resolve_now,
)
from alerts.extensions import db
from alerts.models import Notice, NoticeStatus, PendingUpdate, StaffUser, UpdateKind, utc_now

MAX_SELECTED = 100


def live_notices(notice_ids: list[int]) -> list[Notice]:
    """The selected notices that are live, in id order (so two officers lock them in the same order)."""
    if not notice_ids:
        return []
    return list(db.session.scalars(
        select(Notice).where(Notice.id.in_(notice_ids[:MAX_SELECTED]), Notice.status == NoticeStatus.ACTIVE)
        .order_by(Notice.id)
    ).unique())


def _lock_all(notices: list[Notice]) -> None:
    for notice in notices:
        lock_notice(notice)
    stale = [notice.title for notice in notices if notice.status != NoticeStatus.ACTIVE]
    if stale:
        raise NoticeStateError(f"{stale[0]} is no longer live: choose the notices again.")
    waiting = [notice.title for notice in notices if notice.pending_update is not None]
    if waiting:
        raise NoticeStateError(f"{waiting[0]} has an update waiting for approval: approve or withdraw it first.")


def resolve_all(notices: list[Notice], *, summary: str, notify: bool, by_user_id: int | None, threshold: int,
                window: dt.timedelta | None, summary_cy: str = "") -> tuple[list[PendingUpdate], ApprovalNeed | None]:
    """Resolve every one now, or hold every one's resolution for a second officer when their sum needs one.
    Returns what was held (empty when all were resolved) and why."""
    _lock_all(notices)
    telling = [notice for notice in notices if notify and notice.notify_subscribers]
    if telling and by_user_id is not None and window is not None and db.engine.dialect.name != "sqlite":
        # One person's sends are decided one after the other (as in notice_lifecycle.needs_approval).
        db.session.execute(select(StaffUser.id).where(StaffUser.id == by_user_id).with_for_update(key_share=True))
    need = approval_need_for_many(telling, threshold, UpdateKind.RESOLVED, by_user_id=by_user_id,
                                  window=window) if telling else None
    held = [hold_for_approval(notice, UpdateKind.RESOLVED, summary, "", by_user_id, summary_cy)
            for notice in telling] if need is not None else []
    for notice in notices:
        if notice.pending_update is None:  # those with no alerts to send are resolved now either way
            resolve_now(notice, summary=summary, by_user_id=by_user_id, notify=notice in telling,
                        summary_cy=summary_cy)
    return held, need


def extend_all(notices: list[Notice], *, expected_end_at_utc: dt.datetime, summary: str,
               by_user_id: int | None, summary_cy: str = "") -> None:
    """Move every one's expected end and say so in its timeline (website, feeds and API; no alerts are sent)."""
    _lock_all(notices)
    for notice in notices:
        notice.expected_end_at_utc = expected_end_at_utc
        post_update_now(notice, summary=summary, advice="", notify=False, by_user_id=by_user_id, summary_cy=summary_cy,
                        next_update_by=notice.next_update_by_utc if notice.next_update_by_utc and
                        notice.next_update_by_utc > utc_now() else None)

