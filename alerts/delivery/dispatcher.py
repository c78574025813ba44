"""The dispatcher: claims due messages in batches and sends them to Notify concurrently, each exactly once.

- Claim: one UPDATE ... RETURNING moves a batch to `sending` under a lease (SKIP LOCKED on PostgreSQL, so any
  number of workers share one outbox; one atomic statement on SQLite). A crashed worker's rows come back when
  the lease expires, marked outcome-unknown.
- Send: a thread pool sized NOTIFY_CONCURRENCY, one Notify client per thread (inside the gateway). Each thread
  takes a token from the shared allowance before each POST. No database session is open during any HTTP call:
  every read and write is a short transaction of its own.
- Never twice: a message whose earlier POST may have reached Notify is looked up by reference (its id) first.
- Stop: on SIGTERM no new POST starts; a message not yet posted goes back to the queue, and POSTs in flight
  finish and are recorded.
- Fan-outs: between batches the loop expands one batch of a pending fan-out (publishing only records it), so a
  publish is sent within a second or two, and a large audience is expanded far faster than the allowance sends.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from enum import StrEnum

from flask import Flask

from alerts.data import fanouts
from alerts.data import messages as message_data
from alerts.delivery.allowance import Allowance, LocalReserve, acquire, bucket_shape, get_allowance
from alerts.delivery.gateway import get_gateway
from alerts.delivery.policy import Action, decide
from alerts.models import ALL_CHANNELS, Channel, utc_now
from alerts.notify import Gateway, NotifyError, SendResult

log = logging.getLogger(__name__)

# Long enough for a token wait plus a POST; a worker never starts a POST in the last LEASE_MARGIN of its lease.
LEASE = dt.timedelta(minutes=5)
LEASE_MARGIN = dt.timedelta(seconds=60)
POLL_SECONDS = 0.5
# How long a resident's confirmation waits for a token in the web request before the dispatcher takes over.
IMMEDIATE_TOKEN_WAIT_SECONDS = 2.0
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


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def deliver(gateway: Gateway, message: message_data.OutgoingMessage) -> SendResult:
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


@dataclass
class Sender:
    """Sends claimed messages and records the outcome. Shared by the dispatcher's threads and `send_now`."""

    app: Flask
    gateway: Gateway
    allowance: Allowance
    max_attempts: int
    stop: threading.Event = field(default_factory=threading.Event)
    _held: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _auth_suspect: bool = True
    # Set by the dispatcher: accepted sends wait here and are written in one transaction per batch, instead of one
    # each. Until then the row stays `sending` under its lease, so a worker killed first leaves rows that are
    # looked up by reference before any resend, exactly as if it had died just after the POST.
    sent_to_record: list[tuple[str, str | None, bool]] | None = None

    def send(self, message: message_data.OutgoingMessage, *, post_deadline: float,
             token_timeout: float | None = None) -> Outcome:
        """`post_deadline` (time.monotonic) is when the lease gets too short to start a POST."""
        if message.outcome_unknown:
            try:
                found = self.gateway.find_by_reference(message.id)
            except NotifyError as error:
                return self._refused(message, error)
            if found is not None:
                log.info("message %s had reached Notify (id %s): recorded, not resent", message.id, found.notify_id)
                with self.app.app_context():
                    message_data.record_sent(message.id, found.notify_id, local_outbox=False)
                    message_data.apply_notify_status(reference=message.id, notify_id=found.notify_id,
                                                     status=found.status, completed_at=found.completed_at)
                return Outcome.FOUND

        if self.stop.is_set() or self._is_held(message.channel) or time.monotonic() > post_deadline:
            return self._release(message)
        remaining = post_deadline - time.monotonic()
        timeout = remaining if token_timeout is None else min(token_timeout, remaining)
        if not acquire(self.allowance, stop=self.stop, timeout=timeout):
            return self._release(message)

        try:
            result = deliver(self.gateway, message)
        except NotifyError as error:
            return self._refused(message, error)
        except Exception:
            log.exception("unexpected error sending message %s; it will be looked up and retried", message.id)
            with self.app.app_context():
                message_data.record_retry(message.id, "Unexpected error while sending", outcome_unknown=True,
                                          at=utc_now() + dt.timedelta(minutes=1))
            return Outcome.RETRY
        if self.sent_to_record is not None:
            with self._lock:
                self.sent_to_record.append((message.id, result.notify_id, not result.sent))
        else:
            with self.app.app_context():
                message_data.record_sent(message.id, result.notify_id, local_outbox=not result.sent)
        if result.sent and self._first_success_since_auth_failure():
            with self.app.app_context():
                message_data.clear_hold(ALL_CHANNELS, AUTH_FAILURE)
        return Outcome.SENT if result.sent else Outcome.NOT_SENT

    def record_accepted(self) -> int:
        """Write the sends accepted since the last call, in one transaction. On failure they are kept for next time."""
        with self._lock:
            if not self.sent_to_record:
                return 0
            pending, self.sent_to_record = self.sent_to_record, []
        try:
            with self.app.app_context():
                message_data.record_sent_many(pending)
        except Exception:
            with self._lock:
                self.sent_to_record = pending + (self.sent_to_record or [])
            raise
        return len(pending)

    def _refused(self, message: message_data.OutgoingMessage, error: NotifyError) -> Outcome:
        now = utc_now()
        decision = decide(error, channel=message.channel.value, attempts=message.attempts,
                          max_attempts=self.max_attempts, now=now)
        with self.app.app_context():
            if decision.action == Action.RETRY:
                assert decision.retry_at is not None
                log.warning("message %s not sent yet (attempt %s), retrying at %s: %s", message.id, message.attempts,
                            decision.retry_at.isoformat(timespec="seconds"), decision.reason)
                message_data.record_retry(message.id, decision.reason, at=decision.retry_at,
                                          outcome_unknown=decision.outcome_unknown)
                return Outcome.RETRY
            if decision.action == Action.FAIL:
                log.error("message %s failed: %s", message.id, decision.reason)
                message_data.record_failed(message.id, decision.reason)
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
                message_data.hold_channel(ALL_CHANNELS, kind=AUTH_FAILURE, reason=decision.reason,
                                          until=decision.hold_until)
            else:
                log.error("Notify's daily limit for %s is used up: holding %s messages until %s. %s", held, held,
                          decision.hold_until.isoformat(timespec="minutes"), decision.reason)
                message_data.hold_channel(held, kind=DAILY_LIMIT, reason=decision.reason, until=decision.hold_until)
            # The message was not at fault: it waits for the hold with its attempt given back.
            message_data.record_retry(message.id, decision.reason, at=now, outcome_unknown=False,
                                      refund_attempt=True)
        return Outcome.HELD

    def _release(self, message: message_data.OutgoingMessage) -> Outcome:
        with self.app.app_context():
            message_data.record_retry(message.id, None, at=utc_now(), outcome_unknown=False, refund_attempt=True)
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


@dataclass(frozen=True)
class BatchReport:
    claimed: list[str]
    outcomes: Counter[Outcome]


class Dispatcher:
    """One worker's dispatcher. Run several (processes or hosts) on PostgreSQL; one on SQLite."""

    def __init__(self, app: Flask, *, gateway: Gateway | None = None, allowance: Allowance | None = None,
                 concurrency: int | None = None, batch_size: int | None = None, lease: dt.timedelta | None = None,
                 worker: str | None = None) -> None:
        self.app = app
        self.concurrency = max(1, concurrency or int(app.config["NOTIFY_CONCURRENCY"]))
        self.batch_size = batch_size or self.concurrency * 4
        self.lease = lease or dt.timedelta(seconds=float(app.config.get("NOTIFY_LEASE_SECONDS") or LEASE.seconds))
        # Never start a POST that could outlast the lease; a short lease (tests) keeps a proportionate margin.
        self.lease_margin = min(LEASE_MARGIN, self.lease / 4)
        self.worker = worker or worker_name()
        self.stop_event = threading.Event()
        if allowance is None:
            per_minute = int(app.config["NOTIFY_RATE_LIMIT_PER_MINUTE"])
            reserve = min(max(1, self.concurrency // 2), int(bucket_shape(per_minute).capacity))
            allowance = LocalReserve(get_allowance(app), reserve)
        self.sender = Sender(app, gateway or get_gateway(app), allowance,
                             max_attempts=int(app.config["NOTIFY_MAX_ATTEMPTS"]), stop=self.stop_event,
                             sent_to_record=[])
        self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="notify-send")

    def run_batch(self) -> BatchReport:
        """Claim one batch and send it. Returns once every message in it is sent, retried, held or released."""
        self.sender.record_accepted()  # any left from a batch whose recording failed (the database was away)
        if self.stop_event.is_set():
            return BatchReport([], Counter())
        with self.app.app_context():
            held = message_data.held_channels()
            if held >= {channel.value for channel in Channel}:
                return BatchReport([], Counter())
            claimed = message_data.claim_due_messages(self.worker, self.batch_size, self.lease,
                                                      excluded_channels=held)
        self.sender.forget_holds()
        post_deadline = time.monotonic() + (self.lease - self.lease_margin).total_seconds()
        futures = [self._pool.submit(self.sender.send, message, post_deadline=post_deadline) for message in claimed]
        wait(futures)
        self.sender.record_accepted()
        outcomes: Counter[Outcome] = Counter(future.result() for future in futures)
        if claimed:
            log.info("dispatcher %s: %s", self.worker, {str(key): count for key, count in outcomes.items()})
        return BatchReport([message.id for message in claimed], outcomes)

    def expand_fanouts(self) -> int:
        """Expand one batch of a pending fan-out into queued messages. Returns how many it created."""
        with self.app.app_context():
            return fanouts.expand_next_batch() or 0

    def run_until_idle(self, *, expand: bool = True) -> int:
        """Expand and send, a batch of each in turn, until no fan-out is pending and nothing is due. Returns how
        many messages were claimed. Alternating means neither starves the other: a county-wide fan-out is expanded
        a thousand at a time while the messages already queued keep going out. `run_forever` expands in a thread
        of its own instead (expand=False), so sending never waits for rendering."""
        total = 0
        while not self.stop_event.is_set():
            created = self.expand_fanouts() if expand else 0
            claimed = len(self.run_batch().claimed)
            total += claimed
            if claimed == 0 and created == 0:
                break
        return total

    def run_forever(self, poll_seconds: float = POLL_SECONDS) -> None:
        """Poll every `poll_seconds` until stopped: a new publish goes out within a second."""
        log.info("dispatcher %s started: %s sends at once", self.worker, self.concurrency)
        expander = threading.Thread(target=self._expand_fanouts, args=(poll_seconds,), daemon=True,
                                    name="fanout-expander")
        expander.start()
        try:
            while not self.stop_event.is_set():
                try:
                    claimed = self.run_until_idle(expand=False)
                except Exception:
                    log.exception("dispatcher %s: batch failed; trying again shortly", self.worker)
                    claimed = 0
                    self.stop_event.wait(5)
                if claimed == 0:
                    self.stop_event.wait(poll_seconds)
        finally:
            self.close()
            log.info("dispatcher %s stopped", self.worker)

    def _expand_fanouts(self, poll_seconds: float) -> None:
        """Turn published fan-outs into messages a batch at a time, beside the sending threads.

        A publish starts sending within a poll (a new fan-out's first batch is small), and the queue is refilled
        while the current messages go out. Each batch is idempotent and, on PostgreSQL, one worker at a time
        expands a fan-out.
        """
        while not self.stop_event.is_set():
            try:
                created = self.expand_fanouts()
            except Exception:
                log.exception("dispatcher %s: expanding a fan-out failed; trying again shortly", self.worker)
                created = 0
                self.stop_event.wait(5)
            if not created:
                self.stop_event.wait(poll_seconds)

    def stop(self) -> None:
        """Start no new POST; the current batch finishes or goes back to the queue."""
        self.stop_event.set()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        try:
            self.sender.record_accepted()
        except Exception:
            # Not lost: those rows are still `sending`, and are looked up by reference when their lease ends.
            log.exception("dispatcher %s: could not record its last sends before stopping", self.worker)
