"""Seeded fault decisions for each send request."""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass

from .config import FaultConfig, LatencyConfig, validate_faults

# z-score of the 99th percentile of a standard normal distribution.
_Z99 = 2.3263478740408408


@dataclass(frozen=True)
class FaultPlan:
    latency_s: float = 0.0
    burst_429: bool = False
    error_500: bool = False
    timeout: bool = False
    drop: bool = False
    late_store: bool = False
    technical_failure: bool = False


NO_FAULTS = FaultPlan()


def lognormal_params(mean_ms: float, p99_ms: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal whose mean and 99th percentile are the given values."""
    # mean = exp(mu + s^2/2) and p99 = exp(mu + z*s), so s^2/2 - z*s + ln(p99/mean) = 0; take the smaller root.
    gap = math.log(p99_ms / mean_ms)
    sigma = _Z99 - math.sqrt(_Z99 * _Z99 - 2.0 * gap)
    mu = math.log(mean_ms) - sigma * sigma / 2.0
    return mu, sigma


class FaultInjector:
    """Draws every decision from one seeded RNG in a fixed order, so a run is repeatable for a given arrival order."""

    def __init__(self, config: FaultConfig, seed: int) -> None:
        validate_faults(config)
        self._lock = threading.Lock()
        self._seed = seed
        self._rng = random.Random(seed)
        self._config = config
        self._lognormal = self._lognormal_for(config.latency)
        self._burst_until = 0.0

    @property
    def config(self) -> FaultConfig:
        return self._config

    def configure(self, config: FaultConfig) -> None:
        validate_faults(config)
        with self._lock:
            self._config = config
            self._lognormal = self._lognormal_for(config.latency)
            self._burst_until = 0.0

    def reset(self) -> None:
        with self._lock:
            self._rng = random.Random(self._seed)
            self._burst_until = 0.0

    def plan(self) -> FaultPlan:
        config = self._config
        if _is_quiet(config):
            return NO_FAULTS
        with self._lock:
            rng = self._rng
            # Draw all five numbers every time so one rate changing does not shift the others' sequence.
            latency_draw, burst_draw, error_draw, timeout_draw, drop_draw = (rng.random() for _ in range(5))
            # Drawn only when the fault is on, so runs without it keep the sequences they always had.
            late_store = config.late_store_rate > 0 and rng.random() < config.late_store_rate
            technical_failure = config.technical_failure_rate > 0 and rng.random() < config.technical_failure_rate
            latency_s = self._sample_latency(config.latency, rng) if latency_draw < config.latency.rate else 0.0
            now = time.monotonic()
            burst = now < self._burst_until
            if not burst and burst_draw < config.burst_429_rate:
                burst = True
                self._burst_until = now + config.burst_429_duration_ms / 1000.0
        return FaultPlan(
            latency_s=latency_s,
            burst_429=burst,
            error_500=error_draw < config.error_500_rate,
            timeout=timeout_draw < config.timeout_rate,
            drop=drop_draw < config.drop_rate,
            late_store=late_store,
            technical_failure=technical_failure,
        )

    def _sample_latency(self, latency: LatencyConfig, rng: random.Random) -> float:
        if latency.kind == "fixed":
            return latency.fixed_ms / 1000.0
        if latency.kind == "uniform":
            return rng.uniform(latency.min_ms, latency.max_ms) / 1000.0
        if latency.kind == "lognormal" and self._lognormal is not None:
            mu, sigma = self._lognormal
            return rng.lognormvariate(mu, sigma) / 1000.0
        return 0.0

    @staticmethod
    def _lognormal_for(latency: LatencyConfig) -> tuple[float, float] | None:
        if latency.kind != "lognormal":
            return None
        return lognormal_params(latency.mean_ms, latency.p99_ms)


def _is_quiet(config: FaultConfig) -> bool:
    # The fast path keeps the zero-fault benchmark free of lock contention.
    return (
        (config.latency.kind == "none" or config.latency.rate == 0.0)
        and config.burst_429_rate == 0.0
        and config.error_500_rate == 0.0
        and config.timeout_rate == 0.0
        and config.drop_rate == 0.0
        and config.late_store_rate == 0.0
        and config.technical_failure_rate == 0.0
    )
