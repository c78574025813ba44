"""A notice's audience from the kept counts (alerts/models/audience.py), and rebuilding those counts.

The counts are kept by database triggers (migration 0024_kept_audience), so reading them costs the same at ten
subscribers or a million: a few hundred rows, one per set of areas, channel and service choice, whatever the
notice. `fanouts.audience_counted_live` counts the same from the live tables; the tests hold the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, text

from alerts.extensions import db
from alerts.models import AudienceCount, AudienceMember
from alerts.models.audience import ALL_SERVICES, AREA_SEPARATOR


@dataclass
class KeptAudience:
    """People per channel, and per area and channel (a person following two of the notice's areas counts once in
    `by_channel` and once under each area)."""

    by_channel: dict[str, int] = field(default_factory=dict)
    by_area: dict[str, dict[str, int]] = field(default_factory=dict)


def kept_audience(service_id: str, area_ids: Iterable[str] | None) -> KeptAudience:
    """Who follows one of `area_ids` (None: any area) and chose `service_id` or every service, from the kept
    counts. Each person has one row for that service at most ("*" or the service), so the sums are exact."""
    wanted = None if area_ids is None else set(area_ids)
    rows = db.session.execute(
        select(AudienceCount.area_set, AudienceCount.channel, func.sum(AudienceCount.subscribers))
        .where(AudienceCount.service_id.in_([ALL_SERVICES, service_id]))
        .group_by(AudienceCount.area_set, AudienceCount.channel)
    ).tuples().all()
    audience = KeptAudience()
    for area_set, channel, people in rows:
        matched = [area for area in area_set.split(AREA_SEPARATOR) if wanted is None or area in wanted]
        if not people or not matched:
            continue
        audience.by_channel[channel] = audience.by_channel.get(channel, 0) + people
        for area in matched:
            per_channel = audience.by_area.setdefault(area, {})
            per_channel[channel] = per_channel.get(channel, 0) + people
    return audience


@dataclass(frozen=True)
class Recount:
    members: int
    counts_changed: int  # kept count rows that were wrong (or missing, or extra) before the rebuild


def _everyones_rows(dialect: str) -> str:
    """Every reachable subscriber's rows from the tables, as the triggers work out one subscriber's."""
    if dialect == "postgresql":
        area_sets = ("SELECT subscriber_id, string_agg(area_id, ',' ORDER BY area_id) AS area_set "
                     "FROM subscriptions GROUP BY subscriber_id")
    else:  # SQLite's group_concat follows its input's order
        area_sets = ("SELECT subscriber_id, group_concat(area_id, ',') AS area_set FROM "
                     "(SELECT subscriber_id, area_id FROM subscriptions ORDER BY subscriber_id, area_id) "
                     "GROUP BY subscriber_id")
    # Two fixed strings, nothing from outside.
    return f"""
        SELECT s.id, c.service_id, a.area_set, s.channel
        FROM subscribers AS s
        JOIN ({area_sets}) AS a ON a.subscriber_id = s.id
        JOIN (SELECT id AS subscriber_id, '*' AS service_id FROM subscribers
              UNION ALL SELECT subscriber_id, service_id FROM subscriber_services) AS c ON c.subscriber_id = s.id
        WHERE s.status = 'confirmed' AND s.contact IS NOT NULL AND (c.service_id = '*') = s.all_services"""  # noqa: S608


def _counts() -> dict[tuple[str, str, str], int]:
    rows = db.session.execute(select(AudienceCount.area_set, AudienceCount.channel, AudienceCount.service_id,
                                     AudienceCount.subscribers).where(AudienceCount.subscribers != 0)).all()
    return {(area_set, channel, service): people for area_set, channel, service, people in rows}


def rebuild_kept_audience() -> Recount:
    """Count every reachable subscriber again from the tables and replace the kept counts (the caller commits).
    For repair after the triggers were bypassed (a bulk load with triggers off, a restore); nothing else needs it."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        # No subscriber may change mid-count: writers wait until the caller commits.
        db.session.execute(text("LOCK TABLE subscribers, subscriptions, subscriber_services IN SHARE MODE"))
    before = _counts()
    db.session.execute(delete(AudienceMember))
    db.session.execute(delete(AudienceCount))
    db.session.execute(text("INSERT INTO audience_members (subscriber_id, service_id, area_set, channel) "
                            + _everyones_rows(dialect)))
    db.session.execute(text("INSERT INTO audience_counts (area_set, channel, service_id, subscribers) "
                            "SELECT area_set, channel, service_id, count(*) FROM audience_members "
                            "GROUP BY area_set, channel, service_id"))
    after = _counts()
    changed = sum(1 for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    members = db.session.scalar(select(func.count()).select_from(AudienceMember)) or 0
    return Recount(members=members, counts_changed=changed)
