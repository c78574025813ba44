"""Fan-out benchmark: publish one notice to 100,000 and to 1,000,000 subscriptions. Prints one JSON line per size.

    python bench/fanout.py --db postgresql --sizes 100000 1000000 --expand-seconds 60

For each size: how long the officer's publish takes to return (it records the fan-out in the notice's
transaction and renders nothing), then how fast the fan-out is expanded into rendered messages (for at most
--expand-seconds, so a million-message run stays bounded) and how much database each message takes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/fanout.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness


def run(db: str, subscribers: int, expand_seconds: float, batch_size: int) -> dict[str, Any]:
    from alerts.data import fanouts
    from alerts.extensions import db as database
    from alerts.models import Fanout, FanoutStatus

    url = harness.database_url(db)
    if db == "sqlite":
        harness.DEFAULT_SQLITE_PATH.unlink(missing_ok=True)
    app = harness.make_app(url)
    harness.reset_database(app)
    began = time.monotonic()
    harness.seed_subscribers(app, subscribers)
    seed_seconds = time.monotonic() - began
    size_before = harness.database_size_bytes(app)

    published = harness.publish(app)

    created = 0
    began = time.perf_counter()
    with app.app_context():
        fanout_id = database.session.query(Fanout.id).filter_by(notice_id=published.notice_id).scalar()
        while time.perf_counter() - began < expand_seconds:
            count = fanouts.expand_fanout(fanout_id, batch_size)
            created += count
            fanout = database.session.get(Fanout, fanout_id)
            if fanout is None or fanout.status == FanoutStatus.DONE:
                break
        database.session.commit()
    expand_elapsed = time.perf_counter() - began
    if db == "postgresql":
        with app.app_context():
            # Measure settled tables, not dead tuples awaiting vacuum.
            with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                from sqlalchemy import text

                connection.execute(text("VACUUM ANALYZE messages"))
    size_after = harness.database_size_bytes(app)
    rate = created / expand_elapsed if expand_elapsed else None
    return {
        "benchmark": "fanout",
        "db": db,
        "subscriptions": subscribers,
        "audience": published.messages,
        "seed_seconds": round(seed_seconds, 1),
        "publish_returns_s": round(published.seconds, 3),
        "messages_created": created,
        "expand_seconds": round(expand_elapsed, 1),
        "messages_per_s": round(rate, 1) if rate else None,
        "expand_all_estimate_s": round(published.messages / rate, 0) if rate else None,
        "db_bytes_per_message": round((size_after - size_before) / created) if created else None,
        "machine": harness.machine(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--expand-seconds", type=float, default=60.0, help="stop expanding after this long")
    parser.add_argument("--batch-size", type=int, default=1000, help="messages per expansion transaction")
    args = parser.parse_args(argv)
    for size in args.sizes:
        print(json.dumps(run(args.db, size, args.expand_seconds, args.batch_size)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
