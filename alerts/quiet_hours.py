"""Quiet hours: non-severe texts created between 22:00 and 07:00 UK time wait until 07:00 (DESIGN §3).

A phone buzzing at 3am about a library closing is worse than the news being late; a school closure or a
suspended collection the resident must act on first thing is `severe` and goes at once. Emails never wait.

Pure (it needs only the models' Impact enum and UK time from alerts.formatting), so the fan-out in `alerts.data`
can stamp each text with its release time as it creates it: no text exists, even for a moment, that a dispatcher
could send too early.
"""

from __future__ import annotations

import datetime as dt

from alerts.formatting import LONDON
from alerts.models import Impact

QUIET_FROM = dt.time(22, 0)
QUIET_UNTIL = dt.time(7, 0)


def quiet_hours_release_time(now_utc: dt.datetime, impact: Impact | str) -> dt.datetime:
    """When a text created at `now_utc` may go: `now_utc` itself, or the next 07:00 in London (as UTC).

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


def texts_wait_until(now_utc: dt.datetime, impact: Impact | str) -> dt.datetime | None:
    """When texts about a notice of this impact, sent at `now_utc`, would go if they must wait (07:00 London), or
    None if they go at once: what an officer is told before they publish, update or resolve."""
    release = quiet_hours_release_time(now_utc, impact)
    return release if release > now_utc else None


def quiet_windows_near(now_utc: dt.datetime, margin: dt.timedelta = dt.timedelta(hours=1)) -> list[
        tuple[dt.datetime, dt.datetime]]:
    """The quiet periods (22:00 to 07:00 London, as UTC start and end) that contain `now_utc` or lie within
    `margin` of it. The dispatcher asks with its own clock and lets the database's clock decide, so a worker whose
    clock is a little off still holds texts exactly from 22:00 to 07:00 by the database."""
    today = now_utc.astimezone(LONDON).date()
    windows = []
    for day in (today - dt.timedelta(days=1), today):
        start = dt.datetime.combine(day, QUIET_FROM, tzinfo=LONDON).astimezone(dt.UTC)
        end = dt.datetime.combine(day + dt.timedelta(days=1), QUIET_UNTIL, tzinfo=LONDON).astimezone(dt.UTC)
        if start - margin <= now_utc < end + margin:
            windows.append((start, end))
    return windows
