"""Feed sources we poll and the weather warnings found in them: every query the ingest job and staff pages need.

Polling is split so that no database session is held during an HTTP fetch: `sources_to_poll` hands back detached
`PollTarget` snapshots, and the `record_*` / `save_*` functions write the outcome afterwards. The feed polling
service (`alerts.services.feed_polling`) commits each outcome in its own short transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select

from alerts.extensions import db
from alerts.models import FeedSource, Notice, PostcodeLookup, WeatherWarning

MET_OFFICE_WARNINGS = "met-office-warnings"
GENERIC = "generic"
FEED_KINDS: dict[str, str] = {
    MET_OFFICE_WARNINGS: "Met Office weather warnings",
    GENERIC: "Other RSS or Atom feed",
}
DEFAULT_MET_OFFICE_NAME = "Met Office warnings for South West England"
MIN_POLL_INTERVAL_MINUTES = 1
MAX_POLL_INTERVAL_MINUTES = 24 * 60


@dataclass(frozen=True)
class PollTarget:
    """What the poller needs of a feed source, detached from the session."""

    id: int
    name: str
    url: str
    kind: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class WarningChanges:
    created: int = 0
    updated: int = 0
    withdrawn: int = 0


# --- feed sources (the staff page's reads and writes) -------------------------------------------------------------


def list_feed_sources() -> list[FeedSource]:
    return list(db.session.scalars(select(FeedSource).order_by(FeedSource.name, FeedSource.id)))


def get_feed_source(source_id: int) -> FeedSource | None:
    return db.session.get(FeedSource, source_id)


def create_feed_source(
    *, name: str, url: str, kind: str, poll_interval_minutes: int = 15, enabled: bool = True
) -> FeedSource:
    """Add a source whose fields the caller has checked (`alerts.services.feed_source_admin`). Its id is set; the caller
    commits."""
    source = FeedSource(
        name=name.strip(), url=url.strip(), kind=kind, poll_interval_minutes=poll_interval_minutes, enabled=enabled
    )
    db.session.add(source)
    db.session.flush()
    return source


def update_feed_source(
    source: FeedSource, *, name: str, url: str, kind: str, poll_interval_minutes: int, enabled: bool
) -> FeedSource:
    """Change a source whose new fields the caller has checked. The caller commits."""
    if url.strip() != source.url:
        # Validators belong to the old address; sending them to a new one could wrongly get a 304.
        source.etag = source.last_modified = None
        source.last_error = None
    source.name, source.url, source.kind = name.strip(), url.strip(), kind
    source.poll_interval_minutes, source.enabled = poll_interval_minutes, enabled
    db.session.flush()
    return source


def set_feed_source_enabled(source: FeedSource, enabled: bool) -> FeedSource:
    """The caller commits."""
    source.enabled = enabled
    db.session.flush()
    return source


def poll_target(source_id: int) -> PollTarget | None:
    """One source to poll now (the staff page's "Check now"), detached from the session."""
    source = db.session.get(FeedSource, source_id)
    if source is None:
        return None
    return PollTarget(id=source.id, name=source.name, url=source.url, kind=source.kind, etag=source.etag,
                      last_modified=source.last_modified)


def ensure_default_met_office_source(url: str) -> FeedSource | None:
    """Create the Met Office source from MET_OFFICE_FEED_URL if there is no Met Office source at all.

    A disabled one counts: an admin who switched it off must not find it back on after a restart. The caller commits.
    """
    existing = db.session.scalar(select(FeedSource.id).where(FeedSource.kind == MET_OFFICE_WARNINGS).limit(1))
    if existing is not None or not url:
        return None
    source = FeedSource(name=DEFAULT_MET_OFFICE_NAME, url=url, kind=MET_OFFICE_WARNINGS, poll_interval_minutes=15)
    db.session.add(source)
    db.session.flush()
    return source


# --- polling --------------------------------------------------------------------------------------------------------


def is_due(source: FeedSource, now: dt.datetime) -> bool:
    if source.last_polled_at_utc is None:
        return True
    return source.last_polled_at_utc + dt.timedelta(minutes=source.poll_interval_minutes) <= now


# A Met Office source is stale once this many of its poll intervals pass without a successful fetch.
STALE_AFTER_INTERVALS = 2


def is_stale(source: FeedSource, now: dt.datetime) -> bool:
    """Failing at its last check, or no successful fetch (since it was added) for twice its poll interval: either
    way officers would see no warnings while the Met Office may have some."""
    if source.last_error is not None:
        return True
    since = source.last_success_at_utc or source.created_at_utc
    return since + dt.timedelta(minutes=STALE_AFTER_INTERVALS * source.poll_interval_minutes) <= now


def stale_feed_sources(now: dt.datetime) -> list[FeedSource]:
    """Enabled Met Office sources that are stale (a switched-off source is an admin's choice, not a fault)."""
    sources = db.session.scalars(select(FeedSource).where(FeedSource.enabled.is_(True),
                                                          FeedSource.kind == MET_OFFICE_WARNINGS)
                                 .order_by(FeedSource.id))
    return [source for source in sources if is_stale(source, now)]


def sources_to_poll(now: dt.datetime, *, only_due: bool = True) -> list[PollTarget]:
    """Enabled sources (only those whose poll interval has passed, unless told otherwise), detached from the session:
    the caller ends its read transaction before it goes to the network."""
    sources = db.session.scalars(select(FeedSource).where(FeedSource.enabled.is_(True)).order_by(FeedSource.id))
    targets = [
        PollTarget(id=s.id, name=s.name, url=s.url, kind=s.kind, etag=s.etag, last_modified=s.last_modified)
        for s in sources
        if not only_due or is_due(s, now)
    ]
    return targets


def record_poll_failure(source_id: int, error: str, now: dt.datetime) -> None:
    """Keep everything found before (warnings, validators); say what went wrong and when. The caller commits."""
    source = db.session.get(FeedSource, source_id)
    if source is None:
        return
    source.last_polled_at_utc = now
    source.last_error = error[:2000]
    db.session.flush()


def record_not_modified(source_id: int, *, etag: str | None, last_modified: str | None, now: dt.datetime) -> None:
    record_poll_success(source_id, etag=etag, last_modified=last_modified, entry_count=None, now=now)


def record_poll_success(
    source_id: int, *, etag: str | None, last_modified: str | None, entry_count: int | None, now: dt.datetime
) -> None:
    """A fetch that worked; an entry count of None (a 304) keeps the count from the last full fetch. The caller
    commits."""
    source = db.session.get(FeedSource, source_id)
    if source is None:
        return
    source.last_polled_at_utc = source.last_success_at_utc = now
    source.etag, source.last_modified = etag, last_modified
    if entry_count is not None:
        source.last_entry_count = entry_count
    source.last_error = None
    db.session.flush()


class FoundWarning(Protocol):
    """A warning read from a feed (`alerts.ingest.met_office.MetOfficeWarning`): what saving it needs."""

    @property
    def warning_id(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def hazards(self) -> tuple[str, ...]: ...
    @property
    def areas(self) -> tuple[str, ...]: ...
    @property
    def valid_from(self) -> dt.datetime: ...
    @property
    def valid_to(self) -> dt.datetime: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def link(self) -> str: ...


def save_met_office_warnings(
    source_id: int, warnings: Sequence[FoundWarning], *, keep_ids: Iterable[str] = ()
) -> WarningChanges:
    """Make the source's current warnings exactly `warnings` (by Met Office id), without committing.

    Warnings that left the feed are withdrawn (no longer current), except those in `keep_ids`: items still in the
    feed that we could not read this time, which may well still be in force.
    """
    by_id: dict[str, FoundWarning] = {}
    for warning in warnings:
        by_id.setdefault(warning.warning_id, warning)  # the same warning can be listed once for each day it covers
    existing = {
        row.id: row
        for row in db.session.scalars(select(WeatherWarning).where(WeatherWarning.id.in_(list(by_id))))
    } if by_id else {}
    created = updated = 0
    for warning_id, warning in by_id.items():
        row = existing.get(warning_id)
        if row is None:
            row = WeatherWarning(id=warning_id)
            db.session.add(row)
            created += 1
        elif _differs(row, warning, source_id):
            updated += 1
        row.feed_source_id = source_id
        row.level, row.hazards, row.areas = warning.level, list(warning.hazards), list(warning.areas)
        row.title, row.description, row.link = warning.title[:300], warning.description, warning.link[:1000]
        row.valid_from_utc, row.valid_to_utc = warning.valid_from, warning.valid_to
        row.is_current = True

    still_listed = set(by_id) | set(keep_ids)
    withdrawn = 0
    for row in db.session.scalars(
        select(WeatherWarning).where(WeatherWarning.feed_source_id == source_id, WeatherWarning.is_current.is_(True))
    ):
        if row.id not in still_listed:
            row.is_current = False
            withdrawn += 1
    return WarningChanges(created=created, updated=updated, withdrawn=withdrawn)


def _differs(row: WeatherWarning, warning: FoundWarning, source_id: int) -> bool:
    return (
        not row.is_current
        or row.feed_source_id != source_id
        or row.level != warning.level
        or list(row.hazards) != list(warning.hazards)
        or list(row.areas) != list(warning.areas)
        or row.title != warning.title
        or row.description != warning.description
        or row.valid_from_utc != warning.valid_from
        or row.valid_to_utc != warning.valid_to
    )


# --- reference data the published feeds need -----------------------------------------------------------------------


def postcode_districts_for(area_ids: Iterable[str]) -> dict[str, list[str]]:
    """Area id -> its postcode districts ("SW1A", "SW1B", …), for CAP geocodes."""
    ids = list(area_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(PostcodeLookup.area_id, PostcodeLookup.key)
        .where(PostcodeLookup.area_id.in_(ids), PostcodeLookup.is_district.is_(True))
        .order_by(PostcodeLookup.key)
    )
    districts: dict[str, list[str]] = {}
    for area_id, key in rows:
        districts.setdefault(area_id, []).append(key)
    return districts


def latest_notice_change() -> dt.datetime | None:
    """When any notice last changed, public or not: a Last-Modified that a withdrawn notice also moves on."""
    latest = db.session.scalar(select(func.max(Notice.updated_at_utc)))
    if latest is not None and latest.tzinfo is None:
        latest = latest.replace(tzinfo=dt.UTC)
    return latest
