"""Delivery under faults, against the Notify simulator: each test checks, from the simulator's own record, that
every message was accepted exactly once and that the outbox agrees.

Dispatch workers run as real `flask dispatch` processes where the fault is about processes (kill -9, several
workers, lost database connections). Every test is bounded in time and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from werkzeug.serving import make_server

from alerts.delivery import policy
from alerts.delivery.allowance import reset_allowance
from alerts.delivery.app_gateway import reset_gateway
from alerts.delivery.dispatcher import Dispatcher
from alerts.delivery.receipts import reconcile_sent_messages
from alerts.extensions import db
from alerts.models import utc_now
from bench import harness
from bench.notify_simulator import (
    DEFAULT_EMAIL_TEMPLATE_ID,
    DEFAULT_SMS_TEMPLATE_ID,
    CallbackConfig,
    FaultConfig,
    LatencyConfig,
    RunningSimulator,
    SimulatorConfig,
    start_simulator,
)

pytestmark = pytest.mark.faults

# Short enough that a killed worker's messages come back within the test; long enough for a slow POST.
LEASE_SECONDS = 8
TIMEOUT_SECONDS = 1.5
# Notify stores a late request this long after our client gave up; the settle time must outlast it.
LATE_STORE_SECONDS = TIMEOUT_SECONDS + 1.5
SETTLE_SECONDS = LATE_STORE_SECONDS + 1.5


def wait_until(condition: Callable[[], bool], timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s: {message}")
        time.sleep(0.1)


def unfinished(app: Flask) -> int:
    counts = harness.outbox_counts(app)
    return counts["queued"] + counts["sending"]


def assert_exactly_once(app: Flask, simulator: RunningSimulator, messages: int) -> None:
    """Every message accepted by Notify exactly once, under the Notify id the outbox recorded, and nothing else."""
    accepted = [{"id": n.id, "reference": n.reference, "created_at": n.created_at.isoformat()}
                for n in simulator.accepted()]
    check = harness.reconcile(harness.outbox_rows(app), accepted)
    assert check.messages == messages
    assert (check.duplicates, check.lost, check.unrecorded, check.strays, check.unfinished) == (0, 0, 0, 0, 0), check
    assert check.accepted == messages, check
    assert set(check.by_status) <= {"sent", "delivered"}, check


def publish_to(app: Flask, subscribers: int) -> int:
    """Publish a notice to `subscribers` confirmed subscribers and expand its fan-out into messages."""
    harness.seed_subscribers(app, subscribers)
    published = harness.publish(app)
    assert published.messages == subscribers
    # Running workers expand fan-outs too (one at a time per fan-out), so count the outbox, not this call.
    harness.expand(app)
    wait_until(lambda: sum(harness.outbox_counts(app).values()) == subscribers, 10, "the fan-out is expanded")
    return published.messages


@pytest.fixture(autouse=True)
def https_links(app: Flask) -> Iterator[None]:
    """Notify (and the simulator) refuse an email whose one-click unsubscribe link is not https."""
    previous = app.config["BASE_URL"]
    app.config["BASE_URL"] = harness.PUBLIC_BASE_URL
    yield
    app.config["BASE_URL"] = previous


@pytest.fixture
def database_url(app: Flask) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"]


@pytest.fixture
def simulators() -> Iterator[Callable[..., RunningSimulator]]:
    running: list[RunningSimulator] = []

    def start(**overrides: object) -> RunningSimulator:
        settings = {"rate_limit_per_minute": None, "receipt_delay_ms": 0.0, "seed": 7, **overrides}
        simulator = start_simulator(SimulatorConfig(**settings))  # type: ignore[arg-type]
        running.append(simulator)
        return simulator

    yield start
    for simulator in running:
        simulator.stop()


@pytest.fixture
def workers(database_url: str, tmp_path: Path) -> Iterator[Callable[..., harness.WorkerProcess]]:
    """Start `flask dispatch` worker processes pointed at a simulator; all are stopped after the test."""
    started: list[harness.WorkerProcess] = []

    def start(simulator: RunningSimulator, concurrency: int = 8) -> harness.WorkerProcess:
        env = harness.worker_env(database_url, simulator.base_url, rate_per_minute=600_000, concurrency=concurrency,
                                 extra={"NOTIFY_API_KEY": simulator.api_key,
                                        "NOTIFY_LEASE_SECONDS": str(LEASE_SECONDS),
                                        "NOTIFY_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
                                        "NOTIFY_SETTLE_SECONDS": str(SETTLE_SECONDS)})
        worker = harness.WorkerProcess(env, log_path=tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        worker.wait_until_polling()
        return worker

    yield start
    for worker in started:
        worker.stop(timeout=15)


@pytest.fixture
def simulated_notify(app: Flask) -> Iterator[Callable[[RunningSimulator], None]]:
    """Point this process's dispatcher at a simulator, with a short backoff so retries fit in a test."""
    names = ("NOTIFY_API_KEY", "NOTIFY_BASE_URL", "NOTIFY_SMS_TEMPLATE_ID", "NOTIFY_EMAIL_TEMPLATE_ID",
             "NOTIFY_RATE_LIMIT_PER_MINUTE", "NOTIFY_TIMEOUT_SECONDS", "NOTIFY_MAX_ATTEMPTS", "NOTIFY_SETTLE_SECONDS")
    previous = {name: app.config.get(name) for name in names}
    backoff = policy.BACKOFF_BASE_SECONDS

    def use(simulator: RunningSimulator) -> None:
        app.config.update(NOTIFY_API_KEY=simulator.api_key, NOTIFY_BASE_URL=simulator.base_url,
                          NOTIFY_SMS_TEMPLATE_ID=DEFAULT_SMS_TEMPLATE_ID,
                          NOTIFY_EMAIL_TEMPLATE_ID=DEFAULT_EMAIL_TEMPLATE_ID,
                          NOTIFY_RATE_LIMIT_PER_MINUTE=600_000, NOTIFY_TIMEOUT_SECONDS=TIMEOUT_SECONDS,
                          NOTIFY_MAX_ATTEMPTS=30, NOTIFY_SETTLE_SECONDS=SETTLE_SECONDS)
        policy.BACKOFF_BASE_SECONDS = 0.05
        reset_gateway(app)
        reset_allowance(app)

    yield use
    policy.BACKOFF_BASE_SECONDS = backoff
    app.config.update(previous)
    reset_gateway(app)
    reset_allowance(app)


def dispatch_until_done(app: Flask, timeout: float, **options: object) -> None:
    dispatcher = Dispatcher(app, **options)  # type: ignore[arg-type]
    try:
        deadline = time.monotonic() + timeout
        while unfinished(app):
            assert time.monotonic() < deadline, f"messages still unsent after {timeout} s"
            if not dispatcher.run_until_idle():
                time.sleep(0.05)  # retries wait for their backoff
    finally:
        dispatcher.close()


def test_a_worker_killed_mid_send_and_restarted_sends_every_message_exactly_once(
        app, simulators, workers) -> None:
    simulator = simulators(faults=FaultConfig(latency=LatencyConfig(kind="fixed", fixed_ms=200)))
    first = workers(simulator)
    messages = publish_to(app, 300)

    def sends_in_doubt() -> list[str]:
        """Messages Notify has accepted that the outbox still shows as `sending`: a kill now leaves them unknown."""
        accepted = {notification.reference for notification in simulator.accepted()}
        return [row[0] for row in harness.outbox_rows(app) if row[1] == "sending" and row[0] in accepted]

    def frozen_part_way() -> bool:
        """Freeze the worker, then look: a frozen worker cannot record an accepted send between the look and the
        kill (looking at a running one raced it, and the kill then found nothing left in doubt)."""
        first.signal(signal.SIGSTOP)
        if simulator.stats(False)["accepted"] >= 40 and sends_in_doubt():
            return True
        first.signal(signal.SIGCONT)
        return False

    wait_until(frozen_part_way, 20, "the first worker is part-way through a batch")
    first.kill()  # kill -9: POSTs in flight, accepted sends not yet recorded
    assert sends_in_doubt(), "the kill left sends that Notify accepted but the outbox had not recorded"
    workers(simulator)
    # The dead worker's rows come back when its lease expires, are looked up by reference, and are recorded.
    wait_until(lambda: unfinished(app) == 0, LEASE_SECONDS + 25, "the new worker finishes the send")
    assert_exactly_once(app, simulator, messages)


@pytest.mark.postgresql
@pytest.mark.parametrize("worker_count", [2, 3])
def test_several_workers_on_postgresql_send_every_message_exactly_once(app, simulators, workers,
                                                                       worker_count) -> None:
    simulator = simulators(faults=FaultConfig(latency=LatencyConfig(kind="uniform", min_ms=5, max_ms=40)))
    started = [workers(simulator, concurrency=6) for _ in range(worker_count)]
    messages = publish_to(app, 600)
    wait_until(lambda: unfinished(app) == 0, 30, "the workers finish the send")
    assert_exactly_once(app, simulator, messages)
    for worker in started:
        worker.stop(timeout=15)
    shares = [worker.log_path.read_text().count("Notify accepted") for worker in started]
    assert all(shares), f"every worker took a share: {shares}"


def cut_database_connections() -> int:
    """Terminate every other backend of this database: what the workers see when PostgreSQL restarts."""
    count = db.session.execute(text(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )).scalar_one()
    db.session.commit()
    return int(count)


def restart_postgresql() -> None:
    version = os.listdir("/etc/postgresql")[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                   timeout=60)
    deadline = time.monotonic() + 30
    while subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode != 0:
        assert time.monotonic() < deadline, "PostgreSQL did not come back within 30 s"
        time.sleep(0.5)


@pytest.mark.postgresql
def test_workers_losing_their_database_connections_mid_send_recover_and_send_every_message_exactly_once(
        app, simulators, workers) -> None:
    """Every worker connection is cut three times mid-send. Restarting the server itself is the same recovery path
    (connections fail, the pool reconnects) but disrupts everyone sharing it, so it runs only when
    ALERTS_FAULTS_RESTART_POSTGRESQL=1, as on a CI machine of its own."""
    simulator = simulators(faults=FaultConfig(latency=LatencyConfig(kind="fixed", fixed_ms=30)))
    started = [workers(simulator, concurrency=6) for _ in range(2)]
    messages = publish_to(app, 600)
    for threshold in (60, 180, 300):
        wait_until(lambda t=threshold: simulator.stats(False)["accepted"] >= t, 30, f"{threshold} sent")
        if os.environ.get("ALERTS_FAULTS_RESTART_POSTGRESQL") == "1" and threshold == 180:
            restart_postgresql()
        else:
            assert cut_database_connections() >= 2
    db.session.remove()
    wait_until(lambda: unfinished(app) == 0, LEASE_SECONDS + 40, "the workers finish the send")
    assert all(worker.alive() for worker in started), "the workers rode out the lost connections"
    assert_exactly_once(app, simulator, messages)


def test_server_errors_timeouts_dropped_connections_and_429_bursts_still_send_every_message_exactly_once(
        app, simulators, simulated_notify) -> None:
    # Notify may have stored a message before failing to answer: those POSTs must be looked up, never resent.
    simulator = simulators(faults=FaultConfig(
        error_500_rate=0.2, persist_before_500=True, timeout_rate=0.1, timeout_sleep_s=TIMEOUT_SECONDS + 1,
        drop_rate=0.03, persist_before_drop=True, burst_429_rate=0.03, burst_429_duration_ms=200,
    ))
    simulated_notify(simulator)
    messages = publish_to(app, 200)
    dispatch_until_done(app, timeout=45, concurrency=16)
    stats = simulator.stats(False)
    assert stats["faults"], "faults were injected"
    assert stats["sent_429"] > 0 and stats["responses_by_status"].get("500", 0) > 0
    assert stats["accepted_by_outcome"].get("timeout", 0) > 0
    assert_exactly_once(app, simulator, messages)


def test_sends_notify_stores_only_after_our_timeout_are_waited_for_looked_up_and_never_sent_twice(
        app, simulators, simulated_notify) -> None:
    """Notify incident: a share of requests is stored a second after our client gave up. A lookup by reference
    made before then finds nothing; only one made after the settle time, and again just before a resend, is safe."""
    simulator = simulators(faults=FaultConfig(late_store_rate=0.27, late_store_delay_s=LATE_STORE_SECONDS))
    simulated_notify(simulator)
    harness.seed_subscribers(app, 30, sms_share=1.0)
    assert harness.publish(app).messages == 30
    harness.expand(app)
    dispatch_until_done(app, timeout=60, concurrency=8)
    stats = simulator.stats(False)
    assert stats["accepted_by_outcome"].get("late_store", 0) > 0, "some sends were stored only after our timeout"
    assert_exactly_once(app, simulator, 30)


def test_a_worker_whose_clock_runs_fast_does_not_reclaim_a_message_whose_post_is_in_flight(
        app, simulators, simulated_notify, monkeypatch) -> None:
    simulator = simulators(faults=FaultConfig(latency=LatencyConfig(kind="fixed", fixed_ms=1000)))
    simulated_notify(simulator)
    messages = publish_to(app, 5)
    first = threading.Thread(target=dispatch_until_done, args=(app, 30), kwargs={"concurrency": 5})
    first.start()
    try:
        wait_until(lambda: harness.outbox_counts(app)["sending"] == messages, 5, "the first worker's POSTs start")
        # A second worker whose clock is ten minutes fast: by its clock every lease has long expired.
        fast = utc_now() + dt.timedelta(minutes=10)
        monkeypatch.setattr("alerts.data.outbox_claims.utc_now", lambda: fast)
        monkeypatch.setattr("alerts.data.channel_holds.utc_now", lambda: fast)
        monkeypatch.setattr("alerts.data.notify_statuses.utc_now", lambda: fast)
        monkeypatch.setattr("alerts.delivery.sender.utc_now", lambda: fast)
        skewed = Dispatcher(app, concurrency=5, worker="fast-clock")
        try:
            assert skewed.run_batch().claimed == [], "the database's clock says the leases still run"
        finally:
            skewed.close()
        monkeypatch.undo()
    finally:
        first.join(timeout=30)
    assert_exactly_once(app, simulator, messages)


@pytest.fixture
def callback_server(app: Flask) -> Iterator[str]:
    """This app serving /callbacks/notify on 127.0.0.1, so the simulator can post receipts to it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/callbacks/notify"
    server.shutdown()
    thread.join(timeout=5)


def test_lost_delivery_receipts_are_found_by_the_reconcile_job(app, simulators, simulated_notify,
                                                               callback_server) -> None:
    token = app.config["NOTIFY_CALLBACK_TOKEN"]
    simulator = simulators(callback=CallbackConfig(url=callback_server, bearer_token=token, lost_rate=0.3,
                                                   retry_delay_s=0.1))
    simulated_notify(simulator)
    messages = publish_to(app, 60)
    dispatch_until_done(app, timeout=20)
    assert simulator.wait_for_callbacks(15)
    lost = simulator.stats(False)["callbacks"]
    counts = harness.outbox_counts(app)
    assert counts["sent"] > 0, f"some receipts were lost: {counts}, {lost}"
    assert counts["delivered"] + counts["sent"] == messages

    # An hour on, the reconcile job asks Notify about every message still `sent`.
    changed = reconcile_sent_messages(app, now=utc_now() + dt.timedelta(hours=2), limit=1000)
    assert changed == counts["sent"]
    assert harness.outbox_counts(app) == {"delivered": messages}
    assert_exactly_once(app, simulator, messages)
