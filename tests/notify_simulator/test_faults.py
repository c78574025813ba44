from __future__ import annotations

import math
import random
import time
from typing import Any

import pytest
import requests
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTP503Error, HTTPError

from bench.notify_simulator import DEFAULT_SMS_TEMPLATE_ID, FaultConfig, LatencyConfig, RunningSimulator
from bench.notify_simulator.faults import FaultInjector, lognormal_params

from .conftest import MakeClient, StartSimulator


def send(client: NotificationsAPIClient, reference: str) -> dict[str, Any]:
    return client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}, reference=reference)


def outcomes(client: NotificationsAPIClient, count: int) -> dict[str, int]:
    seen = {"ok": 0, "500": 0, "429": 0, "no_response": 0}
    for n in range(count):
        try:
            send(client, f"ref-{n}")
            seen["ok"] += 1
        except HTTPError as error:
            if error.response is None:
                seen["no_response"] += 1
            else:
                seen[str(error.status_code)] += 1
    return seen


def test_fault_rates_roughly_hold(start: StartSimulator, make_client: MakeClient) -> None:
    faults = FaultConfig(error_500_rate=0.2, burst_429_rate=0.1, drop_rate=0.1)
    simulator = start(faults=faults, seed=7, rate_limit_per_minute=None)

    seen = outcomes(make_client(simulator), 400)

    # Precedence is 429 burst, then 500, then drop, so the later faults see only what the earlier ones left.
    assert 400 * 0.1 * 0.6 < seen["429"] < 400 * 0.1 * 1.5
    assert 400 * 0.9 * 0.2 * 0.7 < seen["500"] < 400 * 0.9 * 0.2 * 1.3
    assert 400 * 0.72 * 0.1 * 0.5 < seen["no_response"] < 400 * 0.72 * 0.1 * 1.6
    stats = simulator.stats()
    assert stats["faults"] == {"burst_429": seen["429"], "error_500": seen["500"], "drop": seen["no_response"]}
    assert stats["accepted"] == seen["ok"]


def test_the_same_seed_gives_the_same_fault_sequence() -> None:
    config = FaultConfig(error_500_rate=0.3, drop_rate=0.2, latency=LatencyConfig(kind="uniform", max_ms=5))
    first, second = FaultInjector(config, seed=42), FaultInjector(config, seed=42)

    plans = [first.plan() for _ in range(200)]
    assert plans == [second.plan() for _ in range(200)]
    assert sum(p.error_500 for p in plans) > 0
    first.reset()
    assert [first.plan() for _ in range(20)] == plans[:20]


def test_a_500_body_matches_notifys_and_nothing_is_persisted_by_default(
    start: StartSimulator, make_client: MakeClient
) -> None:
    simulator = start(faults=FaultConfig(error_500_rate=1.0))

    with pytest.raises(HTTPError) as failure:
        send(make_client(simulator), "r")

    assert failure.value.status_code == 500
    assert failure.value.response.json() == {
        "status_code": 500,
        "errors": [{"error": "Exception", "message": "Internal server error"}],
    }
    assert simulator.accepted() == []


def test_a_500_can_follow_persisting_the_notification(start: StartSimulator, make_client: MakeClient) -> None:
    simulator = start(faults=FaultConfig(error_500_rate=1.0, persist_before_500=True))

    with pytest.raises(HTTPError):
        send(make_client(simulator), "persisted-then-500")

    assert [(n.reference, n.outcome) for n in simulator.accepted()] == [("persisted-then-500", "error_500")]


def test_a_timeout_persists_the_notification_but_the_client_gives_up(
    start: StartSimulator, make_client: MakeClient
) -> None:
    simulator = start(faults=FaultConfig(timeout_rate=1.0, timeout_sleep_s=1.0))
    started = time.monotonic()

    with pytest.raises(HTTP503Error) as failure:
        send(make_client(simulator, timeout=0.2), "ambiguous")

    assert time.monotonic() - started < 0.9
    assert isinstance(failure.value.__cause__, requests.Timeout)
    assert [(n.reference, n.outcome) for n in simulator.accepted()] == [("ambiguous", "timeout")]
    assert simulator.stats()["faults"] == {"timeout": 1}


def test_a_dropped_connection_has_no_response_and_may_persist(start: StartSimulator, make_client: MakeClient) -> None:
    simulator = start(faults=FaultConfig(drop_rate=1.0, persist_before_drop=True))

    with pytest.raises(HTTP503Error) as failure:
        send(make_client(simulator), "dropped")

    assert failure.value.response is None
    assert isinstance(failure.value.__cause__, requests.ConnectionError)
    assert [n.outcome for n in simulator.accepted()] == ["drop"]


def test_fixed_latency_delays_the_answer(start: StartSimulator, make_client: MakeClient) -> None:
    simulator = start(faults=FaultConfig(latency=LatencyConfig(kind="fixed", fixed_ms=60)))
    client = make_client(simulator)
    started = time.perf_counter()

    send(client, "slow")

    assert time.perf_counter() - started >= 0.06
    assert simulator.stats()["faults"] == {"latency": 1}


def test_lognormal_latency_has_the_requested_mean_and_p99() -> None:
    mu, sigma = lognormal_params(mean_ms=20, p99_ms=120)
    rng = random.Random(1)
    samples = sorted(rng.lognormvariate(mu, sigma) for _ in range(50_000))

    assert math.isclose(sum(samples) / len(samples), 20, rel_tol=0.05)
    assert math.isclose(samples[int(len(samples) * 0.99)], 120, rel_tol=0.08)


def test_fault_rates_change_at_run_time_over_http(simulator: RunningSimulator, make_client: MakeClient) -> None:
    client = make_client(simulator)
    response = requests.post(f"{simulator.base_url}/_simulator/config", json={"error_500_rate": 1.0}, timeout=2)
    assert response.json()["faults"]["error_500_rate"] == 1.0

    with pytest.raises(HTTPError):
        send(client, "fails")
    requests.post(f"{simulator.base_url}/_simulator/config", json={"error_500_rate": 0.0}, timeout=2)
    send(client, "works")

    bad = requests.post(f"{simulator.base_url}/_simulator/config", json={"error_rate": 2}, timeout=2)
    assert bad.status_code == 400
    assert "unknown fault settings: error_rate" in bad.json()["error"]
