"""Reading notices: what residents, the API and the feeds see."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Engine, Select, bindparam, event, func, or_, select
from sqlalchemy.orm import lazyload

from alerts.areas.postcodes import InvalidPostcode, normalise_postcode
from alerts.data import reference
from alerts.extensions import db
from alerts.languages import WELSH
from alerts.models import (
    Headline,
    Impact,
    Notice,
    NoticeStatus,
    NoticeUpdate,
    WeatherWarning,
    notice_areas,
    utc_now,
)
from alerts.models.base import UTCDateTime
from alerts.profile import council, postcode_message

PUBLIC_STATUSES = (NoticeStatus.ACTIVE, NoticeStatus.RESOLVED, NoticeStatus.EXPIRED)


@dataclass(frozen=True)
class NoticeFilter:
    area_ids: Sequence[str] = ()
    service_id: str | None = None
    status: str = "active"  # active, resolved (resolved or expired) or all (every public status)


@dataclass(frozen=True)
class ParsedFilter:
    filters: NoticeFilter
    errors: dict[str, str]  # field -> message, for problem+json
    postcode_outside: bool = False  # the postcode is valid but not in the council's area


def parse_notice_filter(
    *, postcode: str | None, area: str | None, service: str | None, status: str, council_name: str
) -> ParsedFilter:
    """Read the public filters (as the API and the feeds take them) into a NoticeFilter, or say what is wrong."""
    errors: dict[str, str] = {}
    area_ids: list[str] = []
    outside = False
    if postcode is not None:
        try:
            answer = reference.area_for_postcode(normalise_postcode(postcode))
        except InvalidPostcode as error:
            errors["postcode"] = postcode_message(error)
        else:
            if answer.area is None:
                outside = True
                errors["postcode"] = _("%(postcode)s is outside %(council)s's area", postcode=answer.postcode,
                                       council=council_name)
            else:
                area_ids.append(answer.area.id)
    if area is not None:
        if reference.get_area(area) is None:
            errors["area"] = _("Unknown area %(area)s: see /api/v1/areas", area=repr(area))
        else:
            area_ids.append(area)
    if service is not None and reference.get_service(service) is None:
        errors["service"] = _("Unknown service %(service)s: see /api/v1/services", service=repr(service))
    filters = NoticeFilter(area_ids=area_ids, service_id=service, status=status)
    return ParsedFilter(filters=filters, errors=errors, postcode_outside=outside)


def _public_query(filters: NoticeFilter) -> Select[tuple[Notice]]:
    query = select(Notice)
    if filters.status == "active":
        query = query.where(Notice.status == NoticeStatus.ACTIVE)
    elif filters.status == "resolved":
        query = query.where(Notice.status.in_([NoticeStatus.RESOLVED, NoticeStatus.EXPIRED]))
    else:
        query = query.where(Notice.status.in_(PUBLIC_STATUSES))
    if filters.area_ids:
        in_area = select(notice_areas.c.notice_id).where(notice_areas.c.area_id.in_(list(filters.area_ids)))
        # County-wide notices apply to every area, so a resident always sees them.
        query = query.where(or_(Notice.whole_county.is_(True), Notice.id.in_(in_area)))
    if filters.service_id:
        query = query.where(Notice.service_id == filters.service_id)
    return query


def list_public_notices(filters: NoticeFilter, *, page: int = 1, page_size: int = 50) -> tuple[list[Notice], int]:
    """A page of public notices, newest change first, and the total count."""
    query = _public_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(Notice.updated_at_utc.desc(), Notice.id.desc()).offset((page - 1) * page_size).limit(page_size)
    )
    return list(rows.unique()), total


def active_notices_for_areas(area_ids: Sequence[str]) -> list[Notice]:
    """Active notices for a resident's areas (county-wide ones included), most severe first.

    For lists of summary cards: the service (joined) and areas (one batched select) are loaded with the notices, but
    not each notice's timeline, which a card does not show (it still loads if something reads it).
    """
    query = _public_query(NoticeFilter(area_ids=area_ids)).options(lazyload(Notice.updates))
    return most_serious_first(db.session.scalars(query).unique())


def active_notices() -> list[Notice]:
    """Every active notice, most serious first: the live disruption the contact centre answers callers about."""
    query = _public_query(NoticeFilter()).options(lazyload(Notice.updates))
    return most_serious_first(db.session.scalars(query).unique())


def most_serious_first(notices: Iterable[Notice]) -> list[Notice]:
    """The one order for lists of live notices, whatever the service: the most serious first, then the latest
    change. Residents' results and the contact centre's list read the same."""
    return sorted(notices, key=lambda n: (Impact(n.impact).rank, -n.updated_at_utc.timestamp()))


# Ids are PostgreSQL integers: a larger number in a URL names no notice, and must not reach the database, where it
# would overflow the parameter and fail the request.
MAX_ID = 2**31 - 1


def get_public_notice(notice_id: int) -> Notice | None:
    if not 0 < notice_id <= MAX_ID:
        return None
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.status not in PUBLIC_STATUSES:
        return None
    return notice


@cache
def _read_state_query() -> Select[Any]:
    """Built once: SQLAlchemy then reuses its cache key and compiled form, which cost more than the query itself."""
    current = select(func.count()).where(
        WeatherWarning.is_current.is_(True),
        or_(WeatherWarning.valid_to_utc.is_(None), WeatherWarning.valid_to_utc > bindparam("now", type_=UTCDateTime)),
    )
    running = select(func.count()).where(Headline.ends_at_utc > bindparam("now", type_=UTCDateTime))
    values = (
        select(func.max(Notice.updated_at_utc)),
        select(func.count()).select_from(Notice),
        select(func.max(Notice.id)),
        select(func.sum(Notice.version)),
        select(func.count()).select_from(NoticeUpdate),
        select(func.max(NoticeUpdate.id)),
        select(func.count()).select_from(WeatherWarning),
        select(func.max(WeatherWarning.updated_at_utc)),
        current,
        select(func.count()).select_from(Headline),
        select(func.max(Headline.updated_at_utc)),
        running,
    )
    return select(*(value.scalar_subquery() for value in values))


def _as_utc(value: dt.datetime | str | None) -> dt.datetime | None:
    """A timestamp as the driver gives it (SQLite: text without a zone) as an aware UTC datetime."""
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@dataclass(frozen=True)
class ReadState:
    """A cheap fingerprint of everything the public reads show (see read_state_marker)."""

    values: tuple[str, ...]
    latest_notice_change: dt.datetime | None  # the feeds' Last-Modified


def read_state_marker(now: dt.datetime | None = None) -> ReadState:
    """What the public reads show, fingerprinted in one round trip: it changes whenever they may.

    Notices: count, highest id, latest change and the sum of versions (every public change bumps `version` and
    `updated_at_utc`; the sum also catches a change stamped by a process whose clock runs behind). Updates: count
    and highest id. Weather warnings: count and latest change, and how many are current *now* (a warning drops off
    the start page when its time runs out, with no write to the database). Officers' headlines: count, latest change
and how many run *now* (one ends with no write either). Every notice counts, public or not:
    a draft's change costs only a needless re-render, never a stale page. Reference data (areas, services,
    postcodes) is not in it: it changes only by deploy or import, and cached pages live for seconds.
    """
    engine = db.engine
    if now is None:
        recent = _recent_read_state(engine)
        if recent is not None:
            return recent
    generation = _watch_commits(engine)
    # Its own short connection, through Core rather than the session: this runs on every public read, a page served
    # from its copy needs nothing else from the database, and the session's machinery costs more than the query.
    # It sees only committed data, which is all a public read may show.
    with engine.connect() as connection:
        row = connection.execute(_read_state_query(), {"now": now or utc_now()}).one()
    latest = _as_utc(row[0])
    # str(): PostgreSQL's sum() is a Decimal and SQLite's an int; only equality matters.
    state = ReadState(values=tuple(str(value) for value in row), latest_notice_change=latest)
    if now is None:
        _remember_read_state(engine, generation, state)
    return state


# A read state is reused for up to this long in a process, unless the process commits anything in between. Under a
# storm the query (with its pool checkout) was a third of a public read's cost; this makes it one query a second per
# process. A change made by this process is seen at once (tests, officers' own pages); one made by another process
# (the scheduler, another web worker) within this time. Cached pages live for READ_CACHE_SECONDS and CDN copies for
# CDN_CACHE_SECONDS anyway, so a second more is nothing a resident could notice.
READ_STATE_REUSE_SECONDS = 1.0
_commits = itertools.count()  # next() is atomic under the GIL
_commit_generation = [0]
_watched: set[int] = set()
_watch_lock = threading.Lock()
_recent: dict[int, tuple[Engine, float, int, ReadState]] = {}


def _count_commit(*_args: Any) -> None:
    _commit_generation[0] = next(_commits) + 1


def _watch_commits(engine: Engine) -> int:
    """This process's commit generation, counting every commit on the engine from now on."""
    if id(engine) not in _watched:
        with _watch_lock:
            if not event.contains(engine, "commit", _count_commit):
                event.listen(engine, "commit", _count_commit)
            _watched.add(id(engine))
            _count_commit()  # anything remembered before we watched is suspect
    return _commit_generation[0]


def _recent_read_state(engine: Engine) -> ReadState | None:
    entry = _recent.get(id(engine))
    if entry is None:
        return None
    remembered_engine, at, generation, state = entry
    if (remembered_engine is not engine or generation != _commit_generation[0]
            or time.monotonic() - at > READ_STATE_REUSE_SECONDS):
        return None
    return state


def _remember_read_state(engine: Engine, generation: int, state: ReadState) -> None:
    # Taken before the query: a commit while it ran leaves a newer generation, so this entry is never used.
    _recent[id(engine)] = (engine, time.monotonic(), generation, state)


def has_active_notices() -> bool:
    """Whether anything is disrupted now: all the start page's banner needs to know."""
    return db.session.scalar(select(Notice.id).where(Notice.status == NoticeStatus.ACTIVE).limit(1)) is not None


def count_active_by_service() -> dict[str, int]:
    rows = db.session.execute(
        select(Notice.service_id, func.count()).where(Notice.status == NoticeStatus.ACTIVE).group_by(Notice.service_id)
    )
    return {service_id: count for service_id, count in rows}


def area_names(notice: Notice) -> list[str]:
    if notice.whole_county:
        return ["Whole county"]
    return [area.name for area in notice.areas]


def writes_in_welsh() -> bool:
    """Whether this council writes every notice in Welsh as well as English."""
    return WELSH in council().languages


def lacks_welsh(notice: Notice) -> bool:
    """A council that writes in Welsh publishes nothing in English alone (the Welsh Language Standards)."""
    return writes_in_welsh() and not (notice.title_cy and notice.summary_cy
                                      and (notice.advice_cy or not notice.advice))
