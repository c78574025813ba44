"""Token bucket matching Notify's per-minute API limit (notify.md §2.1)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """Refills at `rate_per_minute / 60` tokens a second up to `capacity`; each send takes one token."""

    def __init__(self, rate_per_minute: int, capacity: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate_per_minute = rate_per_minute
        self.capacity = capacity
        self._per_second = rate_per_minute / 60.0
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = float(capacity)
        self._updated = clock()

    def try_take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self._per_second)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False

    def tokens(self) -> float:
        with self._lock:
            now = self._clock()
            return min(self.capacity, self._tokens + (now - self._updated) * self._per_second)

    def refill(self) -> None:
        with self._lock:
            self._tokens = float(self.capacity)
            self._updated = self._clock()
