"""Quiet hours: non-severe texts published between 22:00 and 07:00 UK time wait until 07:00.

A phone buzzing at 3am about a library closing is worse than the news being late; a school closure or a
suspended collection the resident must act on first thing is `severe` and goes at once. Emails never wait.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from alerts.data import messages as message_data
from alerts.models import Impact, utc_now

LONDON = ZoneInfo("Europe/London")
QUIET_FROM = dt.time(22, 0)
QUIET_UNTIL = dt.time(7, 0)


def quiet_hours_release_time(now_utc: dt.datetime, impact: Impact | str) -> dt.datetime:
    """When a text published at `now_utc` may go: `now_utc` itself, or the next 07:00 in London (as UTC).

    Built from the London wall clock, so 07:00 is 06:00 UTC in summer and 07:00 UTC in winter, whichever side
    of a clock change the night falls.
    """
    if Impact(impact) == Impact.SEVERE:
        return now_utc
    local = now_utc.astimezone(LONDON)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return now_utc
    release_day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(release_day, QUIET_UNTIL, tzinfo=LONDON).astimezone(dt.UTC)


def apply_quiet_hours(notice_update_id: int, *, now_utc: dt.datetime | None = None) -> dt.datetime | None:
    """Delay an update's queued alert texts if it was published in quiet hours. Call it after creating them,
    in the same transaction; the caller commits. Returns the release time, or None if nothing waits."""
    now_utc = now_utc or utc_now()
    impact = message_data.impact_of_update(notice_update_id)
    if impact is None:
        return None
    release_at = quiet_hours_release_time(now_utc, impact)
    if release_at <= now_utc:
        return None
    message_data.delay_queued_texts(notice_update_id, release_at)
    return release_at
