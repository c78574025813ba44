"""/healthz at a large backlog, on PostgreSQL: it reads the count the scheduler keeps, so its time must not grow with
the queue. Prints one JSON line.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<yours> python bench/healthz.py --queued 1000000

It DROPS EVERY TABLE in the database it is given. The queued messages are made by one INSERT … SELECT over
generate_series (a million in well under a minute), then `ANALYZE`. It times, through the real app:

- `summary_ms`: one run of the scheduler's count (`operations.record_outbox_summary`), the job every few seconds;
- `healthz_median_ms`, `healthz_p95_ms`, `healthz_max_ms`: `--repeat` requests to /healthz after one warm-up;
- `live_count_median_ms`: the count /healthz made on every request before (`operations.outbox_summary`), for
  comparison.

`--small` runs 1,000 queued and 20 requests and checks no target, for the test that checks this script still runs.
Otherwise exits 1 when the median is over `--target-ms` (5).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/healthz.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from bench import harness


def fill_queue(count: int) -> None:
    """`count` queued texts, oldest first, in one statement. Call in an app context."""
    from alerts.extensions import db

    db.session.execute(text("""
        INSERT INTO messages (id, kind, channel, status, priority, recipient, body, attempts, outcome_unknown,
                              next_attempt_at_utc, created_at_utc, updated_at_utc)
        SELECT '00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'), 'alert', 'sms', 'queued', 10,
               '+447400' || lpad((n % 1000000)::text, 6, '0'), 'Bin collections are suspended.', 0, false,
               now() + interval '1 hour', now() - (:count - n) * interval '1 millisecond',
               now() - (:count - n) * interval '1 millisecond'
        FROM generate_series(1, :count) AS n
    """), {"count": count})
    db.session.commit()
    db.session.execute(text("ANALYZE messages"))
    db.session.commit()


def run(url: str, queued: int, repeat: int) -> dict[str, Any]:
    from alerts.data import operations
    from alerts.extensions import db

    app = harness.make_app(url)
    app.config.update(ACCESS_LOG=False)
    harness.reset_database(app)
    began = time.perf_counter()
    with app.app_context():
        fill_queue(queued)
    fill_seconds = time.perf_counter() - began

    with app.app_context():
        def count() -> None:
            operations.record_outbox_summary("bench:1")
            db.session.commit()

        summary = harness.timed(count, 3, digits=2)
        live = harness.timed(lambda: (operations.outbox_summary(), db.session.rollback()), 5, digits=2)

    client = app.test_client()

    def probe() -> None:
        answer = client.get("/healthz")
        assert answer.status_code == 200, answer.status_code
        assert answer.json["outbox"]["backlog"] == queued, answer.json

    probe()  # warm-up: templates, connections
    healthz = harness.timed(probe, repeat, digits=2)
    return {
        "bench": "healthz", "machine": harness.machine(), "database": "postgresql", "queued": queued,
        "fill_seconds": round(fill_seconds, 1), "repeat": repeat,
        "summary_ms": summary["median_ms"],
        "healthz_median_ms": healthz["median_ms"], "healthz_p95_ms": healthz["p95_ms"],
        "healthz_max_ms": healthz["max_ms"], "live_count_median_ms": live["median_ms"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queued", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--target-ms", type=float, default=5.0)
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL to use (its tables are dropped); default BENCH_DATABASE_URL")
    parser.add_argument("--small", action="store_true",
                        help="1,000 queued and 20 requests, no target: does it still run")
    args = parser.parse_args()
    queued, repeat = (1_000, 20) if args.small else (args.queued, args.repeat)
    url = args.database_url or harness.database_url("postgresql")
    figures = run(url, queued, repeat)
    print(json.dumps(figures))
    if figures["healthz_median_ms"] > args.target_ms and not args.small:
        print(f"/healthz median {figures['healthz_median_ms']} ms is over {args.target_ms} ms", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
