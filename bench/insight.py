"""Insight benchmark (issue 15): the insight page, its CSV, the open statistics and the officer's check page at
county scale and beyond, on PostgreSQL. Prints one JSON line.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<yours> python bench/insight.py \
        --subscribers 1000000 --messages 200000

It DROPS EVERY TABLE in the database it is given. Subscribers are seeded in bulk (harness.seed_subscribers); the
messages of one notice are generated in SQL (generate_series), delivered at spread-out times, some failed, each
text with a cost. Then it times the hourly rollup once (a job, never a page) and each page `--repeat` times
through the real app (signed in as an admin), reporting the median and the worst. For comparison it also times
the live audience count the check page used before (fanouts.audience_for).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/insight.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from bench import harness

PASSWORD = "bench-insight-password-1"


def _timed(call: Any, repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def run(subscribers: int, messages: int, repeat: int) -> dict[str, Any]:
    from alerts import create_app
    from alerts.data import fanouts, insight
    from alerts.extensions import db
    from alerts.models import Notice, NoticeUpdate, Role, StaffUser, UpdateKind, utc_now
    from alerts.passwords import hash_password
    from config.settings import database_url as driver_url

    url = harness.database_url("postgresql")
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": driver_url(url), "BASE_URL": harness.PUBLIC_BASE_URL,
                                     "WTF_CSRF_ENABLED": False, "MFA_REQUIRED": False})
    harness.reset_database(app)
    began = time.monotonic()
    harness.seed_subscribers(app, subscribers)
    seeded = time.monotonic() - began
    with app.app_context():
        now = utc_now()
        notice = Notice(title="Bins suspended in Weymouth", service_id="bins-and-recycling", impact="severe",
                        status="active", summary="Snow.", advice="Keep bins in.", starts_at_utc=now,
                        published_at_utc=now, whole_county=False, notify_subscribers=True)
        from alerts.data import reference

        notice.areas = reference.get_areas(["weymouth"])
        notice.updates.append(NoticeUpdate(kind=UpdateKind.PUBLISHED, summary="Snow.", notify_subscribers=True))
        draft = Notice(title="Draft: bins suspended again", service_id="bins-and-recycling", impact="major",
                       status="draft", summary="Snow.", advice="Keep bins in.", starts_at_utc=now,
                       whole_county=False, notify_subscribers=True)
        draft.areas = reference.get_areas(["weymouth"])
        db.session.add_all([notice, draft, StaffUser(email="admin@bench.example", role=Role.ADMIN,
                                                     password_hash=hash_password(PASSWORD))])
        db.session.commit()
        notice_id, update_id, draft_id = notice.id, notice.updates[0].id, draft.id
        began = time.monotonic()
        # One message per subscriber (up to --messages): 97% delivered over the first ten minutes, the rest failed.
        db.session.execute(text("""
            INSERT INTO messages (id, kind, channel, status, priority, notice_id, notice_update_id, subscriber_id,
                                  body, attempts, outcome_unknown, notify_status, completed_at_utc, sent_at_utc,
                                  cost_in_pounds, created_at_utc, updated_at_utc)
            SELECT md5(s.id::text)::uuid::text, 'alert', s.channel,
                   CASE WHEN s.id % 33 = 0 THEN 'failed' ELSE 'delivered' END, 10, :notice, :update, s.id, 'x', 1,
                   false, CASE WHEN s.id % 33 = 0 THEN 'permanent-failure' ELSE 'delivered' END,
                   :now + (s.id % 600) * interval '1 second', :now,
                   CASE WHEN s.channel = 'sms' THEN 0.0227 ELSE 0 END, :now, :now
            FROM subscribers s ORDER BY s.id LIMIT :limit
        """), {"notice": notice_id, "update": update_id, "now": now, "limit": messages})
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        generated = time.monotonic() - began

        live = _timed(lambda: fanouts.audience_for(db.session.get(Notice, draft_id)), max(1, repeat // 2))
        began = time.monotonic()
        insight.roll_up(notices_since=now - __import__("datetime").timedelta(days=1))
        rollup_seconds = time.monotonic() - began

    client = app.test_client()
    response = client.post("/staff/sign-in", data={"email": "admin@bench.example", "password": PASSWORD})
    assert response.status_code == 302, response.status_code

    def get(path: str) -> None:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)

    return {
        "benchmark": "insight", "machine": harness.machine(), "subscribers": subscribers, "messages": messages,
        "seed_s": round(seeded, 1), "messages_generated_s": round(generated, 1),
        "rollup_s": round(rollup_seconds, 2),
        "insight_page": _timed(lambda: get("/staff/insight"), repeat),
        "insight_csv": _timed(lambda: get("/staff/insight/notice-delivery.csv"), repeat),
        "statistics_api": _timed(lambda: get("/api/v1/statistics"), repeat),
        "check_page_kept_counts": _timed(lambda: get(f"/staff/notices/{draft_id}"), repeat),
        "live_audience_count_before": live,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.subscribers, args.messages, args.repeat)))


if __name__ == "__main__":
    main()
