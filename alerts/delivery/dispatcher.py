"""The dispatcher: keeps sends to Notify in flight continuously, each message exactly once and never stale.

- Claim: one UPDATE ... RETURNING moves due messages to `sending` under a lease timed by the database's clock
  (SKIP LOCKED on PostgreSQL, so any number of workers share one outbox; one atomic statement on SQLite). A
  crashed worker's rows come back when the lease expires, marked outcome-unknown. Each claim carries a token that
  every record of its outcome must quote (fencing): a worker that lost its lease cannot overwrite a newer claim.
- Checks at claim time, just before sending: a stale alert (its notice resolved, cancelled or superseded) is
  skipped with the reason; a non-severe alert text due at night waits for 07:00 (alerts.data.outbox_claims: the
  claim's own statement reads both, under the database's clock).
- Pipeline: `run_forever` keeps N sends in flight and claims more as they finish, most urgent first. N follows
  Little's law, the allowance per second times the measured time a POST takes (with headroom), capped by
  NOTIFY_CONCURRENCY, so a slow or variable Notify never leaves the allowance unused while a batch waits for its
  slowest send. A claim takes about a quarter of a second of the allowance (never more than N) into a ready queue,
  and the sending threads take the next ready send as each finishes. When idle it polls every 0.5 s, so a
  confirmation code queued by a web request goes within a second, and a priority-0 message is claimed ahead of
  any fan-out already queued.
- Send (alerts.delivery.sender): one Notify client per thread (inside the gateway). Each thread takes a token from
  the shared allowance before each POST. No database session is open during any HTTP call.
- Never twice: a message whose POST timed out, was cut or got a 5xx is left for NOTIFY_SETTLE_SECONDS (longer
  than Notify can take to store a request), then looked up by reference; looked up again just before any resend;
  resent only when still not found. No POST starts after its lease minus the settle time, so a reclaimed row
  can be looked up at once.
- Stop: on SIGTERM no new POST starts; a message not yet posted goes back to the queue, and POSTs in flight
  finish and are recorded.
- Fan-outs: a thread of its own expands pending fan-outs a batch at a time (publishing only records them).
- Transactions: services and jobs commit and data/ never does, with one exception, documented here: the
  dispatcher's short outbox transactions. Each claim, each record of what became of a send, each channel hold,
  each draw on the shared allowance, each fan-out batch with its cursor, and each step of the reconcile and cost
  jobs commits on its own, inside alerts/data/{outbox_claims, channel_holds, rate_buckets, fanouts, reconcile,
  message_costs}.py. So no connection or lock is held across a call to Notify, and a worker that dies loses only
  the step it was in.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import socket
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

from flask import Flask

from alerts.data import channel_holds, fanouts, outbox_claims
from alerts.delivery.allowance import Allowance, LocalReserve, bucket_shape, get_allowance
from alerts.delivery.app_gateway import get_gateway
from alerts.delivery.sender import SETTLE, MessageSender, Outcome
from alerts.models import Channel
from alerts.notify import Gateway

log = logging.getLogger(__name__)

# Long enough for a token wait plus a POST; a worker never starts a POST in the last LEASE_MARGIN of its lease.
LEASE = dt.timedelta(minutes=5)
LEASE_MARGIN = dt.timedelta(seconds=60)
POLL_SECONDS = 0.5
# While sends are in flight the pipeline looks for more at least this often, and as each one finishes.
BUSY_POLL_SECONDS = 0.05
# Little's law gives the sends in flight that just keep up with the allowance; the headroom absorbs latency
# that varies from one send to the next.
LITTLE_HEADROOM = 2.0
# A claim takes about this long's worth of the allowance (at least a quarter of the sends in flight): what it
# claims waits no longer than that before its POST starts.
CLAIM_SPAN_SECONDS = 0.25
# Accepted sends are written in one transaction once this many are waiting, or once the oldest is this old.
RECORD_EVERY = 32
RECORD_WITHIN_SECONDS = 0.1
# A worker takes at most this long's worth of the allowance from the shared bucket at once (LocalReserve).
RESERVE_SPAN_SECONDS = 0.05


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def settle_time(app: Flask) -> dt.timedelta:
    configured = app.config.get("NOTIFY_SETTLE_SECONDS")
    return SETTLE if configured is None else dt.timedelta(seconds=float(configured))


@dataclass(frozen=True)
class BatchReport:
    claimed: list[str]
    outcomes: Counter[Outcome]


class Dispatcher:
    """One worker's dispatcher. Run several (processes or hosts) on PostgreSQL; one on SQLite."""

    def __init__(self, app: Flask, *, gateway: Gateway | None = None, allowance: Allowance | None = None,
                 concurrency: int | None = None, batch_size: int | None = None, lease: dt.timedelta | None = None,
                 worker: str | None = None, settle: dt.timedelta | None = None) -> None:
        self.app = app
        # A cap: the pipeline keeps as many sends in flight as Little's law asks for, up to this.
        self.concurrency = max(1, concurrency or int(app.config["NOTIFY_CONCURRENCY"]))
        self.batch_size = batch_size or self.concurrency * 4
        self.lease = lease or dt.timedelta(seconds=float(app.config.get("NOTIFY_LEASE_SECONDS") or LEASE.seconds))
        self.settle = settle if settle is not None else settle_time(app)
        # Never start a POST that could outlast the lease, nor one so late that a worker reclaiming the row when
        # the lease ends could look it up before the settle time has passed.
        self.lease_margin = max(min(LEASE_MARGIN, self.lease / 4), self.settle)
        if self.lease_margin >= self.lease:
            raise ValueError("NOTIFY_LEASE_SECONDS must be longer than NOTIFY_SETTLE_SECONDS")
        self.worker = worker or worker_name()
        self.per_second = int(app.config["NOTIFY_RATE_LIMIT_PER_MINUTE"]) / 60
        self.stop_event = threading.Event()
        if allowance is None:
            per_minute = int(app.config["NOTIFY_RATE_LIMIT_PER_MINUTE"])
            # Tokens taken from the shared bucket per query: half the threads (up to 8), or what this worker
            # could send in RESERVE_SPAN_SECONDS at the full allowance if that is more (a large allowance would
            # otherwise cost a bucket transaction per few sends), never more than the threads or the bucket hold.
            reserve = max(min(self.concurrency, 16) // 2, math.ceil(self.per_second * RESERVE_SPAN_SECONDS))
            reserve = max(1, min(reserve, self.concurrency, int(bucket_shape(per_minute).capacity)))
            allowance = LocalReserve(get_allowance(app), reserve)
        self.sender = MessageSender(app, gateway or get_gateway(app), allowance,
                             max_attempts=int(app.config["NOTIFY_MAX_ATTEMPTS"]), stop=self.stop_event,
                             settle=self.settle, sent_to_record=[])
        self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="notify-send")
        self._in_flight = 0
        self._target, self._low_water = 1, 0
        self._ready: deque[tuple[outbox_claims.OutgoingMessage, float]] = deque()
        # One lock: the pipeline waits on `_finished` for room, the sending threads on `_work` for ready sends.
        self._lock = threading.Lock()
        self._finished = threading.Condition(self._lock)
        self._work = threading.Condition(self._lock)
        self._threads: list[threading.Thread] = []
        self._idle = 0
        self._closing = False

    # Little's law ------------------------------------------------------------------------------------------------

    def target_in_flight(self) -> int:
        """Sends to keep in flight: L = λW, the allowance per second times the measured seconds per POST, with
        headroom for latency that varies, capped by NOTIFY_CONCURRENCY."""
        needed = math.ceil(round(self.per_second * self.sender.latency.mean * LITTLE_HEADROOM, 3)) + 1
        return max(1, min(self.concurrency, needed))

    # Claiming ------------------------------------------------------------------------------------------------------

    def _claim(self, limit: int) -> list[outbox_claims.OutgoingMessage]:
        with self.app.app_context():
            held = channel_holds.held_channels()
            if held >= {channel.value for channel in Channel}:
                return []
            claimed = outbox_claims.claim_due_messages(self.worker, limit, self.lease, excluded_channels=held)
        self.sender.forget_holds()
        return claimed

    def _post_deadline(self) -> float:
        """Taken before the claim, by this worker's monotonic clock: never later than the lease allows."""
        return time.monotonic() + (self.lease - self.lease_margin).total_seconds()

    # Batches: `dispatch --once` and tests -------------------------------------------------------------------------

    def run_batch(self) -> BatchReport:
        """Claim one batch and send it. Returns once every message in it is sent, retried, held or released."""
        self.sender.record_accepted()  # any left from a batch whose recording failed (the database was away)
        if self.stop_event.is_set():
            return BatchReport([], Counter())
        post_deadline = self._post_deadline()
        claimed = self._claim(self.batch_size)
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

    # The pipeline ---------------------------------------------------------------------------------------------------

    def run_until_idle(self, *, expand: bool = True) -> int:
        """Expand and send until no fan-out is pending, nothing is due and nothing is in flight. Returns how many
        messages were claimed. Expanding a batch whenever the pipeline has room means neither starves the other."""
        return self._pipeline(POLL_SECONDS, until_idle=True, expand=expand)

    def run_forever(self, poll_seconds: float = POLL_SECONDS) -> None:
        """Send until stopped, polling every `poll_seconds` when idle: a new message goes out within a second."""
        log.info("dispatcher %s started: up to %s sends at once", self.worker, self.concurrency)
        expander = threading.Thread(target=self._expand_fanouts, args=(poll_seconds,), daemon=True,
                                    name="fanout-expander")
        expander.start()
        try:
            self._pipeline(poll_seconds, until_idle=False, expand=False)
        finally:
            self.close()
            log.info("dispatcher %s stopped", self.worker)

    def claim_size(self, target: int) -> int:
        """Messages to claim at once: about CLAIM_SPAN_SECONDS of the allowance, at least a quarter of the sends
        in flight, at most as many (a confirmation code queued now waits behind no more than the sends in flight
        and one claim's worth) or the batch size. A claim is a transaction (fenced, checked), so it is worth making
        few; what it claims waits at most a moment before its POST starts, so its checks stay those of send time."""
        span = math.ceil(self.per_second * CLAIM_SPAN_SECONDS)
        return max(1, min(self.batch_size, target, max(span, target // 4)))

    def _pipeline(self, poll_seconds: float, *, until_idle: bool, expand: bool) -> int:
        """Keep `target_in_flight()` sends going, and a claim's worth more ready to start as each one finishes
        (`_done` starts the next at once), most urgent first. No barrier: one slow send holds one slot, not a
        batch. Claims again once the ready ones run low."""
        total = 0
        while not self.stop_event.is_set():
            try:
                self._record_if_due(force=False)
                target = self.target_in_flight()
                batch = self.claim_size(target)
                with self._finished:
                    self._target, self._low_water = target, batch // 2
                    self._start_ready()
                    room = target + batch - self._in_flight - len(self._ready)
                    ready, in_flight = len(self._ready), self._in_flight
                created = self.expand_fanouts() if expand and room > 0 else 0
                claimed: list[outbox_claims.OutgoingMessage] = []
                if room > 0 and (ready <= batch // 2 or in_flight == 0) and (room >= batch // 2 or in_flight == 0):
                    post_deadline = self._post_deadline()
                    claimed = self._claim(room)
                    with self._finished:
                        self._ready.extend((message, post_deadline) for message in claimed)
                        self._start_ready()
                    total += len(claimed)
            except Exception:
                log.exception("dispatcher %s: claiming failed; trying again shortly", self.worker)
                self.stop_event.wait(1)
                continue
            if claimed and len(claimed) == room:
                continue  # the queue has more: fill the pipeline before waiting
            with self._finished:
                idle = until_idle and not claimed and not created and self._in_flight == 0 and not self._ready
            unrecorded = self.sender.waiting_to_record()[0] if idle else 0
            if unrecorded:
                # Record what was sent before deciding nothing is left: an update waits for its resident's first
                # message to be recorded as sent (alerts/data/outbox_claims.py), so claim once more after.
                self._record_if_due(force=True)
                if self.sender.waiting_to_record()[0] < unrecorded:
                    continue
            with self._finished:
                if idle:
                    break
                self._finished.wait(BUSY_POLL_SECONDS if self._in_flight else poll_seconds)
        self._release_ready()
        self._record_if_due(force=True)
        return total

    def _start_ready(self) -> None:
        """Wake sending threads for the ready sends, up to the target in flight, starting a thread when none is
        idle (up to NOTIFY_CONCURRENCY; they stay for the next sends). Called holding the lock."""
        wanted = min(len(self._ready), self._target - self._in_flight)
        if wanted <= 0 or self.stop_event.is_set():
            return
        self._work.notify(wanted)
        for _ in range(min(wanted - self._idle, self.concurrency - len(self._threads))):
            thread = threading.Thread(target=self._send_ready, name=f"notify-send-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            self._idle += 1  # it takes work as soon as it runs
            thread.start()

    def _send_ready(self) -> None:
        """A sending thread: takes the next ready send while fewer than the target are in flight, sends it, and
        wakes the pipeline once the ready ones run low. Plain threads and a deque, not an executor: a Future and
        its Condition per send were a tenth of a worker's CPU when Notify answers at once."""
        while True:
            with self._lock:
                while not self._closing and not (
                        self._ready and self._in_flight < self._target and not self.stop_event.is_set()):
                    self._work.wait()
                if self._closing:
                    self._idle -= 1
                    return
                message, post_deadline = self._ready.popleft()
                self._in_flight += 1
                self._idle -= 1
            try:
                self.sender.send(message, post_deadline=post_deadline)
            except Exception:
                log.exception("dispatcher %s: a send failed unexpectedly", self.worker)
            with self._lock:
                self._in_flight -= 1
                self._idle += 1
                # The pipeline wakes to claim once the ready sends run low (or to finish when none is in flight),
                # not for every send that finishes: it looks in every BUSY_POLL_SECONDS anyway.
                if len(self._ready) <= self._low_water or self._in_flight == 0:
                    self._finished.notify_all()

    def _release_ready(self) -> None:
        """Stopping: the claimed messages not yet started go back to the queue untried."""
        with self._finished:
            ready, self._ready = list(self._ready), deque()
        for message, _ in ready:
            try:
                self.sender.release(message)
            except Exception:
                # Not lost: still `sending` under its lease, and claimed again (and looked up) when the lease ends.
                log.exception("dispatcher %s: could not put message %s back in the queue", self.worker, message.id)

    def _record_if_due(self, *, force: bool) -> None:
        count, age = self.sender.waiting_to_record()
        if count and (force or count >= RECORD_EVERY or age >= RECORD_WITHIN_SECONDS):
            try:
                self.sender.record_accepted()
            except Exception:
                log.exception("dispatcher %s: recording sends failed; they stay `sending` and will be retried",
                              self.worker)
                if not force:
                    raise

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
        """Start no new POST; sends in flight finish or go back to the queue."""
        self.stop_event.set()
        with self._finished:
            self._finished.notify_all()

    def close(self) -> None:
        """Wait for the sends in flight to finish, then record them."""
        with self._lock:
            self._closing = True
            self._work.notify_all()
        for thread in self._threads:
            thread.join()
        self._release_ready()  # none if the pipeline ended normally
        self._pool.shutdown(wait=True)
        try:
            self.sender.record_accepted()
        except Exception:
            # Not lost: those rows are still `sending`, and are looked up by reference when their lease ends.
            log.exception("dispatcher %s: could not record its last sends before stopping", self.worker)
