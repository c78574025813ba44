"""Poll the feed sources: Met Office warnings that mention the county become weather warnings.

Run every minute by the scheduler (each source keeps its own poll interval), by `flask ingest-feeds`, and by an
admin's "Check now".
Nothing here ever sends anything to residents: a warning is shown to officers and on the start page, and an
officer decides whether it becomes a notice.

A failed poll (timeout, HTML error page, malformed or truncated feed) is logged and recorded on the feed source,
and the warnings found before stay as they were. Each source is polled on its own, so one bad feed never stops
the others, and no database session is held while waiting on the network: each outcome is committed on its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app

from alerts.data import feeds as feed_data
from alerts.extensions import db
from alerts.ingest.feeds import parse_feed
from alerts.ingest.fetch import fetch_feed
from alerts.ingest.met_office import known_areas_for, parse_warnings, warning_id_from_link, warnings_mentioning
from alerts.models import utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollOutcome:
    source_id: int
    name: str
    ok: bool
    summary: str


def ingest_feeds(*, only_due: bool = True) -> list[PollOutcome]:
    """Poll every enabled source (only those due, unless told otherwise). Never raises for a bad feed."""
    config = current_app.config
    feed_data.ensure_default_met_office_source(config["MET_OFFICE_FEED_URL"])
    db.session.commit()
    targets = feed_data.sources_to_poll(utc_now(), only_due=only_due)
    db.session.commit()  # end the read transaction before going to the network
    return [poll_safely(target) for target in targets]


def poll_safely(target: feed_data.PollTarget) -> PollOutcome:
    """`poll_source`, with an unexpected error recorded on the source rather than raised: one broken source must
    never stop the others, the scheduler, or the staff page that asked for a check."""
    try:
        return poll_source(target)
    except Exception as error:
        db.session.rollback()
        log.exception("polling feed source %s (%s) failed unexpectedly", target.id, target.url)
        feed_data.record_poll_failure(target.id, f"Unexpected error: {type(error).__name__}", utc_now())
        db.session.commit()
        return PollOutcome(target.id, target.name, ok=False, summary=f"failed: {type(error).__name__}")


def poll_source(target: feed_data.PollTarget) -> PollOutcome:
    config = current_app.config
    db.session.remove()  # release the connection while we wait on the network
    result = fetch_feed(
        target.url,
        etag=target.etag,
        last_modified=target.last_modified,
        timeout_seconds=config["FEED_TIMEOUT_SECONDS"],
        max_bytes=config["FEED_MAX_BYTES"],
        https_only=config["ALERTS_ENV"] == "production",
        allow_loopback=bool(config.get("FEED_ALLOW_LOOPBACK")),
        max_redirects=config["FEED_MAX_REDIRECTS"],
    )
    now = utc_now()
    if result.status == "error":
        return _failed(target, result.error or "The feed could not be fetched", now)
    if result.status == "not-modified":
        feed_data.record_not_modified(target.id, etag=result.etag, last_modified=result.last_modified, now=now)
        db.session.commit()
        return PollOutcome(target.id, target.name, ok=True, summary="not modified since the last check")

    parsed = parse_feed(result.body or b"")
    if parsed.error:
        return _failed(target, parsed.error, now)

    if target.kind != feed_data.MET_OFFICE_WARNINGS:
        feed_data.record_poll_success(
            target.id, etag=result.etag, last_modified=result.last_modified, entry_count=len(parsed.entries), now=now
        )
        db.session.commit()
        return PollOutcome(target.id, target.name, ok=True, summary=f"{len(parsed.entries)} entries")

    found = parse_warnings(parsed.entries, known_areas=known_areas_for(
        config["COUNCIL_PROFILE"].warnings_region, config["WARNING_AREA_NAME"]))
    local = warnings_mentioning(found.warnings, config["WARNING_AREA_NAME"])
    # An item we could not read this time is still in the feed: keep its warning rather than call it withdrawn.
    unreadable_ids = {i for i in (warning_id_from_link(s.link) for s in found.skipped) if i}
    changes = feed_data.save_met_office_warnings(target.id, local, keep_ids=unreadable_ids)
    feed_data.record_poll_success(
        target.id, etag=result.etag, last_modified=result.last_modified, entry_count=len(parsed.entries), now=now
    )
    db.session.commit()  # the warnings and the source's state change together
    if local or changes.withdrawn:
        log.info("feed source %s: %s warnings for %s (%s new, %s changed, %s withdrawn)", target.id, len(local),
                 config["WARNING_AREA_NAME"], changes.created, changes.updated, changes.withdrawn)
    count = len({w.warning_id for w in local})
    summary = (
        f"{count} warning{'' if count == 1 else 's'} mentioning {config['WARNING_AREA_NAME']} "
        f"({changes.created} new, {changes.updated} changed, {changes.withdrawn} withdrawn)"
    )
    if found.skipped:
        summary += f"; {len(found.skipped)} items could not be read"
    return PollOutcome(target.id, target.name, ok=True, summary=summary)


def _failed(target: feed_data.PollTarget, error: str, now: dt.datetime) -> PollOutcome:
    log.warning("feed source %s (%s) failed: %s; keeping its previous warnings", target.id, target.url, error)
    feed_data.record_poll_failure(target.id, error, now)
    db.session.commit()
    return PollOutcome(target.id, target.name, ok=False, summary=f"failed: {error}")
