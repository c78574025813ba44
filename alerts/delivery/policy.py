"""What to do after Notify refuses a message, by Notify's documented rules. Pure: no database, no HTTP.

- 429 RateLimitError, 5xx, timeouts, connection errors: retry later with exponential backoff and full jitter,
  at most NOTIFY_MAX_ATTEMPTS tries in all, then fail with the reason.
- 429 TooManyRequestsError (the daily limit): hold the whole channel until just after midnight UTC.
- 401/403 (the key is wrong or revoked, or our clock is off): hold every channel and alert an operator. The
  message is not at fault, so it waits rather than fails.
- 400 and other 4xx: fail at once with Notify's message. Sending it again would get the same answer.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from enum import StrEnum

from alerts.notify import AuthFailure, DailyLimitReached, NotifyError, Unavailable

BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 600.0
# A refused key is checked again this often: one message each time, not the whole backlog.
AUTH_HOLD = dt.timedelta(minutes=5)
# Notify's daily counters are keyed by UTC date; a minute's margin covers clock drift between us and Notify.
DAILY_RESET_MARGIN = dt.timedelta(minutes=1)


class Action(StrEnum):
    RETRY = "retry"
    FAIL = "fail"
    HOLD_CHANNEL = "hold_channel"
    HOLD_ALL = "hold_all"


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str
    retry_at: dt.datetime | None = None
    outcome_unknown: bool = False
    channel: str | None = None
    hold_until: dt.datetime | None = None


def backoff_delay(attempt: int, *, rng: random.Random | None = None) -> float:
    """Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): uniform in [0, min(cap, base·2^n)]."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return (rng or random).uniform(0, ceiling)


def next_midnight_utc(now: dt.datetime) -> dt.datetime:
    tomorrow = now.astimezone(dt.UTC).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0), tzinfo=dt.UTC)


def decide(error: NotifyError, *, channel: str, attempts: int, max_attempts: int, now: dt.datetime,
           rng: random.Random | None = None) -> Decision:
    """`attempts` counts this one. `channel` is the message's channel, used when Notify's message names none."""
    reason = str(error)
    if isinstance(error, DailyLimitReached):
        # Notify names the limit it hit; international texts share our texts' channel.
        held = {"international_sms": "sms", "sms": "sms", "email": "email"}.get(error.channel or "", channel)
        until = next_midnight_utc(now) + DAILY_RESET_MARGIN
        return Decision(Action.HOLD_CHANNEL, reason, channel=held, hold_until=until)
    if isinstance(error, AuthFailure):
        return Decision(Action.HOLD_ALL, reason, hold_until=now + AUTH_HOLD)
    if error.retryable:
        unknown = isinstance(error, Unavailable) and error.outcome_unknown
        if attempts >= max_attempts:
            return Decision(Action.FAIL, f"Gave up after {attempts} attempts: {reason}", outcome_unknown=unknown)
        delay = dt.timedelta(seconds=backoff_delay(attempts, rng=rng))
        return Decision(Action.RETRY, reason, retry_at=now + delay, outcome_unknown=unknown)
    return Decision(Action.FAIL, reason)
