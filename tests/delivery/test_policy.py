import datetime as dt
import random

from alerts.delivery.policy import Action, backoff_delay, decide, next_midnight_utc
from alerts.notify import DailyLimitReached, RateLimited, Unavailable

NOW = dt.datetime(2026, 1, 5, 23, 59, 30, tzinfo=dt.UTC)


def test_backoff_is_full_jitter_under_an_exponential_ceiling_with_a_cap() -> None:
    rng = random.Random(7)
    for attempt, ceiling in ((1, 2), (2, 4), (5, 32), (30, 600)):
        delays = [backoff_delay(attempt, rng=rng) for _ in range(200)]
        assert all(0 <= delay <= ceiling for delay in delays)
        assert max(delays) > ceiling * 0.8 and min(delays) < ceiling * 0.2


def test_an_international_daily_limit_holds_texts() -> None:
    error = DailyLimitReached("Exceeded send limits (international_sms: 100) for today", status_code=429,
                              error_type="TooManyRequestsError", channel="international_sms")
    decision = decide(error, channel="sms", attempts=1, max_attempts=10, now=NOW)
    assert (decision.action, decision.channel) == (Action.HOLD_CHANNEL, "sms")
    assert decision.hold_until == dt.datetime(2026, 1, 6, 0, 1, tzinfo=dt.UTC)


def test_a_daily_limit_naming_no_channel_holds_the_messages_own() -> None:
    error = DailyLimitReached("Exceeded send limits for today", channel=None)
    assert decide(error, channel="email", attempts=1, max_attempts=10, now=NOW).channel == "email"


def test_a_rate_limit_is_never_an_unknown_outcome_but_a_5xx_on_a_send_is() -> None:
    limited = decide(RateLimited("slow down", status_code=429), channel="sms", attempts=1, max_attempts=3, now=NOW)
    outage = decide(Unavailable("down", status_code=500, outcome_unknown=True), channel="sms", attempts=2,
                    max_attempts=3, now=NOW)
    assert (limited.action, limited.outcome_unknown) == (Action.RETRY, False)
    assert (outage.action, outage.outcome_unknown) == (Action.RETRY, True)


def test_next_midnight_is_the_start_of_the_next_utc_day() -> None:
    assert next_midnight_utc(dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)) == dt.datetime(2026, 7, 2, tzinfo=dt.UTC)
