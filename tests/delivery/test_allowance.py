import os
import threading
import uuid

import pytest

from alerts.delivery.allowance import DatabaseAllowance, LocalReserve, RedisAllowance, acquire, bucket_shape

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class FakeClock:
    def __init__(self, now: float = 1_767_225_600.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def take_from_threads(allowance, threads: int = 8, tries: int = 40) -> int:
    granted = []
    start = threading.Barrier(threads)

    def worker() -> None:
        start.wait()
        granted.append(sum(1 for _ in range(tries) if allowance.take(1) == 0))

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(granted)


def test_the_bucket_holds_one_seconds_worth_and_refills_the_rest_of_the_minute() -> None:
    shape = bucket_shape(2900)
    assert shape.capacity == 48
    assert shape.capacity + 60 * shape.per_second == pytest.approx(2900)


def test_no_60_second_window_is_granted_more_than_the_rate(app) -> None:
    clock = FakeClock()
    allowance = DatabaseAllowance(app, 120, name=f"test-{uuid.uuid4()}", clock=clock)
    grants = []
    for _ in range(180 * 4):  # three minutes of someone asking four times a second, twice each
        for _ in range(2):
            if allowance.take(1) == 0:
                grants.append(clock.now)
        clock.now += 0.25
    for start in grants:
        assert sum(1 for at in grants if start <= at < start + 60) <= 120
    assert len(grants) >= 3 * 118, "the allowance is used, not just capped"


def test_a_refused_take_says_how_long_to_wait(app) -> None:
    clock = FakeClock()
    allowance = DatabaseAllowance(app, 60, name=f"test-{uuid.uuid4()}", clock=clock)
    assert allowance.take(1) == 0
    assert allowance.take(1) == pytest.approx(60 / 59, rel=1e-3)


def test_a_lagging_clock_never_mints_tokens(app) -> None:
    clock = FakeClock()
    name = f"test-{uuid.uuid4()}"
    allowance = DatabaseAllowance(app, 60, name=name, clock=clock)
    assert allowance.take(1) == 0
    clock.now -= 3600
    assert allowance.take(1) > 0


def test_workers_sharing_the_database_bucket_never_get_more_than_the_rate(app) -> None:
    clock = FakeClock()
    name = f"test-{uuid.uuid4()}"
    # Separate allowances, as separate workers would have: each take is its own session and connection.
    workers = [DatabaseAllowance(app, 600, name=name, clock=clock) for _ in range(4)]
    first_second = sum(take_from_threads(worker, threads=2, tries=20) for worker in workers)
    assert first_second == 10  # the burst: one second's worth, however many ask at once
    clock.now += 60
    assert first_second + take_from_threads(workers[0], threads=8, tries=100) <= 600


def test_acquire_waits_for_a_token_and_gives_up_when_told_to_stop(app) -> None:
    clock = FakeClock()
    allowance = DatabaseAllowance(app, 60, name=f"test-{uuid.uuid4()}", clock=clock)
    waits = []

    def sleep(seconds: float) -> bool:
        waits.append(seconds)
        clock.now += seconds
        return False

    assert acquire(allowance, sleep=sleep)
    assert acquire(allowance, sleep=sleep)
    assert waits == [pytest.approx(60 / 59, rel=1e-3)]
    stop = threading.Event()
    stop.set()
    assert not acquire(allowance, stop=stop)


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")


def test_workers_sharing_a_redis_bucket_never_get_more_than_the_rate() -> None:
    _redis_or_skip()
    clock = FakeClock()
    name = f"test-{uuid.uuid4()}"
    workers = [RedisAllowance(REDIS_URL, 600, name=name, clock=clock) for _ in range(4)]
    first_second = sum(take_from_threads(worker, threads=2, tries=20) for worker in workers)
    assert first_second == 10
    clock.now += 60
    assert first_second + take_from_threads(workers[0], threads=8, tries=100) <= 600


class CountingBucket:
    """A shared bucket that grants `available` tokens, then asks callers to wait a second."""

    def __init__(self, available: int) -> None:
        self.available = available
        self.calls: list[int] = []

    def take(self, count: int = 1) -> float:
        self.calls.append(count)
        if self.available >= count:
            self.available -= count
            return 0.0
        return 1.0


def test_a_local_reserve_takes_tokens_from_the_shared_bucket_several_at_a_time() -> None:
    shared = CountingBucket(available=8)
    reserve = LocalReserve(shared, batch=4, clock=lambda: 100.0)
    assert [reserve.take(1) for _ in range(8)] == [0.0] * 8
    assert shared.calls == [4, 4], "two queries for eight sends"


def test_a_local_reserve_drops_tokens_it_has_kept_too_long() -> None:
    now = [100.0]
    shared = CountingBucket(available=8)
    reserve = LocalReserve(shared, batch=4, max_age=0.5, clock=lambda: now[0])
    assert reserve.take(1) == 0.0
    now[0] += 0.6
    assert reserve.take(1) == 0.0
    assert shared.calls == [4, 4], "the three old tokens were not used"


def test_a_local_reserve_falls_back_to_single_tokens_and_waits_without_asking_again() -> None:
    now = [100.0]
    shared = CountingBucket(available=1)
    reserve = LocalReserve(shared, batch=4, clock=lambda: now[0])
    assert reserve.take(1) == 0.0, "fewer than a batch left: one token is still granted"
    assert reserve.take(1) == 1.0
    now[0] += 0.25
    assert reserve.take(1) == pytest.approx(0.75)
    assert shared.calls == [4, 1, 4, 1], "the waiting thread did not query the bucket again"
