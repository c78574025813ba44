"""The publishing service: the one home of what may be published, by whom, and what follows (shared/STYLE.md).

Staff pages, the officer API and the scheduled jobs all call these functions, so four eyes hold on every path:
each decides whether a second officer must approve (through `alerts.data.notice_lifecycle`), records who asked,
audits, tells the officers who may approve, commits once, and then starts the fan-out.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from alerts import links
from alerts.data import approvals, bulk_changes, fanouts, notice_lifecycle, outbox
from alerts.data.notice_lifecycle import ApprovalRefused, NoticeDraft, NoticeStateError
from alerts.data.notices import lacks_welsh, writes_in_welsh
from alerts.extensions import db
from alerts.models import (
    Channel,
    MessageKind,
    Notice,
    NoticeStatus,
    NoticeUpdate,
    PendingUpdate,
    StaffUser,
    UpdateKind,
)
from alerts.notify import render_approval_request_email
from alerts.services.actors import SCHEDULER, Actor

__all__ = ["Actor", "ApprovalRefused", "NoticeDraft", "NoticeStateError"]

log = logging.getLogger(__name__)

# Expanding one batch in the request shows a small audience's messages at once; bigger ones carry on in the
# dispatcher's loop, so publishing returns quickly whatever the audience size. Expanding only queues messages.
# Each message costs ~0.6 ms to render and insert, so 100 keeps an approval under 0.2 s (500 took 0.3-0.4 s at
# 1,000,000 subscriptions on PostgreSQL: bench/README.md "Publishing").
SYNC_EXPANSION_BATCH = 100


def _threshold() -> int:
    return int(current_app.config["APPROVAL_THRESHOLD"])


def _window() -> dt.timedelta:
    """How far back one person's sends without a second officer count against the threshold together."""
    return dt.timedelta(hours=int(current_app.config["APPROVAL_WINDOW_HOURS"]))


def approval_need(notice: Notice, user_id: int | None,
                  kind: UpdateKind = UpdateKind.PUBLISHED) -> approvals.ApprovalNeed | None:
    """Why this person's send would wait for a second officer (for the check page, a flash or the API's 202)."""
    return approvals.approval_need(notice, _threshold(), kind, by_user_id=user_id, window=_window())


def _audit(actor: Actor, action: str, notice: Notice, **details: Any) -> None:
    actor.audit(action, "notice", notice.id, **details)


def _tell_approvers(notice: Notice, actor: Actor) -> int:
    """Queue an email to every officer who may approve, at top priority; the dispatcher sends it within moments.
    Never sent inside the request: the queued row is committed with the request for approval, or not at all."""
    pending = notice.pending_update
    what = {UpdateKind.UPDATED: "an update with alerts", UpdateKind.RESOLVED: "a resolution with alerts"}.get(
        UpdateKind(pending.kind), "a notice") if pending is not None else "a notice"
    audience = "the whole county" if notice.whole_county else f"more than {_threshold():,} people"
    requester = pending.requested_by if pending is not None else notice.requested_by
    said = pending if pending is not None else notice  # what is waiting: the notice, or its update or resolution
    in_welsh = (notice.title_cy or "", said.summary_cy or "") if writes_in_welsh() and notice.title_cy else None
    email = render_approval_request_email(
        title=_titles(notice), what=what, audience=audience,
        requested_by=requester.email if requester is not None else actor.name,
        notice_url=links.external_url(f"/staff/notices/{notice.id}"),
        in_welsh=in_welsh, in_english=(notice.title, said.summary) if in_welsh else None)
    approvers = notice_lifecycle.approvers_for(notice)
    for officer in approvers:
        outbox.queue_direct_message(kind=MessageKind.APPROVAL_REQUEST, channel=Channel.EMAIL,
                                    recipient=officer.email, subject=email.subject, body=email.body)
    if not approvers:
        log.warning("notice %s waits for approval but no other officer can approve it", notice.id)
    return len(approvers)


def _titles(notice: Notice) -> str:
    """The notice's title as the approver must check it: in Welsh and English where the council writes in both."""
    return f"{notice.title_cy} / {notice.title}" if writes_in_welsh() and notice.title_cy else notice.title


def _start_fanout(notice_id: int) -> None:
    for fanout in fanouts.fanouts_for_notice(notice_id):
        if fanout.status == "pending":
            fanouts.expand_fanout(fanout.id, SYNC_EXPANSION_BATCH)


def _finish(notice: Notice, *, expand: bool) -> None:
    """The one commit point; then the first batch of messages for a send that went out."""
    notice_id = notice.id
    db.session.commit()
    if expand:
        _start_fanout(notice_id)


# Drafts ----------------------------------------------------------------------------------------------------------

def create_draft(draft: NoticeDraft, actor: Actor) -> Notice:
    notice = notice_lifecycle.create_draft(draft, created_by_id=actor.user_id)
    notice_lifecycle.add_editor(notice, actor.token_made_by_id)
    _audit(actor, "notice.draft_created", notice, title=notice.title)
    db.session.commit()
    return notice


def edit_draft(notice: Notice, draft: NoticeDraft, actor: Actor) -> bool:
    """Change a draft. Returns True when the change withdrew a request for approval (back to draft)."""
    try:
        withdrawn = notice_lifecycle.edit_draft(notice, draft, editor_id=actor.user_id)
    except NoticeStateError:
        db.session.rollback()
        raise
    _audit(actor, "notice.draft_edited", notice, approval_withdrawn=withdrawn)
    db.session.commit()
    return withdrawn


# Publishing ------------------------------------------------------------------------------------------------------

def _check_both_languages(notice: Notice) -> None:
    """Every path to publishing (page, API, approval, schedule) passes here: nothing goes out in English alone
    for a council that writes in Welsh too."""
    if lacks_welsh(notice):
        raise NoticeStateError(_("Write the title, summary and advice in Welsh as well as English before "
                                 "publishing this notice."))


def request_publication(notice: Notice, actor: Actor, *, publish_at_utc: dt.datetime | None = None,
                        expand: bool = True) -> NoticeStatus:
    """Publish now, schedule, or hold for a second officer (and tell those who may approve)."""
    try:
        _check_both_languages(notice)
        status = notice_lifecycle.request_publication(notice, by_user_id=actor.user_id, threshold=_threshold(),
                                                      publish_at_utc=publish_at_utc, window=_window())
    except NoticeStateError:
        db.session.rollback()
        raise
    notice_lifecycle.add_editor(notice, actor.token_made_by_id)
    _audit(actor, "notice.publish_requested", notice, status=str(status))
    if status == NoticeStatus.AWAITING_APPROVAL:
        _tell_approvers(notice, actor)
    _finish(notice, expand=expand and status == NoticeStatus.ACTIVE)
    return status


def create_and_publish(draft: NoticeDraft, actor: Actor, *, expand: bool = True) -> tuple[Notice, NoticeStatus]:
    """The API's one step: write the notice and ask to publish it, in one transaction."""
    notice = notice_lifecycle.create_draft(draft, created_by_id=actor.user_id)
    notice_lifecycle.add_editor(notice, actor.token_made_by_id)
    return notice, request_publication(notice, actor, expand=expand)


def waiting_since(notice: Notice) -> dt.datetime | None:
    """When what waits for approval was asked for: an approval names it, so it can't approve a later version."""
    return notice.pending_update.requested_at_utc if notice.pending_update is not None else notice.requested_at_utc


def approve(notice: Notice, actor: Actor, *, expand: bool = True, seen: str | None = None) -> NoticeStatus:
    """Approve what waits on the notice. Raises ApprovalRefused when this person may not (nothing is changed).
    `seen` is `waiting_since` as the approver's page showed it: if the request was withdrawn and made again since,
    they have not seen what they would approve."""
    waiting = notice.pending_update
    what = str(waiting.kind) if waiting is not None else "publication"
    # Say first that nothing waits (withdrawn by resolving, say): "changed after you opened it" would hide why.
    nothing = notice_lifecycle.not_waiting(notice)
    if nothing:
        raise NoticeStateError(nothing)
    if notice.pending_update is None:
        _check_both_languages(notice)
    since = waiting_since(notice)
    if seen is not None and (since is None or seen != since.isoformat()):
        raise NoticeStateError("This notice changed after you opened it. Check it again before approving it.")
    try:
        status = notice_lifecycle.approve(notice, approver_id=actor.user_id, token_made_by_id=actor.token_made_by_id)
    except NoticeStateError:
        db.session.rollback()
        raise
    _audit(actor, "notice.approved", notice, status=str(status), approved=what)
    _finish(notice, expand=expand and status in (NoticeStatus.ACTIVE, NoticeStatus.RESOLVED))
    return status


def cancel(notice: Notice, actor: Actor) -> UpdateKind | None:
    """Cancel a notice not yet sent, or withdraw the update waiting for approval (returns its kind)."""
    try:
        withdrawn = notice_lifecycle.cancel(notice)
    except NoticeStateError:
        db.session.rollback()
        raise
    _audit(actor, "notice.update_withdrawn" if withdrawn else "notice.cancelled", notice)
    db.session.commit()
    return withdrawn


def post_update(notice: Notice, actor: Actor, *, summary: str, advice: str, notify: bool,
                expand: bool = True, next_update_by: dt.datetime | None = None, summary_cy: str = "",
                advice_cy: str = "") -> NoticeUpdate | PendingUpdate:
    """Post an update, or hold one with alerts on for a second officer (a PendingUpdate is returned)."""
    try:
        _check_welsh_beside(summary_cy, advice, advice_cy)
        posted = notice_lifecycle.post_update(notice, summary=summary, advice=advice, notify=notify,
                                              by_user_id=actor.user_id, threshold=_threshold(), window=_window(),
                                              next_update_by=next_update_by, summary_cy=summary_cy,
                                              advice_cy=advice_cy)
    except NoticeStateError:
        db.session.rollback()
        raise
    if isinstance(posted, PendingUpdate):
        posted.token_made_by_id = actor.token_made_by_id
        _audit(actor, "notice.update_requested", notice, notify=notify)
        _tell_approvers(notice, actor)
    else:
        _audit(actor, "notice.updated", notice, notify=notify, update_id=posted.id)
    _finish(notice, expand=expand and isinstance(posted, NoticeUpdate) and notify)
    return posted


def resolve(notice: Notice, actor: Actor, *, summary: str, notify: bool,
            expand: bool = True, summary_cy: str = "") -> NoticeUpdate | PendingUpdate:
    """Resolve, or hold a resolution with alerts to more than the threshold for a second officer."""
    withdrawing = notice.pending_update.kind if notice.pending_update is not None else None
    try:
        _check_welsh_beside(summary_cy)
        done = notice_lifecycle.resolve(notice, summary=summary, notify=notify, by_user_id=actor.user_id,
                                        threshold=_threshold(), window=_window(), summary_cy=summary_cy)
    except NoticeStateError:
        db.session.rollback()
        raise
    if isinstance(done, PendingUpdate):
        done.token_made_by_id = actor.token_made_by_id
        _audit(actor, "notice.resolve_requested", notice, notify=notify)
        _tell_approvers(notice, actor)
    else:
        _audit(actor, "notice.resolved", notice, notify=notify,
               **({"withdrawn": str(withdrawing)} if withdrawing is not None else {}))
    _finish(notice, expand=expand and isinstance(done, NoticeUpdate))
    return done


def _check_welsh_beside(summary_cy: str, advice: str = "", advice_cy: str = "") -> None:
    """An update or resolution from a council that writes in Welsh says it in Welsh too (advice when given)."""
    if writes_in_welsh() and (not summary_cy.strip() or (advice.strip() and not advice_cy.strip())):
        raise NoticeStateError(_("Write the update in Welsh as well as English."))


def approval_need_for_many(notices: list[Notice], user_id: int | None) -> approvals.ApprovalNeed | None:
    """Why resolving these together with alerts would wait for a second officer (for the page before it)."""
    telling = [notice for notice in notices if notice.notify_subscribers]
    return approvals.approval_need_for_many(telling, _threshold(), UpdateKind.RESOLVED, by_user_id=user_id,
                                            window=_window()) if telling else None


def resolve_many(notices: list[Notice], actor: Actor, *, summary: str, notify: bool, expand: bool = True,
                 summary_cy: str = "") -> tuple[list[PendingUpdate], approvals.ApprovalNeed | None]:
    """Resolve several live notices at once; when the sum of their audiences needs a second officer, every
    resolution with alerts waits for one (the officers who may approve are emailed once)."""
    try:
        _check_welsh_beside(summary_cy)
        held, need = bulk_changes.resolve_all(notices, summary=summary, notify=notify, by_user_id=actor.user_id,
                                              threshold=_threshold(), window=_window(), summary_cy=summary_cy)
    except NoticeStateError:
        db.session.rollback()
        raise
    for notice in notices:
        notice_lifecycle.add_editor(notice, actor.token_made_by_id)
        _audit(actor, "notice.bulk_resolved", notice, notify=notify, selected=len(notices),
               held=notice.pending_update is not None)
    for pending in held:
        pending.token_made_by_id = actor.token_made_by_id
    if held:
        _tell_approvers_of_many([pending.notice for pending in held], actor)
    ids = [notice.id for notice in notices]
    db.session.commit()
    if expand and not held:
        for notice_id in ids:
            _start_fanout(notice_id)
    return held, need


def _tell_approvers_of_many(notices: list[Notice], actor: Actor) -> None:
    """One email to each officer who may approve every one of them, not one per notice."""
    email = render_approval_request_email(
        title=f"{len(notices)} notices: " + "; ".join(notice.title for notice in notices[:3])
              + ("; …" if len(notices) > 3 else ""),
        what="resolutions with alerts", audience=f"more than {_threshold():,} people in all",
        requested_by=actor.name, notice_url=links.external_url("/staff/notices"))
    approvers = [set(notice_lifecycle.approvers_for(notice)) for notice in notices]
    for officer in sorted(set.intersection(*approvers), key=lambda person: person.email) if approvers else []:
        outbox.queue_direct_message(kind=MessageKind.APPROVAL_REQUEST, channel=Channel.EMAIL,
                                    recipient=officer.email, subject=email.subject, body=email.body)


def extend_many(notices: list[Notice], actor: Actor, *, expected_end_at_utc: dt.datetime, summary: str,
                summary_cy: str = "") -> None:
    """Move several live notices' expected end at once, saying so in each timeline. No alerts are sent."""
    try:
        _check_welsh_beside(summary_cy)
        bulk_changes.extend_all(notices, expected_end_at_utc=expected_end_at_utc, summary=summary,
                                by_user_id=actor.user_id, summary_cy=summary_cy)
    except NoticeStateError:
        db.session.rollback()
        raise
    for notice in notices:
        _audit(actor, "notice.bulk_extended", notice, selected=len(notices),
               expected_end_at_utc=expected_end_at_utc.isoformat())
    db.session.commit()


def may_approve(notice: Notice, user: StaffUser | None) -> bool:
    return notice_lifecycle.approval_refusal(notice, user) is None


# The scheduled jobs ----------------------------------------------------------------------------------------------

def publish_due_notices() -> int:
    """Publish scheduled notices whose time has come; any whose audience has grown past the threshold since
    without approval waits for a second officer instead. Returns how many were published. Safe to run twice."""
    published = 0
    for notice in notice_lifecycle.due_scheduled_notices():
        if lacks_welsh(notice):  # scheduled before its Welsh was required: it waits for an officer
            log.warning("scheduled notice %s has no Welsh, so it was not published", notice.id)
            continue
        try:
            status = notice_lifecycle.publish_scheduled(notice, threshold=_threshold(), window=_window())
        except NoticeStateError:  # cancelled or published by an officer since the job found it
            db.session.rollback()
            continue
        _audit(SCHEDULER, "notice.scheduled_publish", notice, status=str(status))
        if status == NoticeStatus.AWAITING_APPROVAL:
            _tell_approvers(notice, SCHEDULER)
        else:
            published += 1
        db.session.commit()
    return published


def expire_overdue_notices(grace: dt.timedelta) -> int:
    """Mark live notices expired once their expected end plus `grace` has passed. Safe to run twice."""
    expired = notice_lifecycle.expire_overdue_notices(grace)
    db.session.commit()
    return expired
