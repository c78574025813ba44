"""Counting look-ups by postcode district for insight, while the page itself only reads.

A request only counts in memory (`alerts.data.postcode_lookup_counts`); a background job in each web process
writes the counts about once a minute, so a storm of look-ups (or of made-up postcodes) never makes a request
write, or wait for the database's write lock.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask, current_app

from alerts.data import postcode_lookup_counts
from alerts.extensions import db

log = logging.getLogger(__name__)

FLUSH_SECONDS = 60
_flusher_lock = threading.Lock()
_flushers: dict[int, threading.Thread] = {}  # one per app in this process (tests make many apps)


def count_postcode_lookup(district: str) -> None:
    """Count one look-up in `district` (only a district the council serves); only the district is ever kept."""
    if postcode_lookup_counts.count(district):
        _start_flusher(current_app._get_current_object())  # type: ignore[attr-defined]


def flush_postcode_lookups() -> int:
    """Write the look-ups counted so far (up to a capped number of districts); returns how many were written."""
    written = postcode_lookup_counts.flush()
    db.session.commit()
    return written


def _start_flusher(app: Flask) -> None:
    """The job that writes this process's counts, started with the first look-up counted (after any fork)."""
    if app.testing:
        return  # tests flush by hand: a thread outliving a test's database would write into the next one's
    with _flusher_lock:
        if id(app) in _flushers and _flushers[id(app)].is_alive():
            return
        thread = threading.Thread(target=_flush_forever, args=(app,), name="postcode-lookup-counts", daemon=True)
        _flushers[id(app)] = thread
        thread.start()


def _flush_forever(app: Flask) -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        flush_in_app(app)


def flush_in_app(app: Flask) -> int:
    """One run of the job: never raises, so one failed write does not stop the counting."""
    with app.app_context():
        try:
            return flush_postcode_lookups()
        except Exception:
            db.session.rollback()
            log.exception("could not write postcode look-up counts: those taken for this write are lost")
            return 0
