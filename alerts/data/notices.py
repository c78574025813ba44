"""Reading notices: what residents, the API and the feeds see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from alerts.areas.postcodes import InvalidPostcode, normalise_postcode
from alerts.data import reference
from alerts.extensions import db
from alerts.models import Area, Impact, Notice, NoticeStatus, notice_areas

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
            errors["postcode"] = str(error)
        else:
            if answer.area is None:
                outside = True
                errors["postcode"] = f"{answer.postcode} is outside {council_name}'s area"
            else:
                area_ids.append(answer.area.id)
    if area is not None:
        if reference.get_area(area) is None:
            errors["area"] = f"Unknown area {area!r}: see /api/v1/areas"
        else:
            area_ids.append(area)
    if service is not None and reference.get_service(service) is None:
        errors["service"] = f"Unknown service {service!r}: see /api/v1/services"
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
    """Active notices for a resident's areas (county-wide ones included), most severe first."""
    notices = list(db.session.scalars(_public_query(NoticeFilter(area_ids=area_ids))).unique())
    return sorted(notices, key=lambda n: (Impact(n.impact).rank, -n.updated_at_utc.timestamp()))


def active_notices() -> list[Notice]:
    notices = list(db.session.scalars(_public_query(NoticeFilter())).unique())
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


def public_state_marker(filters: NoticeFilter | None = None) -> tuple[int, dt.datetime | None]:
    """(count, latest change) of the public notices: cheap input for ETags and Last-Modified."""
    query = _public_query(filters or NoticeFilter(status="all")).subquery()
    count, latest = db.session.execute(select(func.count(), func.max(query.c.updated_at_utc))).one()
    if latest is not None and latest.tzinfo is None:
        latest = latest.replace(tzinfo=dt.UTC)
    return count or 0, latest


def count_active_by_service() -> dict[str, int]:
    rows = db.session.execute(
        select(Notice.service_id, func.count()).where(Notice.status == NoticeStatus.ACTIVE).group_by(Notice.service_id)
    )
    return {service_id: count for service_id, count in rows}


def area_names(notice: Notice) -> list[str]:
    if notice.whole_county:
        return ["Whole county"]
    return [area.name for area in notice.areas]


def areas_of(notice: Notice) -> list[Area]:
    return list(notice.areas)
