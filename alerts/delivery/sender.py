"""Sending one claimed message to Notify and recording what became of it, for the dispatcher's sending threads.

Before each POST a token from the shared allowance; no database session open during any HTTP call; a message
whose POST may have reached Notify is looked up by reference, never simply sent again; Notify's refusals become a
retry, a failure or a held channel by alerts.delivery.policy.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum

from flask import Flask

from alerts.data import channel_holds, outbox_claims, reconcile
from alerts.delivery.allowance import Allowance, acquire
from alerts.delivery.policy import Action, decide
from alerts.models import ALL_CHANNELS, Channel, utc_now
from alerts.notify import Gateway, NotifyError, SendResult

log = logging.getLogger(__name__)

# Notify serves a request for up to 30 s (HTTP_SERVE_TIMEOUT_SECONDS, alphagov/notifications-api gunicorn_config.py)
# behind an AWS load balancer whose idle timeout is 60 s, and stores the notification before it answers: a request
# we gave up on can be stored up to about a minute after it was sent (shared/reference/notify.md §2.7). 75 s is
# that minute plus a margin for clock and queueing differences. NOTIFY_SETTLE_SECONDS overrides it.
SETTLE = dt.timedelta(seconds=75)
INITIAL_LATENCY_SECONDS = 0.25
# Why a channel is held: Notify's daily limit for it is used up, or Notify refused our key (every channel).
DAILY_LIMIT = "daily_limit"
AUTH_FAILURE = "auth_failure"


class Outcome(StrEnum):
    SENT = "sent"
    FOUND = "found"  # an earlier POST had reached Notify: recorded, not resent
    NOT_SENT = "not_sent"  # local outbox
    RETRY = "retry"
    FAILED = "failed"
    HELD = "held"
    RELEASED = "released"  # stopping, or out of lease: back to the queue untried


def deliver(gateway: Gateway, message: outbox_claims.OutgoingMessage) -> SendResult:
    """One POST to Notify for one message. The message id is Notify's reference."""
    if message.channel == Channel.SMS:
        return gateway.send_sms(phone_number=message.recipient or "", body=message.body, reference=message.id)
    # Notify refuses the whole email (400 ValidationError) if one_click_unsubscribe_url is not https, as it is when
    # BASE_URL is http://127.0.0.1 in development: send it without; the body still has the unsubscribe link.
    one_click = message.one_click_unsubscribe_url
    return gateway.send_email(
        email_address=message.recipient or "",
        subject=message.subject or "",
        body=message.body,
        reference=message.id,
        one_click_unsubscribe_url=one_click if one_click and one_click.startswith("https://") else None,
    )


class LatencyMeter:
    """A moving average of how long a POST to Notify takes: the `W` of Little's law."""

    def __init__(self, initial: float = INITIAL_LATENCY_SECONDS, weight: float = 0.05) -> None:
        self._mean = initial
        self._weight = weight
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self._mean += self._weight * (seconds - self._mean)

    @property
    def mean(self) -> float:
        with self._lock:
            return self._mean


@dataclass
class MessageSender:
    """Sends claimed messages and records the outcome, for the dispatcher's sending threads."""

    app: Flask
    gateway: Gateway
    allowance: Allowance
    max_attempts: int
    stop: threading.Event = field(default_factory=threading.Event)
    settle: dt.timedelta = SETTLE
    latency: LatencyMeter = field(default_factory=LatencyMeter)
    _held: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _auth_suspect: bool = True
    # Set by the dispatcher: accepted sends wait here and are written in one transaction per few dozen, instead of
    # one each. Until then the row stays `sending` under its lease, so a worker killed first leaves rows that are
    # looked up by reference before any resend, exactly as if it had died just after the POST.
    sent_to_record: list[tuple[str, str | None, bool, str]] | None = None
    _first_unrecorded_at: float = 0.0

    def send(self, message: outbox_claims.OutgoingMessage, *, post_deadline: float) -> Outcome:
        """`post_deadline` (time.monotonic) is when the lease gets too short to start a POST."""
        if message.outcome_unknown:
            # Claimed only once the settle time has passed (or its lease expired, which implies it).
            looked = self._look_up(message)
            if looked is not None:
                return looked

        if self.stop.is_set() or self._is_held(message.channel) or time.monotonic() > post_deadline:
            return self._release(message)
        if not acquire(self.allowance, stop=self.stop, timeout=post_deadline - time.monotonic()):
            return self._release(message)
        if message.outcome_unknown:
            # Look again just before the resend: the first look may be a token wait old.
            looked = self._look_up(message)
            if looked is not None:
                return looked
            if self.stop.is_set() or time.monotonic() > post_deadline:
                return self._release(message)

        started = time.monotonic()
        try:
            result = deliver(self.gateway, message)
        except NotifyError as error:
            return self._refused(message, error)
        except Exception:
            log.exception("unexpected error sending message %s; it will be looked up and retried", message.id)
            with self.app.app_context():
                outbox_claims.record_retry(message.id, "Unexpected error while sending", outcome_unknown=True,
                                           after=max(self.settle, dt.timedelta(minutes=1)),
                                           claim_token=message.claim_token)
            return Outcome.RETRY
        self.latency.add(time.monotonic() - started)
        if self.sent_to_record is not None and message.claim_token is not None:
            with self._lock:
                if not self.sent_to_record:
                    self._first_unrecorded_at = time.monotonic()
                self.sent_to_record.append((message.id, result.notify_id, not result.sent, message.claim_token))
        else:
            if result.sent:
                log.info("Notify accepted message %s, id %s", message.id, result.notify_id)
            with self.app.app_context():
                if not outbox_claims.record_sent(message.id, result.notify_id, local_outbox=not result.sent,
                                                 claim_token=message.claim_token):
                    log.warning("message %s was claimed again before its send was recorded; the newer claim looks "
                                "it up by reference", message.id)
        if result.sent and self._first_success_since_auth_failure():
            with self.app.app_context():
                channel_holds.clear_hold(ALL_CHANNELS, AUTH_FAILURE)
        return Outcome.SENT if result.sent else Outcome.NOT_SENT

    def _look_up(self, message: outbox_claims.OutgoingMessage) -> Outcome | None:
        """FOUND (recorded) if an earlier POST reached Notify, None if it did not, or what a failed lookup means."""
        try:
            found = self.gateway.find_by_reference(message.id)
        except NotifyError as error:
            return self._refused(message, error)
        if found is None:
            return None
        log.info("message %s had reached Notify (id %s): recorded, not resent", message.id, found.notify_id)
        with self.app.app_context():
            if outbox_claims.record_sent(message.id, found.notify_id, local_outbox=False,
                                         claim_token=message.claim_token):
                reconcile.record_notify_status(reference=message.id, notify_id=found.notify_id,
                                               status=found.status, completed_at=found.completed_at)
        return Outcome.FOUND

    def waiting_to_record(self) -> tuple[int, float]:
        """(how many accepted sends wait to be written, seconds the oldest has waited)."""
        with self._lock:
            count = len(self.sent_to_record or [])
            return count, (time.monotonic() - self._first_unrecorded_at) if count else 0.0

    def record_accepted(self) -> int:
        """Write the sends accepted since the last call, in one transaction. On failure they are kept for next time."""
        with self._lock:
            if not self.sent_to_record:
                return 0
            pending, self.sent_to_record = self.sent_to_record, []
        try:
            with self.app.app_context():
                outbox_claims.record_sent_many(pending)
        except Exception:
            with self._lock:
                self.sent_to_record = pending + (self.sent_to_record or [])
            raise
        log.info("Notify accepted %s messages, recorded (references %s to %s)", len(pending), pending[0][0],
                 pending[-1][0])
        return len(pending)

    def _refused(self, message: outbox_claims.OutgoingMessage, error: NotifyError) -> Outcome:
        now = utc_now()
        decision = decide(error, channel=message.channel.value, attempts=message.attempts,
                          max_attempts=self.max_attempts, now=now)
        token = message.claim_token
        with self.app.app_context():
            if decision.action == Action.RETRY:
                assert decision.retry_at is not None
                after = decision.retry_at - now
                if decision.outcome_unknown:
                    # Notify may store it later still: nobody looks it up before the settle time has passed.
                    after = max(after, self.settle)
                log.warning("message %s not sent yet (attempt %s), retrying in %.1f s: %s", message.id,
                            message.attempts, after.total_seconds(), decision.reason)
                outbox_claims.record_retry(message.id, decision.reason, after=after,
                                           outcome_unknown=decision.outcome_unknown, claim_token=token)
                return Outcome.RETRY
            if decision.action == Action.FAIL:
                log.error("message %s failed: %s", message.id, decision.reason)
                outbox_claims.record_failed(message.id, decision.reason, claim_token=token)
                return Outcome.FAILED
            assert decision.hold_until is not None
            held = decision.channel if decision.action == Action.HOLD_CHANNEL else ALL_CHANNELS
            assert held is not None
            with self._lock:
                self._held.add(held)
                self._auth_suspect = self._auth_suspect or decision.action == Action.HOLD_ALL
            if decision.action == Action.HOLD_ALL:
                log.error("OPERATOR ACTION NEEDED: GOV.UK Notify refused our API key, so nothing is being sent. "
                          "Check NOTIFY_API_KEY and the server clock. %s", decision.reason)
                channel_holds.hold_channel(ALL_CHANNELS, kind=AUTH_FAILURE, reason=decision.reason,
                                           until=decision.hold_until)
            else:
                log.error("Notify's daily limit for %s is used up: holding %s messages until %s. %s", held, held,
                          decision.hold_until.isoformat(timespec="minutes"), decision.reason)
                channel_holds.hold_channel(held, kind=DAILY_LIMIT, reason=decision.reason, until=decision.hold_until)
            # The message was not at fault: it waits for the hold with its attempt given back.
            outbox_claims.record_retry(message.id, decision.reason, after=dt.timedelta(0), outcome_unknown=False,
                                       refund_attempt=True, claim_token=token)
        return Outcome.HELD

    def release(self, message: outbox_claims.OutgoingMessage) -> Outcome:
        """Back to the queue untried, its attempt given back (stopping, or out of lease)."""
        return self._release(message)

    def _release(self, message: outbox_claims.OutgoingMessage) -> Outcome:
        with self.app.app_context():
            outbox_claims.record_retry(message.id, None, after=dt.timedelta(0), outcome_unknown=False,
                                       refund_attempt=True, claim_token=message.claim_token)
        return Outcome.RELEASED

    def _is_held(self, channel: Channel) -> bool:
        with self._lock:
            return ALL_CHANNELS in self._held or channel.value in self._held

    def _first_success_since_auth_failure(self) -> bool:
        """True once after start-up and after each refused key: then a success lifts any recorded auth hold."""
        with self._lock:
            suspect, self._auth_suspect = self._auth_suspect, False
        return suspect

    def forget_holds(self) -> None:
        with self._lock:
            self._held.clear()
