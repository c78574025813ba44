"""The scheduler's feed polling job: every minute it asks which feed sources are due (each keeps its own poll
interval) and polls them through the feed polling service."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from alerts.services.feed_polling import ingest_feeds

INGEST_INTERVAL_SECONDS = 60


def ingest_feeds_job(app: Flask) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            ingest_feeds(only_due=True)

    return run
