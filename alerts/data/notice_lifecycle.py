"""The notice lifecycle for officers: drafts, publishing (now, scheduled or after approval), updates, resolving,
cancelling and expiry. Every change that reaches residents records its fan-out in the same transaction.

Functions here change the session and leave committing to the caller — the publishing service,
`alerts.services.publishing`, which pages, API and jobs call — so its audit event and the change are one
transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from alerts.data import outbox, reference, update_promises
from alerts.data.approvals import approval_need
from alerts.data.fanouts import record_fanout
from alerts.data.outbox_claims import SkipReason
from alerts.extensions import db
from alerts.models import (
    Impact,
    Notice,
    NoticeStatus,
    NoticeUpdate,
    PendingUpdate,
    Role,
    StaffUser,
    UpdateKind,
    WeatherWarning,
    utc_now,
)

DUE_TO_END_WITHIN = dt.timedelta(hours=3)


class NoticeStateError(ValueError):
    """The action does not fit the notice's state. The message is safe to show an officer."""


class ApprovalRefused(NoticeStateError):
    """This person may not approve this notice (four eyes). The message is safe to show them."""


_P = ParamSpec("_P")
_R = TypeVar("_R")


def lock_notice(notice: Notice) -> None:
    """Take the notice's row until this transaction ends, and read it again. Two requests acting on one notice
    at once (a double click on Publish, two officers approving or resolving, a page and the scheduler) then act
    one after the other, the second on what the first left, so a notice goes out once. PostgreSQL locks the row
    (FOR UPDATE); SQLite has no row locks, so a write that changes nothing takes its one write lock first."""
    db.session.flush()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(update(Notice).where(Notice.id == notice.id).values(id=Notice.id))
    else:  # the bare row: FOR UPDATE can't lock the outer joins a Notice is loaded with
        db.session.execute(select(Notice.id).where(Notice.id == notice.id).with_for_update())
    db.session.refresh(notice)


def one_at_a_time(change: Callable[Concatenate[Notice, _P], _R]) -> Callable[Concatenate[Notice, _P], _R]:
    """Every change of a notice's state checks that state under `lock_notice`."""
    @functools.wraps(change)
    def locked(notice: Notice, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        lock_notice(notice)
        return change(notice, *args, **kwargs)
    return locked


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
    next_update_by_utc: dt.datetime | None = None  # None: the default for its impact when it is published
    # The Welsh beside the English, for a council that writes in both; blank for one that writes only English.
    title_cy: str = ""
    summary_cy: str = ""
    advice_cy: str = ""


def get_notice(notice_id: int) -> Notice | None:
    return db.session.get(Notice, notice_id)


def _apply(notice: Notice, draft: NoticeDraft) -> None:
    whole_county = reference.WHOLE_COUNTY_ID in draft.area_ids
    notice.title = draft.title.strip()
    notice.service_id = draft.service_id
    notice.impact = draft.impact
    notice.summary = draft.summary.strip()
    notice.advice = draft.advice.strip()
    notice.title_cy = draft.title_cy.strip() or None
    notice.summary_cy = draft.summary_cy.strip() or None
    notice.advice_cy = draft.advice_cy.strip() or None
    notice.starts_at_utc = draft.starts_at_utc or notice.starts_at_utc or utc_now()
    notice.expected_end_at_utc = draft.expected_end_at_utc
    notice.internal_notes = draft.internal_notes.strip()
    notice.notify_subscribers = draft.notify_subscribers
    notice.next_update_by_utc = draft.next_update_by_utc
    notice.whole_county = whole_county
    # "Whole county" with other areas ticked is still the whole county.
    notice.areas = reference.get_areas([reference.WHOLE_COUNTY_ID] if whole_county else draft.area_ids)


def create_draft(draft: NoticeDraft, *, created_by_id: int | None) -> Notice:
    notice = Notice(status=NoticeStatus.DRAFT, created_by_id=created_by_id, source_warning_id=draft.source_warning_id)
    _apply(notice, draft)
    db.session.add(notice)
    db.session.flush()
    return notice


@one_at_a_time
def edit_draft(notice: Notice, draft: NoticeDraft, *, editor_id: int | None) -> bool:
    """Change a draft, or a notice waiting for approval. Returns True when the change withdrew a request for
    approval: what a second officer would have approved is no longer what would be sent (DESIGN §3)."""
    if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.AWAITING_APPROVAL):
        raise NoticeStateError(_("Only a draft can be edited. Post an update instead."))
    _apply(notice, draft)
    add_editor(notice, editor_id)
    withdrawn = notice.status == NoticeStatus.AWAITING_APPROVAL
    if withdrawn:
        notice.status = NoticeStatus.DRAFT
        notice.requested_by_id = notice.requested_at_utc = notice.publish_at_utc = None
    notice.updated_at_utc = utc_now()
    return withdrawn


def add_editor(notice: Notice, user_id: int | None) -> None:
    """Record someone, other than its author, who changed the notice or had a hand in sending it."""
    editor = db.session.get(StaffUser, user_id) if user_id is not None else None
    if editor is not None and editor.id != notice.created_by_id and editor not in notice.editors:
        notice.editors.append(editor)


def needs_approval(notice: Notice, threshold: int, kind: UpdateKind = UpdateKind.PUBLISHED, *,
                   by_user_id: int | None = None, window: dt.timedelta | None = None) -> bool:
    """Deciding a send: one person's sends are decided one after the other, so two at once can't both spend the
    same budget. PostgreSQL locks their staff row until the caller commits (FOR NO KEY UPDATE: the key-share
    locks that foreign keys to it take, as a notice naming them is written, must not wait on it, or two sends
    deadlock); SQLite's one write lock, taken by `lock_notice`, already does."""
    if by_user_id is not None and window is not None and db.engine.dialect.name != "sqlite":
        db.session.execute(select(StaffUser.id).where(StaffUser.id == by_user_id).with_for_update(key_share=True))
    return approval_need(notice, threshold, kind, by_user_id=by_user_id, window=window) is not None


@one_at_a_time
def request_publication(notice: Notice, *, by_user_id: int | None, threshold: int,
                        publish_at_utc: dt.datetime | None = None,
                        window: dt.timedelta | None = None) -> NoticeStatus:
    """Publish a draft now or at a set time, or hold it for approval. Records who asked. Returns the new status."""
    if notice.status != NoticeStatus.DRAFT:
        raise NoticeStateError(_("This notice has already been sent for publishing."))
    notice.publish_at_utc = publish_at_utc if publish_at_utc and publish_at_utc > utc_now() else None
    notice.requested_by_id, notice.requested_at_utc = by_user_id, utc_now()
    if needs_approval(notice, threshold, by_user_id=by_user_id, window=window):
        notice.status = NoticeStatus.AWAITING_APPROVAL
        notice.updated_at_utc = utc_now()
        return notice.status
    _publish_or_schedule(notice, by_user_id)
    return NoticeStatus(notice.status)


def not_waiting(notice: Notice) -> str | None:
    """Why nothing on this notice can be approved, or None if something waits. An update approved after the
    notice ended would show after "Resolved" and email people about a notice that is over."""
    if notice.pending_update is not None:
        if notice.pending_update.kind == UpdateKind.UPDATED and notice.status != NoticeStatus.ACTIVE:
            return _("This notice is no longer live, so the update waiting for approval can't be sent. Withdraw it.")
        return None
    if notice.status == NoticeStatus.AWAITING_APPROVAL:
        return None
    if notice.status == NoticeStatus.RESOLVED:
        return _("This notice was resolved, which withdrew the update waiting for approval. Nothing was sent.")
    return _("This notice is not waiting for approval.")


def approval_refusal(notice: Notice, approver: StaffUser | None, *, token_made_by_id: int | None = None) -> str | None:
    """Why this person may not approve what waits on this notice, or None if they may. The one home of the rule:
    the approver is an enabled officer other than whoever wrote, changed or asked to send it (DESIGN §3). Approving
    through an API token, the admin who made the token must not be one of those either."""
    if notice.pending_update is not None:
        blocked = {notice.pending_update.requested_by_id, notice.pending_update.token_made_by_id}
    elif notice.status == NoticeStatus.AWAITING_APPROVAL:
        blocked = {notice.created_by_id, notice.requested_by_id} | {editor.id for editor in notice.editors}
    else:
        return _("This notice is not waiting for approval.")
    if approver is None or approver.is_disabled or not approver.has_role(Role.OFFICER):
        return _("Only an officer can approve a notice.")
    if approver.id in blocked or (token_made_by_id is not None and token_made_by_id in blocked):
        return _("A different officer must approve this notice: you wrote, changed or asked to publish it.")
    return None


@one_at_a_time
def approve(notice: Notice, *, approver_id: int | None, token_made_by_id: int | None = None) -> NoticeStatus:
    """Approve what waits on this notice: its first publication, or an update or resolution with alerts on."""
    refusal = not_waiting(notice)
    if refusal:
        raise NoticeStateError(refusal)
    approver = db.session.get(StaffUser, approver_id) if approver_id is not None else None
    refusal = approval_refusal(notice, approver, token_made_by_id=token_made_by_id)
    if refusal:
        raise ApprovalRefused(refusal)
    if notice.pending_update is not None:
        pending = notice.pending_update
        notice.pending_update = None
        if pending.kind == UpdateKind.RESOLVED:
            resolve_now(notice, summary=pending.summary, by_user_id=pending.requested_by_id, notify=True,
                        approved_by_id=approver_id, summary_cy=pending.summary_cy or "")
        else:
            post_update_now(notice, summary=pending.summary, advice=pending.advice, notify=True,
                            by_user_id=pending.requested_by_id, approved_by_id=approver_id,
                            summary_cy=pending.summary_cy or "", advice_cy=pending.advice_cy or "")
        return NoticeStatus(notice.status)
    notice.approved_by_id, notice.approved_at_utc = approver_id, utc_now()
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
                          summary_cy=notice.summary_cy, advice_cy=notice.advice_cy,
                          notify_subscribers=notice.notify_subscribers, created_by_id=by_user_id,
                          approved_by_id=notice.approved_by_id, created_at_utc=now)
    notice.updates.append(update)
    db.session.flush()
    update_promises.promise_next_update(notice, notice.next_update_by_utc, by_user_id=by_user_id, now=now)
    if notice.notify_subscribers:
        record_fanout(notice, update)
    return update


@one_at_a_time
def cancel(notice: Notice) -> UpdateKind | None:
    """Cancel a notice that has not gone out yet, or withdraw the update or resolution waiting for approval on a
    live one (returning its kind)."""
    if notice.pending_update is not None:
        kind = UpdateKind(notice.pending_update.kind)
        notice.pending_update = None
        notice.updated_at_utc = utc_now()
        return kind
    # A draft can be cancelled too, so one nobody will publish does not wait in Drafts for ever.
    if notice.status not in (NoticeStatus.DRAFT, NoticeStatus.SCHEDULED, NoticeStatus.AWAITING_APPROVAL):
        raise NoticeStateError(_("Only a draft, a scheduled notice or one waiting for approval can be cancelled."))
    notice.status = NoticeStatus.CANCELLED
    notice.updated_at_utc = utc_now()
    return None


def hold_for_approval(notice: Notice, kind: UpdateKind, summary: str, advice: str,
                      by_user_id: int | None, summary_cy: str = "", advice_cy: str = "") -> PendingUpdate:
    if notice.pending_update is not None:
        raise NoticeStateError(_("An update to this notice is already waiting for approval. Approve or withdraw "
                                 "it first."))
    pending = PendingUpdate(kind=kind, summary=summary.strip(), advice=advice.strip(), requested_by_id=by_user_id,
                            summary_cy=summary_cy.strip() or None, advice_cy=advice_cy.strip() or None,
                            requested_at_utc=utc_now())
    notice.pending_update = pending
    notice.updated_at_utc = utc_now()
    db.session.flush()
    return pending


@one_at_a_time
def post_update(notice: Notice, *, summary: str, advice: str, notify: bool, by_user_id: int | None,
                threshold: int, window: dt.timedelta | None = None,
                next_update_by: dt.datetime | None = None, summary_cy: str = "",
                advice_cy: str = "") -> NoticeUpdate | PendingUpdate:
    """Post an update now, or, with alerts on to more than the threshold or the whole county, hold it for a second
    officer (DESIGN §3: even when the notice was first published with alerts off)."""
    if notice.status != NoticeStatus.ACTIVE:
        raise NoticeStateError(_("Only a live notice can be updated."))
    if notify and needs_approval(notice, threshold, UpdateKind.UPDATED, by_user_id=by_user_id, window=window):
        return hold_for_approval(notice, UpdateKind.UPDATED, summary, advice, by_user_id, summary_cy, advice_cy)
    return post_update_now(notice, summary=summary, advice=advice, notify=notify, by_user_id=by_user_id,
                           next_update_by=next_update_by, summary_cy=summary_cy, advice_cy=advice_cy)


def post_update_now(notice: Notice, *, summary: str, advice: str, notify: bool, by_user_id: int | None,
                    approved_by_id: int | None = None, next_update_by: dt.datetime | None = None,
                    summary_cy: str = "", advice_cy: str = "") -> NoticeUpdate:
    """An update answers the "next update by" that stood and makes the next one (the default for its impact when
    none is given, as for an update a second officer approved)."""
    now = utc_now()
    update = NoticeUpdate(kind=UpdateKind.UPDATED, summary=summary.strip(), advice=advice.strip(),
                          summary_cy=summary_cy.strip() or None, advice_cy=advice_cy.strip() or None,
                          notify_subscribers=notify, created_by_id=by_user_id, approved_by_id=approved_by_id,
                          created_at_utc=now)
    notice.updates.append(update)
    if advice.strip():
        notice.advice = advice.strip()
        notice.advice_cy = advice_cy.strip() or None
    notice.updated_at_utc = now
    notice.version += 1
    db.session.flush()
    update_promises.promise_next_update(notice, next_update_by, by_user_id=by_user_id, now=now)
    if notify:
        record_fanout(notice, update)
    return update


@one_at_a_time
def resolve(notice: Notice, *, summary: str, by_user_id: int | None, notify: bool = True,
            threshold: int | None = None, window: dt.timedelta | None = None,
            summary_cy: str = "") -> NoticeUpdate | PendingUpdate:
    """Resolve now, or hold a resolution that would alert more than the threshold or the whole county for a second
    officer. Without a threshold (the caller has already had it approved) it is never held."""
    if notice.status == NoticeStatus.RESOLVED:
        raise NoticeStateError(_("This notice has already been resolved."))
    if notice.status not in (NoticeStatus.ACTIVE, NoticeStatus.EXPIRED):
        raise NoticeStateError(_("Only a live or expired notice can be resolved."))
    # Only residents who were told about the disruption hear that it is over.
    notify = notify and notice.notify_subscribers and notice.status == NoticeStatus.ACTIVE
    if notify and threshold is not None and needs_approval(notice, threshold, UpdateKind.RESOLVED,
                                                           by_user_id=by_user_id, window=window):
        return hold_for_approval(notice, UpdateKind.RESOLVED, summary, "", by_user_id, summary_cy)
    return resolve_now(notice, summary=summary, by_user_id=by_user_id, notify=notify, summary_cy=summary_cy)


def resolve_now(notice: Notice, *, summary: str, by_user_id: int | None, notify: bool,
                approved_by_id: int | None = None, summary_cy: str = "") -> NoticeUpdate:
    now = utc_now()
    # Resolving withdraws whatever waits for approval: nothing may be approved into the timeline after the end.
    notice.pending_update = None
    update = NoticeUpdate(kind=UpdateKind.RESOLVED, summary=summary.strip(), summary_cy=summary_cy.strip() or None,
                          notify_subscribers=notify,
                          created_by_id=by_user_id, approved_by_id=approved_by_id, created_at_utc=now)
    notice.updates.append(update)
    notice.status = NoticeStatus.RESOLVED
    notice.resolved_at_utc = now
    notice.updated_at_utc = now
    notice.version += 1
    update_promises.end_promises(notice, now)
    db.session.flush()
    # Whatever about it still waits (a first text held for 07:00) is dropped now: it would tell of a beginning
    # after the end. Only those whose first message went hear the resolution (alerts/data/fanouts.py).
    outbox.drop_waiting_alerts(notice.id, SkipReason.RESOLVED)
    if notify:
        record_fanout(notice, update)
    return update


def approvers_for(notice: Notice) -> list[StaffUser]:
    """Everyone who may approve what waits on this notice: the people to tell."""
    officers = db.session.scalars(
        select(StaffUser).where(StaffUser.is_disabled.is_(False), StaffUser.role.in_([Role.OFFICER, Role.ADMIN]))
        .order_by(StaffUser.email)
    )
    return [officer for officer in officers if approval_refusal(notice, officer) is None]


# Lists for officers -------------------------------------------------------------------------------------------

def list_waiting_for_approval(limit: int = 100) -> list[Notice]:
    """Notices waiting for a second officer: a first publication, or an update or resolution with alerts on."""
    return list(db.session.scalars(
        select(Notice).where(or_(Notice.status == NoticeStatus.AWAITING_APPROVAL,
                                 Notice.id.in_(select(PendingUpdate.notice_id))))
        .order_by(Notice.updated_at_utc.desc()).limit(limit)
    ).unique())


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


# Scheduled jobs (each safe to run twice; the publishing service commits) ----------------------------------------

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


def due_scheduled_notices() -> list[Notice]:
    return list(db.session.scalars(
        select(Notice).where(Notice.status == NoticeStatus.SCHEDULED, Notice.publish_at_utc <= utc_now())
    ).unique())


@one_at_a_time
def publish_scheduled(notice: Notice, *, threshold: int, window: dt.timedelta | None = None) -> NoticeStatus:
    """Publish a scheduled notice whose time has come, unless its audience has since grown past the threshold with
    nobody's approval: then it waits for a second officer like any other (DESIGN §3)."""
    if notice.status != NoticeStatus.SCHEDULED:  # cancelled or published by someone else since it was found
        raise NoticeStateError(_("This notice is no longer scheduled."))
    sender = notice.requested_by_id or notice.created_by_id
    if notice.approved_by_id is None and needs_approval(notice, threshold, by_user_id=sender, window=window):
        notice.status = NoticeStatus.AWAITING_APPROVAL
        notice.requested_by_id = notice.requested_by_id or notice.created_by_id
        notice.publish_at_utc = None
        notice.updated_at_utc = utc_now()
        return NoticeStatus.AWAITING_APPROVAL
    publish_now(notice, notice.approved_by_id or notice.requested_by_id or notice.created_by_id)
    return NoticeStatus.ACTIVE


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
        outbox.drop_waiting_alerts(notice.id, SkipReason.ENDED)
    db.session.flush()
    return len(overdue)
