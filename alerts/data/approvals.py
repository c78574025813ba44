"""Four eyes over one send and over many: whether a send must wait for a second officer, and why. A send waits
when its own audience crosses the approval threshold or is the whole county (DESIGN §3), or when it would take
what its person reached without a second officer within the window past the threshold, so that many small sends
never add up to one big one nobody checked. `notice_lifecycle` decides each send with these; the check page, its
flashes and the API's 202 use them to say why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from alerts.data.fanouts import CHANNELS_FOR_KIND, audience_at_most
from alerts.extensions import db
from alerts.models import Notice, NoticeUpdate, UpdateKind, utc_now


@dataclass(frozen=True)
class ApprovalNeed:
    """Why a send must wait for a second officer: its own audience, or what its sender reached alone lately."""
    threshold: int
    whole_county: bool = False
    audience: int = 0  # this send's, counted no further than the threshold + 1
    already: int | None = None  # set when the sender's rolling budget is what this send would cross
    window_hours: int = 0

    def message(self, requester: str | None = None) -> str:
        """Why, for whoever reads it: "You have sent…", or "<requester> has sent…" for an approver. Whole
        sentences, so each language can order its words."""
        if self.whole_county:
            return _("This goes to the whole county, so another officer must approve it before anything is published "
                     "or sent.")
        threshold = f"{self.threshold:,}"
        if self.already is None:
            return _("This goes to more than %(threshold)s people, so another officer must approve it before anything "
                     "is published or sent.", threshold=threshold)
        words = {"threshold": threshold, "hours": self.window_hours, "audience": f"{self.audience:,}",
                 "already": f"{self.already:,}", "requester": requester or ""}
        if self.already > self.threshold:
            if requester is None:
                return _("You have sent to more than %(threshold)s people in the last %(hours)s hours without a second "
                         "officer, and this goes to %(audience)s more: past the limit of %(threshold)s people, so "
                         "another officer must approve it before anything is published or sent.", **words)
            return _("%(requester)s has sent to more than %(threshold)s people in the last %(hours)s hours without a "
                     "second officer, and this goes to %(audience)s more: past the limit of %(threshold)s people, so "
                     "another officer must approve it before anything is published or sent.", **words)
        if requester is None:
            return _("You have sent to %(already)s people in the last %(hours)s hours without a second officer, and "
                     "this goes to %(audience)s more: past the limit of %(threshold)s people, so another officer must "
                     "approve it before anything is published or sent.", **words)
        return _("%(requester)s has sent to %(already)s people in the last %(hours)s hours without a second officer, "
                 "and this goes to %(audience)s more: past the limit of %(threshold)s people, so another officer must "
                 "approve it before anything is published or sent.", **words)


def reached_without_approval(user_id: int, since: dt.datetime, *, limit: int) -> int:
    """How many people this person reached since `since` with nobody else's approval, their API tokens included
    (a token acts for its person, so its sends are theirs): every update they sent with alerts on that no second
    officer approved, each audience counted as it stands now (the records keep who sent what, not how many it
    reached), the total no further than `limit`."""
    sent = db.session.execute(
        select(Notice, NoticeUpdate).join(NoticeUpdate, NoticeUpdate.notice_id == Notice.id)
        .where(NoticeUpdate.created_by_id == user_id, NoticeUpdate.approved_by_id.is_(None),
               NoticeUpdate.notify_subscribers.is_(True), NoticeUpdate.created_at_utc >= since,
               NoticeUpdate.kind.in_(list(CHANNELS_FOR_KIND)))
        .order_by(NoticeUpdate.created_at_utc.desc())
    ).all()
    total = 0
    for notice, sent_update in sent:
        if total >= limit:
            break
        channels = CHANNELS_FOR_KIND[UpdateKind(sent_update.kind)]
        total += audience_at_most(notice, limit=limit - total, channels=channels)
    return total


def approval_need(notice: Notice, threshold: int, kind: UpdateKind = UpdateKind.PUBLISHED, *,
                  by_user_id: int | None = None, window: dt.timedelta | None = None) -> ApprovalNeed | None:
    """DESIGN §3: a send to more than the threshold, or to the whole county, needs a second officer. Only the
    channels this kind of send uses count, and no further than the threshold. With a sender and a window, so does
    a send that would take what they reached without a second officer within the window past the threshold:
    otherwise many small sends add up to one big one nobody checked."""
    if kind == UpdateKind.PUBLISHED and not notice.notify_subscribers:
        return None
    return approval_need_for_many([notice], threshold, kind, by_user_id=by_user_id, window=window)


def approval_need_for_many(notices: list[Notice], threshold: int, kind: UpdateKind, *, by_user_id: int | None,
                           window: dt.timedelta | None) -> ApprovalNeed | None:
    """Several sends asked for at once count as one: the sum of their audiences (each counted no further than the
    rest of the threshold) against the threshold and the sender's rolling budget, so a selection of small notices
    never goes out as one big send nobody checked. Any one to the whole county needs a second officer too."""
    if any(notice.whole_county for notice in notices):
        return ApprovalNeed(threshold=threshold, whole_county=True)
    total = 0
    for notice in notices:
        total += audience_at_most(notice, limit=threshold + 1 - total, channels=CHANNELS_FOR_KIND[kind])
        if total > threshold:
            return ApprovalNeed(threshold=threshold, audience=total)
    if by_user_id is None or window is None or total == 0:
        return None
    already = reached_without_approval(by_user_id, utc_now() - window, limit=threshold + 1)
    if already + total <= threshold:
        return None
    return ApprovalNeed(threshold=threshold, audience=total, already=already,
                        window_hours=int(window.total_seconds() // 3600))
