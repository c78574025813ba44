"""Queueing the day's digest emails: one transaction for each, so a digest queued by another run stands."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from alerts.data import digests
from alerts.extensions import db
from alerts.formatting import london_date
from alerts.models import utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestRun:
    day: dt.date
    sent: int
    nothing_to_send: int


def queue_daily_digests(now: dt.datetime | None = None) -> DigestRun:
    """Queue today's digest for every digest subscriber with something to read. Safe to run any number of times."""
    now = now or utc_now()
    day, due = digests.digests_due(now)
    sent = 0
    for subscriber_id, changes in sorted(due.items()):
        if not digests.queue_digest(subscriber_id, changes, day=day, now=now):
            continue
        try:
            db.session.commit()
            sent += 1
        except IntegrityError:  # another run queued this one's digest first: theirs stands, ours never existed
            db.session.rollback()
    readers = digests.count_digest_readers()
    if sent:
        log.info("queued %s daily digests for %s", sent, london_date(now))
    return DigestRun(day=day, sent=sent, nothing_to_send=max(readers - sent, 0))
