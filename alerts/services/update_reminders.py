"""When a live notice's promised next update passes without one, its author and their team are emailed, once per
promise, through the outbox like every staff email (they also see it on the dashboard). A scheduler job; safe to
run twice: a promise is marked as nudged in the same commit as its emails are queued."""

from __future__ import annotations

from alerts import links
from alerts.data import outbox, update_promises
from alerts.extensions import db
from alerts.formatting import london_time
from alerts.models import Channel, MessageKind, utc_now
from alerts.notify import render_update_due_email
from alerts.services.actors import SCHEDULER


def nudge_overdue_updates() -> int:
    """Email the author and their team of each notice whose promised update has passed. Returns how many notices."""
    nudged = 0
    for promise in update_promises.promises_to_nudge():
        notice = promise.notice
        email = render_update_due_email(title=notice.title, promised=london_time(promise.due_at_utc),
                                        notice_url=links.external_url(f"/staff/notices/{notice.id}/update"))
        team = update_promises.team_for(notice)
        for person in team:
            outbox.queue_direct_message(kind=MessageKind.UPDATE_DUE, channel=Channel.EMAIL, recipient=person.email,
                                        subject=email.subject, body=email.body)
        promise.nudged_at_utc = utc_now()
        SCHEDULER.audit("notice.update_overdue", "notice", notice.id, told=len(team))
        db.session.commit()
        nudged += 1
    return nudged
