"""Delivery-receipt callbacks, POSTed from a background pool like Notify's service-callback tasks (notify.md §3.2)."""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from .config import CallbackConfig
from .store import RECEIPT_STATUSES, AcceptedNotification

logger = logging.getLogger(__name__)

# A duplicate receipt arrives shortly after the original, as provider duplicates do.
DUPLICATE_GAP_S = 0.05


class ReceiptSender:
    """Schedules one receipt per accepted notification; lost and duplicated receipts are decided by a seeded RNG."""

    def __init__(self, config: CallbackConfig, seed: int) -> None:
        self.config = config
        self._rng = random.Random(seed ^ 0x5EED)
        self._seed = seed
        self._lock = threading.Condition()
        self._queue: list[tuple[float, int, AcceptedNotification, int]] = []
        self._tiebreak = itertools.count()
        self._stopping = False
        self._in_flight = 0
        self.counts: Counter[str] = Counter()
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="notify-sim-callback")
        self._scheduler = threading.Thread(
            target=self._run_scheduler, name="notify-sim-callback-scheduler", daemon=True
        )
        self._scheduler.start()

    def schedule(self, notification: AcceptedNotification) -> None:
        if notification.final_status not in RECEIPT_STATUSES:
            return  # a technical failure (or "sent") comes with no receipt, so Notify calls back for neither
        with self._lock:
            lost = self._rng.random() < self.config.lost_rate
            duplicate = self._rng.random() < self.config.duplicate_rate
            if lost:
                self.counts["lost"] += 1
                return
            due = notification.completes_at_monotonic
            self._push(due, notification, 0)
            if duplicate:
                self.counts["duplicated"] += 1
                self._push(due + DUPLICATE_GAP_S, notification, 0)

    def _push(self, due: float, notification: AcceptedNotification, attempt: int) -> None:
        heapq.heappush(self._queue, (due, next(self._tiebreak), notification, attempt))
        self._lock.notify()

    def pending(self) -> int:
        with self._lock:
            return len(self._queue) + self._in_flight

    def wait_idle(self, timeout_s: float) -> bool:
        """True once nothing is queued or in flight; receipts retried later still count as queued."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.pending() == 0:
                return True
            time.sleep(0.01)
        return self.pending() == 0

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.counts.clear()
            self._rng = random.Random(self._seed ^ 0x5EED)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {**self.counts, "queued": len(self._queue), "in_flight": self._in_flight}

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._queue.clear()
            self._lock.notify_all()
        self._scheduler.join(timeout=2)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run_scheduler(self) -> None:
        with self._lock:
            while not self._stopping:
                if not self._queue:
                    self._lock.wait()
                    continue
                due = self._queue[0][0]
                delay = due - time.monotonic()
                if delay > 0:
                    self._lock.wait(timeout=delay)
                    continue
                _, _, notification, attempt = heapq.heappop(self._queue)
                self._in_flight += 1
                self._pool.submit(self._deliver, notification, attempt)

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            self._local.session = session
        return session

    def _deliver(self, notification: AcceptedNotification, attempt: int) -> None:
        retry = False
        try:
            response = self._session().post(
                self.config.url,
                data=json.dumps(notification.callback_payload()),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.config.bearer_token}"},
                timeout=self.config.timeout_s,
            )
            if 200 <= response.status_code < 300:
                outcome = "delivered"
            elif response.status_code >= 500 or response.status_code == 429:
                # Notify retries only these; any other 4xx drops the receipt (notify.md §3.2).
                outcome, retry = "retryable_error", True
            else:
                outcome = "rejected"
        except requests.RequestException as exc:
            logger.debug("callback for %s failed: %s", notification.id, exc)
            outcome, retry = "connection_error", True
        with self._lock:
            self._in_flight -= 1
            self.counts[outcome] += 1
            if retry and not self._stopping:
                if attempt < self.config.max_retries:
                    self.counts["retried"] += 1
                    self._push(time.monotonic() + self.config.retry_delay_s, notification, attempt + 1)
                else:
                    self.counts["gave_up"] += 1
