""""Next update by": when an officer says they will next update a live notice, and whether they did.

The rule for the default, when an officer gives no time: a severe notice is updated within 2 hours, a major one within
4, a minor one by 9am (UK time) the next day. A time an officer gives must be in the future and no more than
MAX_AHEAD away. Each time given is an UpdatePromise: kept when an update or the resolution comes by then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from alerts.extensions import db
from alerts.formatting import LONDON
from alerts.models import Impact, Notice, NoticeStatus, NoticeUpdate, Service, StaffUser, UpdatePromise, utc_now

DEFAULT_WITHIN = {Impact.SEVERE: dt.timedelta(hours=2), Impact.MAJOR: dt.timedelta(hours=4)}
MINOR_NEXT_DAY_HOUR = 9
MAX_AHEAD = dt.timedelta(days=14)
DEFAULT_RULE = "severe: within 2 hours; major: within 4 hours; minor: 9am the next day"
# Who else is nudged: officers who published or updated a notice for the same service this recently.
TEAM_WINDOW = dt.timedelta(days=90)


def default_next_update_by(impact: Impact, now: dt.datetime | None = None) -> dt.datetime:
    now = now or utc_now()
    if impact in DEFAULT_WITHIN:
        return now + DEFAULT_WITHIN[Impact(impact)]
    tomorrow = now.astimezone(LONDON).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(MINOR_NEXT_DAY_HOUR), tzinfo=LONDON).astimezone(dt.UTC)


def next_update_by_problem(value: dt.datetime, now: dt.datetime | None = None) -> str | None:
    """Why this "next update by" can't be accepted, or None. The same words for pages and the API."""
    now = now or utc_now()
    if value <= now:
        return "The next update time must be in the future"
    if value > now + MAX_AHEAD:
        return f"The next update time must be within {MAX_AHEAD.days} days"
    return None


def _open_promise(notice: Notice) -> UpdatePromise | None:
    return db.session.scalars(
        select(UpdatePromise).where(UpdatePromise.notice_id == notice.id, UpdatePromise.answered_at_utc.is_(None))
        .order_by(UpdatePromise.made_at_utc.desc())
    ).first()


def answer_promise(notice: Notice, at: dt.datetime) -> None:
    """An update or the resolution answers the promise that stood (kept if it came by then)."""
    promise = _open_promise(notice)
    if promise is not None:
        promise.answered_at_utc = at


def promise_next_update(notice: Notice, due: dt.datetime | None, *, by_user_id: int | None,
                        now: dt.datetime | None = None) -> UpdatePromise:
    """Answer the promise that stood and make a new one: the time given, or the default for the notice's impact
    (also when a time given on a draft has passed by the time it is published)."""
    now = now or utc_now()
    answer_promise(notice, now)
    if due is None or due <= now:
        due = default_next_update_by(Impact(notice.impact), now)
    notice.next_update_by_utc = due
    promise = UpdatePromise(notice_id=notice.id, service_id=notice.service_id, due_at_utc=due, made_at_utc=now,
                            made_by_id=by_user_id)
    db.session.add(promise)
    return promise


def end_promises(notice: Notice, at: dt.datetime) -> None:
    """A resolved notice needs no more updates: the resolution answers the promise."""
    answer_promise(notice, at)
    notice.next_update_by_utc = None


def overdue_notices(limit: int = 50) -> list[Notice]:
    """Live notices whose promised next update has passed without one, longest overdue first (the dashboard)."""
    return list(db.session.scalars(
        select(Notice).where(Notice.status == NoticeStatus.ACTIVE, Notice.next_update_by_utc.is_not(None),
                             Notice.next_update_by_utc < utc_now())
        .order_by(Notice.next_update_by_utc).limit(limit)
    ).unique())


def promises_to_nudge() -> list[UpdatePromise]:
    """Unanswered promises on live notices that have passed and whose people have not been emailed yet."""
    return list(db.session.scalars(
        select(UpdatePromise).join(Notice, Notice.id == UpdatePromise.notice_id)
        .where(UpdatePromise.answered_at_utc.is_(None), UpdatePromise.nudged_at_utc.is_(None),
               UpdatePromise.due_at_utc < utc_now(), Notice.status == NoticeStatus.ACTIVE)
        .order_by(UpdatePromise.due_at_utc)
    ).unique())


def team_for(notice: Notice) -> list[StaffUser]:
    """The author and their team: the notice's author and editors, and every enabled officer who published or
    updated a notice for the same service in the last TEAM_WINDOW."""
    since = utc_now() - TEAM_WINDOW
    worked = select(NoticeUpdate.created_by_id).join(Notice, Notice.id == NoticeUpdate.notice_id).where(
        Notice.service_id == notice.service_id, NoticeUpdate.created_at_utc >= since)
    ids = set(db.session.scalars(worked)) | {notice.created_by_id} | {editor.id for editor in notice.editors}
    ids.discard(None)
    if not ids:
        return []
    return list(db.session.scalars(
        select(StaffUser).where(StaffUser.id.in_(ids), StaffUser.is_disabled.is_(False)).order_by(StaffUser.email)))


@dataclass(frozen=True)
class PromisesKept:
    service: str
    month: str  # YYYY-MM, UK time, of when the update was due
    due: int  # promises that fell due
    kept: int


def promises_kept(since: dt.datetime, until: dt.datetime) -> list[PromisesKept]:
    """How often the promise was kept: per service and month, the promises that fell due in [since, until) and how
    many of them an update or the resolution answered in time. Plain counts anyone can check."""
    rows = db.session.execute(
        select(UpdatePromise.service_id, UpdatePromise.due_at_utc, UpdatePromise.answered_at_utc)
        .where(UpdatePromise.due_at_utc >= since, UpdatePromise.due_at_utc < until)
    ).all()
    counts: dict[tuple[str, str], list[int]] = {}
    for service_id, due_at, answered_at in rows:
        tally = counts.setdefault((due_at.astimezone(LONDON).strftime("%Y-%m"), service_id), [0, 0])
        tally[0] += 1
        tally[1] += int(answered_at is not None and answered_at <= due_at)
    names = dict(db.session.execute(select(Service.id, Service.name)).tuples().all())
    return [PromisesKept(service=names.get(service, service), month=month, due=due, kept=kept)
            for (month, service), (due, kept) in sorted(counts.items())]
