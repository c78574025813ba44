"""The long-running worker: one leader runs every job on APScheduler's BlockingScheduler."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from alerts.data import operations
from alerts.extensions import db
from alerts.jobs.leader import LeaderLock

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15


@dataclass(frozen=True)
class Job:
    """A job defined in code with a fixed id, so restarts never duplicate it."""

    id: str
    func: Callable[[], Any]
    trigger: str  # "interval", "cron" or "date" (run once at start, e.g. a loop that runs until stopped)
    options: dict[str, Any]
    stop: Callable[[], None] | None = None  # called on SIGTERM before the scheduler waits for running jobs


def heartbeat_job(app: Flask, holder: str) -> Callable[[], None]:
    def beat() -> None:
        with app.app_context():
            operations.record_heartbeat("scheduler", holder)
            db.session.commit()

    return beat


def outbox_summary_job(app: Flask, holder: str) -> Callable[[], None]:
    """Count the backlog for /healthz every few seconds, so no request ever counts it."""
    def count() -> None:
        with app.app_context():
            operations.record_outbox_summary(holder)
            db.session.commit()

    return count


MANAGE_REQUEST_SECONDS = 1


def manage_requests_job(app: Flask) -> Callable[[], None]:
    """Answer residents' requests for a manage link or code: the page only records them (see signups)."""
    def answer() -> None:
        from alerts.services.signups import send_requested_manage_access

        with app.app_context():
            send_requested_manage_access()

    return answer


def delivery_jobs(app: Flask) -> list[Job]:
    """The dispatcher's own loop thread (expands fan-outs and sends; polls every 0.5 s) and the reconcile job
    for lost receipts."""
    from alerts.delivery.costs import record_costs
    from alerts.delivery.dispatcher import Dispatcher
    from alerts.delivery.receipts import reconcile_sent_messages

    def reconcile() -> None:
        reconcile_sent_messages(app)
        record_costs(app)  # what each text cost, from Notify itself

    dispatcher = Dispatcher(app)
    return [
        Job("dispatch", dispatcher.run_forever, "date", {}, stop=dispatcher.stop),
        Job("reconcile-receipts", reconcile, "interval", {"minutes": 10}),
    ]
def purge_personal_data_job(app: Flask) -> Callable[[], None]:
    def purge() -> None:
        from alerts.data.retention import purge_personal_data

        with app.app_context():
            counts = purge_personal_data()
            db.session.commit()
            log.info("purged personal data: %s", counts)

    return purge


def daily_digest_job(app: Flask) -> Callable[[], None]:
    """One email a day for those who chose it; the outbox sends it like any other message."""
    def queue() -> None:
        from alerts.services.daily_digests import queue_daily_digests

        with app.app_context():
            log.info("daily digests: %s", queue_daily_digests())

    return queue


PASSWORD_LINK_SECONDS = 5


def password_links_job(app: Flask) -> Callable[[], None]:
    def send() -> None:
        from alerts.services.forgotten_passwords import send_requested_links

        with app.app_context():
            send_requested_links()

    return send


def jobs_for(app: Flask, holder: str) -> list[Job]:
    """Every scheduled job. Later features append theirs here."""
    from alerts.jobs.ingest_feeds import INGEST_INTERVAL_SECONDS, ingest_feeds_job
    from alerts.jobs.notices import expire_notices_job, nudge_overdue_updates_job, publish_due_job
    from alerts.services.text_replies import poll_received_texts

    return [
        Job("heartbeat", heartbeat_job(app, holder), "interval", {"seconds": HEARTBEAT_SECONDS}),
        Job("outbox-summary", outbox_summary_job(app, holder), "interval",
            {"seconds": operations.OUTBOX_SUMMARY_SECONDS}),
        *delivery_jobs(app),
        Job("answer-manage-requests", manage_requests_job(app), "interval", {"seconds": MANAGE_REQUEST_SECONDS}),
        Job("publish-due-notices", publish_due_job(app), "interval", {"seconds": 30}),
        Job("expire-notices", expire_notices_job(app), "interval", {"minutes": 5}),
        # A promised next update that has passed: the notice's author and team are emailed once.
        Job("nudge-overdue-updates", nudge_overdue_updates_job(app), "interval", {"minutes": 5}),
        # Each feed source keeps its own poll interval; this only asks every minute which are due.
        Job("ingest-feeds", ingest_feeds_job(app), "interval", {"seconds": INGEST_INTERVAL_SECONDS}),
        # Replies (STOP) when Notify's inbound callback is down, and the daily email digest.
        Job("poll-received-texts", lambda: poll_received_texts(app), "interval",
            {"seconds": int(app.config["INBOUND_POLL_SECONDS"])}),
        # Links asked for on "Forgot your password?": queued by the page whatever was typed, sent from here.
        Job("send-password-links", password_links_job(app), "interval", {"seconds": PASSWORD_LINK_SECONDS}),
        Job("queue-daily-digests", daily_digest_job(app), "cron",
            {"hour": int(app.config["DIGEST_HOUR"]), "minute": 0}),
        # Nightly, when nobody is signing up; the scheduler's zone is Europe/London.
        Job("purge-personal-data", purge_personal_data_job(app), "cron", {"hour": 3, "minute": 15}),
        # Hourly, each run replacing the day's snapshot, so insight is never more than an hour behind.
        Job("rollup-insight", rollup_insight_job(app), "cron", {"minute": 5}),
    ]


def rollup_insight_job(app: Flask) -> Callable[[], None]:
    def rollup() -> None:
        from alerts.data.insight import roll_up

        with app.app_context():
            summarised = roll_up()
            db.session.commit()
            log.info("rolled up insight: %s notices summarised", summarised)

    return rollup


def run_scheduler(app: Flask, *, wait_for_lock_seconds: float = 5.0) -> None:
    """Wait to become leader, then run the jobs until SIGTERM/SIGINT."""
    holder = f"{socket.gethostname()}:{os.getpid()}"
    with app.app_context():
        lock = LeaderLock(db.engine, Path(app.instance_path) / "scheduler.lock")
    while not lock.try_acquire():
        log.info("another scheduler is leading; standing by")
        time.sleep(wait_for_lock_seconds)
    log.info("scheduler %s is leading", holder)

    scheduler = BlockingScheduler(timezone="Europe/London")
    jobs = jobs_for(app, holder)
    for job in jobs:
        scheduler.add_job(job.func, job.trigger, id=job.id, replace_existing=True, max_instances=1, coalesce=True,
                          misfire_grace_time=30, **job.options)
    scheduler.add_job(_check_lock(lock, scheduler), "interval", id="leader-check", seconds=10)

    def stop(signum: int, _frame: Any) -> None:
        log.info("scheduler stopping on signal %s", signum)
        for job in jobs:
            if job.stop is not None:
                job.stop()
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    heartbeat_job(app, holder)()
    outbox_summary_job(app, holder)()
    try:
        scheduler.start()
    finally:
        lock.release()


def _check_lock(lock: LeaderLock, scheduler: BlockingScheduler) -> Callable[[], None]:
    def check() -> None:
        if not lock.still_held():
            log.error("lost the scheduler leader lock; stopping so another process can lead")
            scheduler.shutdown(wait=False)

    return check
