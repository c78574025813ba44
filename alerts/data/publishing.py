"""The notice lifecycle for officers: drafts, publishing (now, scheduled or after approval), updates, resolving,
cancelling and expiry. Every change that reaches residents records its fan-out in the same transaction.

Functions here change the session and leave committing to the caller, so the caller's audit event and the
change are one transaction; the scheduled jobs at the bottom commit their own work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from alerts.data import reference
from alerts.data.fanouts import Audience, audience_for, record_fanout
from alerts.extensions import db
from alerts.models import Impact, Notice, NoticeStatus, NoticeUpdate, UpdateKind, WeatherWarning, utc_now

DUE_TO_END_WITHIN = dt.timedelta(hours=3)


class NoticeStateError(ValueError):
    """The action does not fit the notice's state. The message is safe to show an officer."""


@dataclass(frozen=True)
class NoticeDraft:
    title: str
    service_id: str
    area_ids: list[str]
    impact: Impact
    summary: str
    advice: str = ""
    starts_at_utc: dt.datetime | None = None
    expected_end_at_utc: dt.datetime | None = None
    internal_notes: str = ""
    notify_subscribers: bool = True
    source_warning_id: str | None = None


def get_notice(notice_id: int) -> Notice | None:
    return db.session.get(Notice, notice_id)


def _apply(notice: Notice, draft: NoticeDraft) -> None:
    whole_county = reference.WHOLE_COUNTY_ID in draft.area_ids
    notice.title = draft.title.strip()
    notice.service_id = draft.service_id
    notice.impact = draft.impact
    notice.summary = draft.summary.strip()
    notice.advice = draft.advice.strip()
    notice.starts_at_utc = draft.starts_at_utc or notice.starts_at_utc or utc_now()
    notice.expected_end_at_utc = draft.expected_end_at_utc
    notice.internal_notes = draft.internal_notes.strip()
    notice.notify_subscribers = draft.notify_subscribers
    notice.whole_county = whole_county
    # "Whole county" with other areas ticked is still the whole county.
    notice.areas = reference.get_areas([reference.WHOLE_COUNTY_ID] if whole_county else draft.area_ids)


def create_draft(draft: NoticeDraft, *, created_by_id: int | None) -> Notice:
    notice = Notice(status=NoticeStatus.DRAFT, created_by_id=created_by_id, source_warning_id=draft.source_warning_id)
    _apply(notice, draft)
    db.session.add(notice)
    db.session.flush()
    return notice


def edit_draft(notice: Notice, draft: NoticeDraft) -> None:
    if notice.status != NoticeStatus.DRAFT:
        raise NoticeStateError("Only a draft can be edited. Post an update instead.")
    _apply(notice, draft)


def needs_approval(notice: Notice, audience: Audience, threshold: int) -> bool:
    """DESIGN §3: a send to more than the threshold, or to the whole county, needs a second officer."""
    if not notice.notify_subscribers:
        return False
    return notice.whole_county or audience.total > threshold


def request_publication(notice: Notice, *, by_user_id: int | None, threshold: int,
                        publish_at_utc: dt.datetime | None = None) -> NoticeStatus:
    """Publish a draft now or at a set time, or hold it for approval. Returns the new status."""
    if notice.status != NoticeStatus.DRAFT:
        raise NoticeStateError("This notice has already been sent for publishing.")
    notice.publish_at_utc = publish_at_utc if publish_at_utc and publish_at_utc > utc_now() else None
    if needs_approval(notice, audience_for(notice, with_areas=False), threshold):
        notice.status = NoticeStatus.AWAITING_APPROVAL
        notice.updated_at_utc = utc_now()
        return notice.status
    _publish_or_schedule(notice, by_user_id)
    return NoticeStatus(notice.status)


def approve(notice: Notice, *, approver_id: int) -> NoticeStatus:
    if notice.status != NoticeStatus.AWAITING_APPROVAL:
        raise NoticeStateError("This notice is not waiting for approval.")
    if notice.created_by_id == approver_id:
        raise NoticeStateError("A different officer must approve this notice.")
    notice.approved_by_id = approver_id
    _publish_or_schedule(notice, approver_id)
    return NoticeStatus(notice.status)


def _publish_or_schedule(notice: Notice, by_user_id: int | None) -> None:
    if notice.publish_at_utc is not None and notice.publish_at_utc > utc_now():
        notice.status = NoticeStatus.SCHEDULED
        notice.updated_at_utc = utc_now()
        return
    publish_now(notice, by_user_id)


def publish_now(notice: Notice, by_user_id: int | None) -> NoticeUpdate:
    now = utc_now()
    notice.status = NoticeStatus.ACTIVE
    notice.published_at_utc = now
    notice.updated_at_utc = now
    notice.version += 1
    update = NoticeUpdate(kind=UpdateKind.PUBLISHED, summary=notice.summary, advice=notice.advice,
                          notify_subscribers=notice.notify_subscribers, created_by_id=by_user_id, created_at_utc=now)
    notice.updates.append(update)
    db.session.flush()
    if notice.notify_subscribers:
        record_fanout(notice, update)
    return update


def cancel(notice: Notice) -> None:
    if notice.status not in (NoticeStatus.SCHEDULED, NoticeStatus.AWAITING_APPROVAL):
        raise NoticeStateError("Only a scheduled notice, or one waiting for approval, can be cancelled.")
    notice.status = NoticeStatus.CANCELLED
    notice.updated_at_utc = utc_now()


def post_update(notice: Notice, *, summary: str, advice: str, notify: bool, by_user_id: int | None) -> NoticeUpdate:
    if notice.status != NoticeStatus.ACTIVE:
        raise NoticeStateError("Only a live notice can be updated.")
    now = utc_now()
    update = NoticeUpdate(kind=UpdateKind.UPDATED, summary=summary.strip(), advice=advice.strip(),
                          notify_subscribers=notify, created_by_id=by_user_id, created_at_utc=now)
    notice.updates.append(update)
    if advice.strip():
        notice.advice = advice.strip()
    notice.updated_at_utc = now
    notice.version += 1
    db.session.flush()
    if notify:
        record_fanout(notice, update)
    return update


def resolve(notice: Notice, *, summary: str, by_user_id: int | None, notify: bool = True) -> NoticeUpdate:
    if notice.status not in (NoticeStatus.ACTIVE, NoticeStatus.EXPIRED):
        raise NoticeStateError("Only a live or expired notice can be resolved.")
    now = utc_now()
    # Only residents who were told about the disruption hear that it is over.
    notify = notify and notice.notify_subscribers and notice.status == NoticeStatus.ACTIVE
    update = NoticeUpdate(kind=UpdateKind.RESOLVED, summary=summary.strip(), notify_subscribers=notify,
                          created_by_id=by_user_id, created_at_utc=now)
    notice.updates.append(update)
    notice.status = NoticeStatus.RESOLVED
    notice.resolved_at_utc = now
    notice.updated_at_utc = now
    notice.version += 1
    db.session.flush()
    if notify:
        record_fanout(notice, update)
    return update


# Lists for officers -------------------------------------------------------------------------------------------

def list_notices_by_status(statuses: list[NoticeStatus], limit: int = 100) -> list[Notice]:
    return list(db.session.scalars(
        select(Notice).where(Notice.status.in_(statuses)).order_by(Notice.updated_at_utc.desc()).limit(limit)
    ).unique())


def due_to_end_soon(within: dt.timedelta = DUE_TO_END_WITHIN) -> list[Notice]:
    """Live notices whose expected end has passed or is near: an officer should resolve or extend them."""
    return list(db.session.scalars(
        select(Notice).where(Notice.status == NoticeStatus.ACTIVE, Notice.expected_end_at_utc.is_not(None),
                             Notice.expected_end_at_utc <= utc_now() + within)
        .order_by(Notice.expected_end_at_utc)
    ).unique())


def get_weather_warning(warning_id: str) -> WeatherWarning | None:
    return db.session.get(WeatherWarning, warning_id)


# Scheduled jobs (each commits, each safe to run twice) -----------------------------------------------------------

def notices_from_warnings(warning_ids: list[str]) -> dict[str, Notice]:
    """The latest notice made from each of these weather warnings, so an officer can see one exists already."""
    if not warning_ids:
        return {}
    found: dict[str, Notice] = {}
    for notice in db.session.scalars(
        select(Notice).where(Notice.source_warning_id.in_(warning_ids), Notice.status != NoticeStatus.CANCELLED)
        .order_by(Notice.created_at_utc, Notice.id)
    ):
        found[notice.source_warning_id] = notice  # type: ignore[index]  # later rows win: the latest
    return found


def publish_due_notices() -> int:
    """Publish scheduled notices whose time has come."""
    due = list(db.session.scalars(
        select(Notice).where(Notice.status == NoticeStatus.SCHEDULED, Notice.publish_at_utc <= utc_now())
    ).unique())
    for notice in due:
        publish_now(notice, notice.approved_by_id or notice.created_by_id)
    db.session.commit()
    return len(due)


def expire_overdue_notices(grace: dt.timedelta) -> int:
    """Mark live notices expired once their expected end plus the grace period has passed."""
    overdue = list(db.session.scalars(
        select(Notice).where(Notice.status == NoticeStatus.ACTIVE, Notice.expected_end_at_utc.is_not(None),
                             Notice.expected_end_at_utc < utc_now() - grace)
    ).unique())
    now = utc_now()
    for notice in overdue:
        notice.status = NoticeStatus.EXPIRED
        notice.updated_at_utc = now
        notice.version += 1
        notice.updates.append(NoticeUpdate(
            kind=UpdateKind.EXPIRED, created_at_utc=now,
            summary="This notice has passed its expected end time and is no longer being updated."))
    db.session.commit()
    return len(overdue)
