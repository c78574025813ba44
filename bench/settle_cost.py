"""What the settle time costs in time to deliver: one publish of texts through one `flask dispatch` worker with
default settings (NOTIFY_TIMEOUT_SECONDS 10, NOTIFY_SETTLE_SECONDS 75), against a simulator where a share of sends
is stored only after our client's timeout (`--late-store-*`) and a share is cut with nothing stored (`--drop-rate`,
so it must be resent). Prints one JSON line: seconds from publish until the outbox recorded each message, for
the messages Notify answered and for those whose outcome was unknown, plus duplicates and losses.

    python bench/settle_cost.py [--db sqlite] [--texts 200] [--settle 75]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/settle_cost.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--texts", type=int, default=200)
    parser.add_argument("--settle", type=float, default=None, help="NOTIFY_SETTLE_SECONDS (default: the setting's)")
    parser.add_argument("--late-store-rate", type=float, default=0.05)
    parser.add_argument("--late-store-delay", type=float, default=20.0, help="stored this long after the POST")
    parser.add_argument("--drop-rate", type=float, default=0.05)
    parser.add_argument("--duration", type=float, default=240.0)
    args = parser.parse_args(argv)

    logs = Path(tempfile.mkdtemp(prefix="bench-settle-"))
    url = harness.database_url(args.db)
    if args.db == "sqlite":
        harness.DEFAULT_SQLITE_PATH.unlink(missing_ok=True)
    app = harness.make_app(url)
    harness.reset_database(app)
    harness.seed_subscribers(app, args.texts, sms_share=1.0)
    simulator = harness.SimulatorProcess(
        log_path=logs / "simulator.log", latency_ms=0.0, rate_limit=3000,
        extra_args=["--latency", "uniform:75:225", "--late-store-rate", str(args.late_store_rate),
                    "--late-store-delay", str(args.late_store_delay), "--drop-rate", str(args.drop_rate)])
    extra = {} if args.settle is None else {"NOTIFY_SETTLE_SECONDS": str(args.settle)}
    env = harness.worker_env(url, simulator.base_url, rate_per_minute=2900, concurrency=64, extra=extra)
    worker = harness.WorkerProcess(env, log_path=logs / "worker.log")
    try:
        worker.wait_until_polling()
        published = harness.publish(app)
        deadline = time.monotonic() + args.duration
        while time.monotonic() < deadline:
            counts = harness.outbox_counts(app)
            if sum(counts.values()) >= published.messages and counts["queued"] + counts["sending"] == 0:
                break
            time.sleep(1)
    finally:
        worker.stop()
    accepted = simulator.notifications()
    stats = simulator.stats()
    simulator.stop()
    check = harness.reconcile(harness.outbox_rows(app), accepted)
    answered, unknown = _recorded_after(app, published.at)
    figures: dict[str, Any] = {
        "benchmark": "settle_cost", "db": args.db, "texts": published.messages,
        "settle_s": args.settle, "late_stored": stats["faults"].get("late_store", 0),
        "dropped": stats["faults"].get("drop", 0),
        "answered_p50_s": _q(answered, 0.5), "answered_max_s": _q(answered, 1.0),
        "unknown_count": len(unknown), "unknown_p50_s": _q(unknown, 0.5), "unknown_max_s": _q(unknown, 1.0),
        "duplicates": check.duplicates, "losses": check.lost + check.unrecorded + check.strays + check.unfinished,
        "outbox": check.by_status, "logs": str(logs),
    }
    print(json.dumps(figures), flush=True)
    return 0


def _recorded_after(app: Any, published_at: float) -> tuple[list[float], list[float]]:
    """Seconds from publish to `sent_at_utc`, for messages sent on their first attempt and for the others."""
    from sqlalchemy import select

    from alerts.extensions import db
    from alerts.models import Message

    with app.app_context():
        rows = db.session.execute(select(Message.sent_at_utc, Message.attempts)).all()
    answered = [row.sent_at_utc.timestamp() - published_at for row in rows if row.sent_at_utc and row.attempts == 1]
    unknown = [row.sent_at_utc.timestamp() - published_at for row in rows if row.sent_at_utc and row.attempts > 1]
    return answered, unknown


def _q(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if q < 1 else round(max(ordered), 1)


if __name__ == "__main__":
    sys.exit(main())
