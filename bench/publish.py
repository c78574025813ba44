"""Benchmark: publishing must return within a second whatever the audience size (DESIGN §3, issue 4).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench python -m bench.publish --subscribers 100000

Creates that many confirmed subscribers in Weymouth (on an empty, migrated database), then times
`request_publication` + commit, which records the fan-out but renders no message, and then the expansion.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/publish.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from alerts import create_app
from alerts.data import fanouts, publishing, reference
from alerts.extensions import db
from alerts.models import Channel, Impact, Subscriber, SubscriberStatus, Subscription, utc_now


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--expand", action="store_true", help="also time expanding the fan-out into messages")
    args = parser.parse_args()
    app = create_app("development")  # a local measurement, never a deployment
    with app.app_context():
        reference.load_reference_data()
        start = db.session.query(Subscriber).count()
        now = utc_now()
        for offset in range(0, args.subscribers, 10_000):
            size = min(10_000, args.subscribers - offset)
            rows = [{"channel": Channel.EMAIL if n % 3 else Channel.SMS,
                     "contact": f"bench{start + offset + n}@example.com" if n % 3 else f"+4477009{offset + n:05d}",
                     "status": SubscriberStatus.CONFIRMED, "all_services": True, "consent_source": "bench",
                     "permanent_failures": 0, "code_attempts": 0, "codes_sent": 0, "token_version": 1,
                     "created_at_utc": now, "updated_at_utc": now} for n in range(size)]
            ids = db.session.scalars(insert(Subscriber).returning(Subscriber.id), rows).all()
            db.session.execute(insert(Subscription), [{"subscriber_id": i, "area_id": "weymouth", "created_at_utc": now}
                                                      for i in ids])
            db.session.commit()
        draft = publishing.NoticeDraft(title="Benchmark", service_id="bins-and-recycling", area_ids=["weymouth"],
                                       impact=Impact.MINOR, summary="Benchmark", advice="None")
        notice = publishing.create_draft(draft, created_by_id=None)
        db.session.commit()
        began = time.perf_counter()
        status = publishing.request_publication(notice, by_user_id=None, threshold=10**9)
        db.session.commit()
        print(f"publish ({status}) took {time.perf_counter() - began:.3f}s for {args.subscribers:,} subscriptions")
        if args.expand:
            began = time.perf_counter()
            created = fanouts.expand_pending_fanouts()
            print(f"expansion created {created:,} messages in {time.perf_counter() - began:.1f}s")


if __name__ == "__main__":
    main()
