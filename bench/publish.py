"""Benchmark: publishing stays constant-time whatever the audience (DESIGN §3). One JSON line.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<yours> python bench/publish.py \
        --db postgresql --subscribers 1000000 --repeat 5

It DROPS EVERY TABLE in the database it is given, seeds that many confirmed subscribers following Weymouth (in
bulk), plus 100 in Portland, and times, `--repeat` times each, with the app's real `APPROVAL_THRESHOLD`:

- `request_publication` + commit for a Weymouth notice (the data layer, as `bench/fanout.py` times it): the
  approval check counts the audience no further than the threshold + 1, and the notice waits for approval;
- the officer's whole request (`alerts.notice_lifecycle.request_publication`: that, the audit event and the emails to
  the officers who may approve);
- a second officer's approval (`alerts.notice_lifecycle.approve`): publishes, records the fan-out, commits, and renders
  the first batch of messages in the request (`SYNC_EXPANSION_BATCH`);
- an officer's publish of a Portland notice, under the threshold: published at once, first batch included.

The full expansion into messages is a job (the scheduler or the dispatch workers), timed by `bench/fanout.py`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/publish.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness


def _timed(step: Callable[[], Any], repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        step()
        times.append((time.perf_counter() - began) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
            "each_ms": [round(t, 1) for t in times]}


def run(db: str, subscribers: int, repeat: int) -> dict[str, Any]:
    from alerts.data import notice_lifecycle
    from alerts.extensions import db as database
    from alerts.models import Impact, Role, StaffUser
    from alerts.services import publishing

    url = harness.database_url(db)
    if db == "sqlite":
        harness.DEFAULT_SQLITE_PATH.unlink(missing_ok=True)
    app = harness.make_app(url)
    harness.reset_database(app)
    began = time.monotonic()
    harness.seed_subscribers(app, subscribers)
    harness.seed_subscribers(app, 100, area_id="portland")
    seeded = time.monotonic() - began

    with app.app_context():
        no_password = "!"  # these officers never sign in: no password matches
        writer = StaffUser(email="writer@bench.example", role=Role.OFFICER, password_hash=no_password)
        approver = StaffUser(email="approver@bench.example", role=Role.OFFICER, password_hash=no_password)
        database.session.add_all([writer, approver])
        database.session.commit()
        asks, approves = publishing.Actor.staff(writer, None), publishing.Actor.staff(approver, None)
        threshold = int(app.config["APPROVAL_THRESHOLD"])

        def draft(area_id: str) -> Any:
            notice = notice_lifecycle.create_draft(notice_lifecycle.NoticeDraft(
                title="Bin collections suspended", service_id="bins-and-recycling", area_ids=[area_id],
                impact=Impact.SEVERE, summary="High winds.", advice="Leave your bins out."), created_by_id=writer.id)
            database.session.commit()
            return notice

        waiting: list[Any] = []

        def data_layer() -> None:
            notice = draft("weymouth")
            began = time.perf_counter()
            status = notice_lifecycle.request_publication(notice, by_user_id=writer.id, threshold=threshold)
            database.session.commit()
            data_layer_ms.append((time.perf_counter() - began) * 1000)
            assert status == "awaiting_approval", status
            waiting.append(notice)

        data_layer_ms: list[float] = []
        for _ in range(repeat):
            data_layer()
        request_data_layer = {"median_ms": round(statistics.median(data_layer_ms), 1),
                              "max_ms": round(max(data_layer_ms), 1), "each_ms": [round(t, 1) for t in data_layer_ms]}

        drafts = [draft("weymouth") for _ in range(repeat)]
        officer_request = _timed(lambda: publishing.request_publication(drafts.pop(), asks), repeat)
        to_approve = list(waiting)
        approval = _timed(lambda: publishing.approve(to_approve.pop(), approves), repeat)
        small = [draft("portland") for _ in range(repeat)]
        small_publish = _timed(lambda: publishing.request_publication(small.pop(), asks), repeat)

    return {"benchmark": "publish", "machine": harness.machine(), "db": db, "subscriptions": subscribers + 100,
            "approval_threshold": threshold, "seed_s": round(seeded, 1),
            "request_publication_and_commit": request_data_layer,
            "officer_request_for_approval": officer_request,
            "second_officer_approves_and_first_batch": approval,
            "publish_under_threshold_and_first_batch": small_publish}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.db, args.subscribers, args.repeat)))


if __name__ == "__main__":
    main()
