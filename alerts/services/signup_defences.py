"""Defences against SMS pumping and harassment: rate limits per IP, per contact and per number prefix, and a
daily budget of confirmation texts. Counted in Flask-Limiter's storage (RATELIMIT_STORAGE_URI), so every web
process shares them when it is Redis.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import math
import time

from flask import current_app
from limits import RateLimitItem, parse, parse_many

from alerts.addresses import client_network
from alerts.data import outbox
from alerts.data.subscribers import MAX_CODE_ATTEMPTS
from alerts.extensions import limiter
from alerts.formatting import LONDON
from alerts.models import Channel

log = logging.getLogger(__name__)

# The number prefix limit counts every number sharing all but this many final digits.
PREFIX_HIDDEN_DIGITS = 4


class Refused(Exception):
    """A send we won't make. `reason` is one of "ip", "contact", "prefix", "sms-budget"."""

    def __init__(self, reason: str, retry_after_seconds: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_seconds = retry_after_seconds

    @property
    def retry_after_minutes(self) -> int | None:
        return math.ceil(self.retry_after_seconds / 60) if self.retry_after_seconds else None


def _code_attempt_limit() -> str:
    return current_app.config["CODE_ATTEMPT_LIMITS_PER_IP"]


# One allowance per IP for every place a code can be tried (pages and API), so spreading guesses gains nothing.
code_attempts = limiter.shared_limit(_code_attempt_limit, scope="code-attempts", methods=["POST"])


def _digest(value: str) -> str:
    """Limit keys never hold a contact in the clear: Redis keys are easy to read and outlive requests."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def _limits(config_name: str) -> list[RateLimitItem]:
    return list(parse_many(current_app.config[config_name]))


def start_of_today_london(now: dt.datetime | None = None) -> dt.datetime:
    local = (now or dt.datetime.now(dt.UTC)).astimezone(LONDON)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def sms_sign_up_paused() -> bool:
    """True once today's confirmation texts reach SMS_SIGNUP_DAILY_BUDGET. Counted from the outbox, so the budget
    is exact across processes and restarts."""
    budget = current_app.config["SMS_SIGNUP_DAILY_BUDGET"]
    return outbox.count_direct_texts_since(start_of_today_london()) >= budget


def check_send(channel: Channel, contact: str, ip: str) -> None:
    """Count one confirmation (or security code) about to go to `contact`, or raise Refused without counting."""
    if channel == Channel.SMS and sms_sign_up_paused():
        log.error("SMS sign-up daily budget of %s texts reached: sign-up by text is paused until midnight",
                  current_app.config["SMS_SIGNUP_DAILY_BUDGET"])
        raise Refused("sms-budget")
    checks: list[tuple[str, RateLimitItem, tuple[str, ...]]] = []
    checks += [("ip", item, ("signup-ip", client_network(ip))) for item in _limits("SIGNUP_LIMITS_PER_IP")]
    checks += [("contact", item, ("signup-contact", _digest(contact))) for item in _limits("SIGNUP_LIMITS_PER_CONTACT")]
    if channel == Channel.SMS:
        prefix = contact[:-PREFIX_HIDDEN_DIGITS]
        checks += [("prefix", item, ("signup-prefix", _digest(prefix)))
                   for item in _limits("SIGNUP_LIMITS_PER_NUMBER_PREFIX")]
    strategy = limiter.limiter
    for reason, item, identifiers in checks:
        if not strategy.test(item, *identifiers):
            reset_at = strategy.get_window_stats(item, *identifiers).reset_time
            log.warning("sign-up refused: %s limit %s reached", reason, item)
            raise Refused(reason, max(1, int(reset_at - time.time())))
    for _reason, item, identifiers in checks:
        strategy.hit(item, *identifiers)


def _issuance_limit() -> RateLimitItem:
    # An issuance key is new with every code sent, so a day's window only outlives the code: it never resets early.
    return parse(f"{MAX_CODE_ATTEMPTS} per day")


def count_code_guess(contact: str, issuance: str) -> bool:
    """Count one guess at a code for `contact` by the client holding `issuance` (the key of the code it was
    sent); False, counting nothing, once the contact's or the issuance's allowance is spent.

    Counted alike whether the contact is signed up, pending or unknown, so running out tells nobody which it is.
    The per-client allowance (CODE_ATTEMPT_LIMITS_PER_IP) is the `code_attempts` limit on the views.
    """
    checks = [(item, ("code-contact", _digest(contact))) for item in _limits("CODE_ATTEMPT_LIMITS_PER_CONTACT")]
    checks.append((_issuance_limit(), ("code-issuance", _digest(issuance))))
    strategy = limiter.limiter
    if not all(strategy.test(item, *identifiers) for item, identifiers in checks):
        log.warning("code guess refused: too many tries for one contact or one code")
        return False
    for item, identifiers in checks:
        strategy.hit(item, *identifiers)
    return True


def code_guesses_left(issuance: str) -> int:
    """Tries left on the code sent for `issuance`: mirrors the code's own tries for any contact, known or not."""
    return limiter.limiter.get_window_stats(_issuance_limit(), "code-issuance", _digest(issuance)).remaining
