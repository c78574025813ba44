"""One sending allowance for the whole service: a token bucket shared by every worker process.

Notify allows 3,000 requests a minute per key type, counted on a rolling basis, and answers 429 beyond it.
Each worker takes a token before each POST. The bucket lives in the database (one row updated atomically) or,
when NOTIFY_RATE_LIMIT_STORAGE is a redis:// URL, in Redis (one Lua script, atomic on the server).

The bucket holds at most one second's worth of tokens and refills at the rest of the minute's allowance, so in
any 60-second window it grants at most NOTIFY_RATE_LIMIT_PER_MINUTE, however many workers draw on it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from flask import Flask

from alerts.data import rate_buckets

BUCKET_NAME = "notify"
_EXTENSION_KEY = "alerts_notify_allowance"

Clock = Callable[[], float]


@dataclass(frozen=True)
class BucketShape:
    capacity: float
    per_second: float


def bucket_shape(per_minute: int) -> BucketShape:
    """Burst `capacity` plus 60 s of refill equals `per_minute`: no 60-second window can see more."""
    if per_minute < 1:
        raise ValueError("NOTIFY_RATE_LIMIT_PER_MINUTE must be at least 1")
    capacity = max(1, per_minute // 60)
    return BucketShape(capacity=float(capacity), per_second=max(per_minute - capacity, 1) / 60)


class Allowance(Protocol):
    def take(self, count: int = 1) -> float:
        """Take `count` tokens: 0.0 if granted, else the seconds to wait before trying again."""
        ...


class DatabaseAllowance:
    def __init__(self, app: Flask, per_minute: int, *, name: str = BUCKET_NAME, clock: Clock = time.time) -> None:
        self._app = app
        self._shape = bucket_shape(per_minute)
        self._name = name
        self._clock = clock

    def take(self, count: int = 1) -> float:
        # Its own app context, so its own short session: released before the caller's HTTP call.
        with self._app.app_context():
            return rate_buckets.take_tokens(self._name, count, now=self._clock(), capacity=self._shape.capacity,
                                            per_second=self._shape.per_second)


_REDIS_TAKE = """
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
local now, capacity, per_second, count = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if tokens == nil or at == nil then tokens = capacity; at = now end
if now > at then tokens = math.min(capacity, tokens + (now - at) * per_second); at = now end
local wait = 0
if tokens >= count then tokens = tokens - count else wait = (count - tokens) / per_second end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%.6f', at))
redis.call('EXPIRE', KEYS[1], 3600)
return string.format('%.6f', wait)
"""


class RedisAllowance:
    def __init__(self, url: str, per_minute: int, *, name: str = BUCKET_NAME, clock: Clock = time.time) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._script = self._redis.register_script(_REDIS_TAKE)
        self._shape = bucket_shape(per_minute)
        self._key = f"alerts:rate-bucket:{name}"
        self._clock = clock

    def take(self, count: int = 1) -> float:
        wait = self._script(keys=[self._key],
                            args=[f"{self._clock():.6f}", self._shape.capacity, self._shape.per_second, count])
        return float(wait)


class LocalReserve:
    """Takes tokens from the shared bucket several at a time and hands them to this process's threads one by one.

    Each take from the shared bucket is a database transaction (or a Redis call). Taking `batch` at once, when the
    bucket holds that many, makes it one transaction per `batch` sends instead of one per send: most of a
    worker's CPU went on those transactions. When the bucket holds fewer (the allowance is the limit, so there is
    CPU to spare) it takes one at a time as before. Tokens kept longer than `max_age` are dropped unused, so a
    worker never bunches up old tokens with new ones: every token is still granted by the shared bucket, so no
    60-second window sees more than the allowance, and a token's send starts within `max_age` of its grant.
    """

    def __init__(self, shared: Allowance, batch: int, *, max_age: float = 0.5,
                 clock: Clock = time.monotonic) -> None:
        self._shared = shared
        self._batch = max(1, batch)
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        # One entry per token kept, holding when the shared bucket granted it. A thread takes one with an atomic
        # popleft and no lock: at hundreds of sends a second, dozens of threads queueing on one lock cost more CPU
        # than the bucket's transactions.
        self._kept: deque[float] = deque()
        self._next_token_at = 0.0

    def take(self, count: int = 1) -> float:
        if count == 1:
            try:
                granted_at = self._kept.popleft()
            except IndexError:
                pass
            else:
                if self._clock() - granted_at <= self._max_age:
                    return 0.0
                self._kept.clear()  # kept too long: dropped unused, as are the rest of its batch
        # One thread at a time asks the shared bucket: the others then find tokens here instead of queueing on the
        # bucket's row.
        with self._lock:
            now = self._clock()
            if self._kept and now - self._kept[-1] > self._max_age:
                self._kept.clear()
            if len(self._kept) >= count:
                for _ in range(count):
                    self._kept.popleft()
                return 0.0
            # The bucket said when the next token is due: until then every thread waits without asking again, so
            # sixteen idle threads cost one query per token rather than sixteen.
            if now < self._next_token_at:
                return self._next_token_at - now
            batch_wait = None
            if self._batch > count:
                batch_wait = self._shared.take(self._batch)
                if batch_wait <= 0:
                    self._kept.extend([now] * (self._batch - count))
                    return 0.0
            wait = self._shared.take(count)
            if wait > 0 and batch_wait is not None and batch_wait <= self._max_age:
                # The bucket is empty: the allowance is the limit. Wait for a batch's worth and take it in one query,
                # not one query per token (at 5,800 a minute that is a transaction every 10 ms on the bucket's row).
                wait = max(wait, batch_wait)
            self._next_token_at = now + wait if wait > 0 else 0.0
            return wait


def acquire(allowance: Allowance, *, stop: threading.Event | None = None, timeout: float | None = None,
            sleep: Callable[[float], bool] | None = None) -> bool:
    """Wait for one token. False if `stop` is set or `timeout` passes first: the caller must not send."""
    stop = stop or threading.Event()
    wait_for = sleep or stop.wait
    deadline = None if timeout is None else time.monotonic() + timeout
    while not stop.is_set():
        wait = allowance.take(1)
        if wait <= 0:
            return True
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            wait = min(wait, remaining)
        if wait_for(wait):
            return False
    return False


def get_allowance(app: Flask) -> Allowance:
    allowance = app.extensions.get(_EXTENSION_KEY)
    if allowance is None:
        per_minute = int(app.config["NOTIFY_RATE_LIMIT_PER_MINUTE"])
        storage = app.config.get("NOTIFY_RATE_LIMIT_STORAGE") or "database"
        if storage.startswith(("redis://", "rediss://", "unix://")):
            allowance = RedisAllowance(storage, per_minute)
        elif storage == "database":
            allowance = DatabaseAllowance(app, per_minute)
        else:
            raise ValueError("NOTIFY_RATE_LIMIT_STORAGE must be 'database' or a redis:// URL")
        app.extensions[_EXTENSION_KEY] = allowance
    return allowance


def reset_allowance(app: Flask) -> None:
    app.extensions.pop(_EXTENSION_KEY, None)
