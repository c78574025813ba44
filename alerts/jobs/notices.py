"""Scheduled notice jobs: publish what is due and expire overdue notices. (The dispatcher expands fan-outs.)"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from flask import Flask

from alerts.services import publishing, update_reminders

log = logging.getLogger(__name__)


def publish_due_job(app: Flask) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            # Through the publishing service, so a notice whose audience grew past the threshold waits for approval.
            count = publishing.publish_due_notices()
            if count:
                # The dispatcher's loop expands their fan-outs within half a second.
                log.info("published %s scheduled notices", count)

    return run


def expire_notices_job(app: Flask) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            grace = dt.timedelta(hours=app.config["NOTICE_EXPIRY_GRACE_HOURS"])
            count = publishing.expire_overdue_notices(grace)
            if count:
                log.info("expired %s notices", count)

    return run


def nudge_overdue_updates_job(app: Flask) -> Callable[[], None]:
    def run() -> None:
        with app.app_context():
            count = update_reminders.nudge_overdue_updates()
            if count:
                log.info("told officers about %s overdue updates", count)

    return run
