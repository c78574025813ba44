"""Dispatch benchmark: N confirmed subscribers, one publish, W `flask dispatch` worker processes, and the Notify
simulator in its own process at a given latency and per-minute limit. Prints one JSON line of figures.

    python bench/dispatch.py --db postgresql --subscribers 20000 --workers 2 --latency-ms 150 --rate 2900
    python bench/dispatch.py --db sqlite --subscribers 6000 --latency uniform:75:225 --rate 5800
    python bench/dispatch.py --db postgresql --subscribers 2000 --digests 50000 --duration 30

With --digests N, N daily digests are queued (as at DIGEST_HOUR) before the severe notice is published, and
`first_alert_s` says how long its first message waited to reach the simulator: most urgent first means it goes
before every digest.

The run ends when every message is sent or after --duration seconds, whichever comes first, so it is always
bounded. Utilisation is measured on the steady window between --warmup seconds after the first send and the
end of sending. See bench/README.md for the figures and what they mean.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/dispatch.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask

from bench import harness
from config.settings import Config

# Notify allows 3,000 a minute; we configure 2,900 so clock drift between the buckets never costs a 429.
NOTIFY_LIMIT_PER_CONFIGURED = 3000 / 2900


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--subscribers", type=int, default=20_000, help="confirmed subscribers, one message each")
    parser.add_argument("--sms-share", type=float, default=0.5, help="fraction of subscribers who chose texts")
    parser.add_argument("--workers", type=int, default=1, help="dispatch worker processes")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="NOTIFY_CONCURRENCY, the cap on sends in flight per worker (default: the setting's)")
    parser.add_argument("--latency-ms", type=float, default=150.0, help="the simulator's added latency per send")
    parser.add_argument("--latency", default=None, metavar="SPEC",
                        help="latency that varies: uniform:MIN:MAX or lognormal:MEAN:P99 (ms); replaces --latency-ms")
    parser.add_argument("--rate", type=int, default=2900, help="NOTIFY_RATE_LIMIT_PER_MINUTE, our allowance")
    parser.add_argument("--notify-limit", type=int, default=None,
                        help="the simulator's per-minute limit (default: Notify's 3,000 for each 2,900 of --rate)")
    parser.add_argument("--unlimited", action="store_true", help="the simulator enforces no limit")
    parser.add_argument("--duration", type=float, default=180.0, help="stop sending after this many seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds after the first send left out of the "
                        "steady window (the bucket starts full)")
    parser.add_argument("--cooldown", type=float, default=5.0, help="seconds before the last acceptance left out of "
                        "the steady window when the run drained (the last sends' acceptances trail their tokens by "
                        "their latency, up to seconds with a long tail, while nothing is left to send)")
    parser.add_argument("--allowance-storage", default="database", help="NOTIFY_RATE_LIMIT_STORAGE for the workers")
    parser.add_argument("--premade", action="store_true",
                        help="publish and expand the fan-out into messages before the workers start, so the "
                        "measurement holds sending only (rendering is measured by bench/fanout.py)")
    parser.add_argument("--digests", type=int, default=0,
                        help="daily digests queued before the publish (most urgent first: the alert goes first)")
    parser.add_argument("--logs", type=Path, default=None, help="folder for the processes' logs")
    return parser


def run(args: argparse.Namespace, *, benchmark: str = "dispatch",
        before_workers: Callable[[Flask], dict[str, Any]] | None = None,
        after_workers: Callable[[Flask], dict[str, Any]] | None = None) -> dict[str, Any]:
    """`after_workers(app)` runs once the workers and the simulator have stopped, before the figures are worked out.
    `before_workers(app)` runs once the database is seeded (and, with --premade, the messages made), before any
    worker starts; its figures join the result."""
    logs = args.logs or Path(tempfile.mkdtemp(prefix=f"bench-{benchmark}-"))
    logs.mkdir(parents=True, exist_ok=True)
    url = harness.database_url(args.db)
    if args.db == "sqlite":
        harness.DEFAULT_SQLITE_PATH.unlink(missing_ok=True)
    app = harness.make_app(url)
    harness.reset_database(app)
    seed_started = time.monotonic()
    harness.seed_subscribers(app, args.subscribers, sms_share=args.sms_share)
    seed_seconds = time.monotonic() - seed_started
    published: harness.Published | None = None
    premade_seconds = None
    if args.premade:
        published = harness.publish(app)
        premade_started = time.monotonic()
        harness.expand(app)
        premade_seconds = round(time.monotonic() - premade_started, 1)
    extra = before_workers(app) if before_workers is not None else {}
    if getattr(args, "digests", 0):
        extra["digests_queued"] = _queue_digests(app, args.digests)

    notify_limit = None if args.unlimited else (args.notify_limit or round(args.rate * NOTIFY_LIMIT_PER_CONFIGURED))
    latency_args = ["--latency", args.latency] if args.latency else []
    simulator = harness.SimulatorProcess(log_path=logs / "simulator.log",
                                         latency_ms=0.0 if args.latency else args.latency_ms,
                                         rate_limit=notify_limit, extra_args=latency_args)
    concurrency = args.concurrency or int(Config.NOTIFY_CONCURRENCY)
    env = harness.worker_env(url, simulator.base_url, rate_per_minute=args.rate, concurrency=concurrency,
                             extra={"NOTIFY_RATE_LIMIT_STORAGE": args.allowance_storage})
    workers = [harness.WorkerProcess(env, log_path=logs / f"worker-{n}.log") for n in range(args.workers)]
    try:
        for worker in workers:
            worker.wait_until_polling()
        cpu_before = {worker.pid: _cpu_seconds(worker.pid) for worker in workers}
        if published is None:
            published = harness.publish(app)
        drained, peak_rss = _wait_for_sending(app, simulator, workers, published, args.duration)
        stopped_at = time.time()
        cpu_during = {worker.pid: _cpu_seconds(worker.pid) - cpu_before[worker.pid] for worker in workers}
    finally:
        usages = [worker.stop() for worker in workers]
    try:
        stats = simulator.stats()
        accepted = simulator.notifications()
    finally:
        simulator_usage = simulator.stop()

    if after_workers is not None:
        extra.update(after_workers(app))
    assert published is not None  # published before the workers start, or once they poll
    check = harness.reconcile(harness.outbox_rows(app), accepted)
    times = harness.accepted_times(accepted)
    sent = len(times)
    figures: dict[str, Any] = {
        "benchmark": benchmark,
        "db": args.db,
        "subscribers": args.subscribers,
        "messages": published.messages,
        "workers": args.workers,
        "concurrency": concurrency,
        "latency_ms": args.latency or args.latency_ms,
        "rate_per_minute": args.rate,
        "notify_limit_per_minute": notify_limit,
        "allowance_storage": args.allowance_storage,
        "seed_seconds": round(seed_seconds, 1),
        "drained": drained,
        "sent": sent,
        # With --premade the messages were made before the workers started: publish-to-first-send means nothing.
        "first_send_s": round(times[0] - published.at, 3) if times and not args.premade else None,
        "premade_seconds": premade_seconds,
    }
    if times:
        last = times[-1] if drained else min(stopped_at, times[-1])
        start = min(times[0] + args.warmup, last)
        end = max(start, last - args.cooldown) if drained else last
        window = end - start
        in_window = sum(1 for t in times if start <= t <= end)
        figures["steady_window_s"] = round(window, 1)
        figures["sustained_per_s"] = round(in_window / window, 1) if window > 0 else None
        began = times[0] if args.premade else published.at
        figures["overall_per_s"] = round(sent / (times[-1] - began), 1) if times[-1] > began else None
        allowance = args.rate / 60 * window
        figures["utilisation"] = round(in_window / allowance, 4) if window > 0 else None
        # The same up to the last acceptance (the figure before --cooldown), for comparison with earlier runs.
        to_last = last - start
        figures["utilisation_to_last"] = (
            round(sum(1 for t in times if start <= t <= last) / (args.rate / 60 * to_last), 4) if to_last > 0 else None)
    figures.update({
        "notify_429s": stats["sent_429"],
        "duplicates": check.duplicates,
        "losses": check.lost + check.unrecorded + check.strays + (check.unfinished if drained else 0),
        "unfinished": check.unfinished,
        "outbox": check.by_status,
        "cpu_s_per_1000": round(sum(cpu_during.values()) / sent * 1000, 2) if sent else None,
        "worker_cpu_s": [round(value, 1) for value in cpu_during.values()],
        "worker_peak_rss_mb": [usage.peak_rss_mb for usage in usages],
        "worker_rss_sampled_max_mb": round(peak_rss, 1),
        "simulator_cpu_s": round(simulator_usage.cpu_seconds, 1),
        "machine": harness.machine(),
        "logs": str(logs),
    })
    figures.update(extra)
    if getattr(args, "digests", 0):
        figures["first_alert_s"] = _first_alert_wait(app, accepted, published)
    return figures


def _queue_digests(app: Flask, count: int) -> int:
    """`count` digest emails, due now, as the daily digest job queues them (one executemany, not ORM objects)."""
    from alerts.extensions import db
    from alerts.models import Channel, Message, MessageKind, MessageStatus, utc_now
    from alerts.models.base import new_uuid
    from alerts.models.messages import PRIORITY_BULK

    with app.app_context():
        now = utc_now()
        rows = [{"id": new_uuid(), "kind": MessageKind.DIGEST, "channel": Channel.EMAIL,
                 "status": MessageStatus.QUEUED, "priority": PRIORITY_BULK, "recipient": f"reader{n}@example.com",
                 "subject": "Today's notices: 2 notices", "body": "Bins a day late.\n\nGarden waste paused.",
                 "attempts": 0, "outcome_unknown": False, "next_attempt_at_utc": now, "created_at_utc": now,
                 "updated_at_utc": now} for n in range(count)]
        for start in range(0, count, 5000):
            db.session.execute(Message.__table__.insert(), rows[start:start + 5000])  # type: ignore[attr-defined]
        db.session.commit()
    return count


def _first_alert_wait(app: Flask, accepted: list[dict[str, Any]], published: harness.Published) -> float | None:
    """Seconds from the publish to the simulator accepting the notice's first message."""
    from sqlalchemy import select

    from alerts.extensions import db
    from alerts.models import Message

    with app.app_context():
        ids = set(db.session.scalars(select(Message.id).where(Message.notice_id == published.notice_id)))
    times = harness.accepted_times([record for record in accepted if record["reference"] in ids])
    return round(times[0] - published.at, 3) if times else None


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process (all its threads), from /proc."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for_sending(app: Any, simulator: harness.SimulatorProcess, workers: list[harness.WorkerProcess],
                      published: harness.Published, duration: float) -> tuple[bool, float]:
    """Until every message has left the queue or `duration` has passed. Returns (drained, sampled peak RSS)."""
    deadline = time.monotonic() + duration
    peak_rss = 0.0
    last_db_check = 0.0
    while time.monotonic() < deadline:
        peak_rss = max([peak_rss, *(worker.rss_mb() for worker in workers)])
        if any(not worker.alive() for worker in workers):
            raise RuntimeError("a dispatch worker exited during the run; see its log")
        if simulator.stats()["accepted"] >= published.messages or time.monotonic() - last_db_check > 10:
            last_db_check = time.monotonic()
            counts = harness.outbox_counts(app)
            # Drained once the fan-out has made every message and none is waiting.
            if sum(counts.values()) >= published.messages and counts["queued"] + counts["sending"] == 0:
                return True, peak_rss
        time.sleep(0.5)
    return False, peak_rss


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    print(json.dumps(run(args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
