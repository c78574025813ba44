"""Scheduled notice jobs: publish what is due, expand fan-outs into messages, expire overdue notices."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from flask import Flask

from alerts.data import fanouts, publishing

log = logging.getLogger(__name__)


def publish_due_job(app: Flask) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            count = publishing.publish_due_notices()
            if count:
                log.info("published %s scheduled notices", count)
            # Expand straight after, so a scheduled notice's messages are not a job interval late.
            fanouts.expand_pending_fanouts()

    return run


def expand_fanouts_job(app: Flask) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            created = fanouts.expand_pending_fanouts()
            if created:
                log.info("created %s messages from fan-outs", created)

    return run


def expire_notices_job(app: Flask) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            grace = dt.timedelta(hours=app.config["NOTICE_EXPIRY_GRACE_HOURS"])
            count = publishing.expire_overdue_notices(grace)
            if count:
                log.info("expired %s notices", count)

    return run
