"""Areas, services and postcode lookups: the reference data everything else hangs on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from alerts.areas.postcodes import outward_code, postcode_area
from alerts.data import notice_templates
from alerts.extensions import db
from alerts.models import Area, CouncilRecord, PostcodeLookup, Service
from alerts.profile import council
from config.council import Council, Neighbour

WHOLE_COUNTY_ID = "whole-county"


@dataclass(frozen=True)
class PostcodeAnswer:
    """Where a valid postcode is: in one of our areas, or outside the council's area."""

    postcode: str
    area: Area | None
    neighbour: Neighbour | None = None
    # No such district in a postcode area where we hold districts (XX99 9ZZ, where XX1 is ours): a typo, not a place
    # outside the council.
    not_found: bool = False

    @property
    def is_outside(self) -> bool:
        return self.area is None


class CouncilMismatch(RuntimeError):
    """The database holds another council's areas: loading this profile would mix two councils."""


def recorded_council() -> str | None:
    """The id of the council whose profile this database holds, or None before reference data is first loaded."""
    record = db.session.get(CouncilRecord, 1)
    return record.council_id if record else None


def check_council(profile: Council) -> None:
    """Raise CouncilMismatch unless this database is empty of councils or holds this profile's."""
    record = db.session.get(CouncilRecord, 1)
    if record is not None and record.council_id != profile.id:
        raise CouncilMismatch(
            f"this database holds {record.name}'s areas and alerts (COUNCIL={record.council_id}), not "
            f"{profile.name}'s (COUNCIL={profile.id}). Loading them would mix two councils' residents and notices: "
            f"use a new database for COUNCIL={profile.id}, or set COUNCIL={record.council_id}.")
    if record is None:
        # A database loaded before the council_profile table existed has no record: its towns tell whose it is.
        ours = {area.id for area in profile.areas}
        foreign = sorted(set(db.session.scalars(select(Area.id).where(Area.kind == "town"))) - ours)
        if foreign:
            raise CouncilMismatch(
                f"this database holds areas that are not in the COUNCIL={profile.id} profile ({', '.join(foreign[:5])}"
                f"{', …' if len(foreign) > 5 else ''}): it was loaded for another council. Use a new database for "
                f"COUNCIL={profile.id}, or set COUNCIL to the council it was loaded for.")


def load_reference_data(profile: Council | None = None) -> None:
    """Create or refresh the council profile's areas, services and postcode districts, and record whose they are.

    Safe to run twice; refused (CouncilMismatch) on a database that holds another council's. The caller commits.
    """
    profile = profile or council()
    check_council(profile)
    rows: list[tuple[str, str, str | None, str, bool, int, tuple[str, ...]]] = [
        (WHOLE_COUNTY_ID, profile.whole_area_name, profile.whole_area_name_cy, "county", True, 0, ())]
    rows += [(a.id, a.name, a.name_cy, "town", False, i + 1, a.districts) for i, a in enumerate(profile.areas)]
    for area_id, name, name_cy, kind, is_whole, order, districts in rows:
        area = db.session.get(Area, area_id) or Area(id=area_id)
        area.name, area.name_cy, area.kind, area.is_whole_county, area.sort_order = name, name_cy, kind, is_whole, order
        db.session.add(area)
        for district in districts:
            lookup = db.session.get(PostcodeLookup, district) or PostcodeLookup(key=district)
            lookup.area_id, lookup.is_district = area_id, True
            db.session.add(lookup)
    for i, item in enumerate(profile.services):
        service = db.session.get(Service, item.id) or Service(id=item.id)
        service.name, service.name_cy, service.sort_order = item.name, item.name_cy, i
        db.session.add(service)
    notice_templates.seed_from_profile(profile)
    record = db.session.get(CouncilRecord, 1) or CouncilRecord(id=1, council_id=profile.id)
    record.name = profile.name
    db.session.add(record)
    db.session.flush()


def list_areas(include_whole_county: bool = True) -> list[Area]:
    query = select(Area).order_by(Area.sort_order, Area.name)
    if not include_whole_county:
        query = query.where(Area.is_whole_county.is_(False))
    return list(db.session.scalars(query))


def get_area(area_id: str) -> Area | None:
    return db.session.get(Area, area_id)


def get_areas(area_ids: Iterable[str]) -> list[Area]:
    ids = list(area_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Area).where(Area.id.in_(ids)).order_by(Area.sort_order)))


def list_services() -> list[Service]:
    return list(db.session.scalars(select(Service).order_by(Service.sort_order, Service.name)))


def get_service(service_id: str) -> Service | None:
    return db.session.get(Service, service_id)


def neighbouring_council(postcode: str) -> Neighbour | None:
    neighbours = council().neighbours
    for key in (outward_code(postcode), postcode_area(postcode)):
        for neighbour in neighbours:
            if key in neighbour.districts:
                return neighbour
    return None


def area_for_postcode(postcode: str) -> PostcodeAnswer:
    """Resolve a normalised postcode: a full-postcode row (ONSPD) wins over its district's row."""
    rows = db.session.execute(
        select(PostcodeLookup.key, Area)
        .join(Area, Area.id == PostcodeLookup.area_id)
        .where(PostcodeLookup.key.in_([postcode, outward_code(postcode)]))
    ).all()
    by_key = {key: area for key, area in rows}
    area = by_key.get(postcode) or by_key.get(outward_code(postcode))
    if area is None:
        neighbour = neighbouring_council(postcode)
        return PostcodeAnswer(postcode=postcode, area=None, neighbour=neighbour,
                              not_found=neighbour is None and _holds_postcode_area(postcode_area(postcode)))
    return PostcodeAnswer(postcode=postcode, area=area)


def _holds_postcode_area(letters: str) -> bool:
    """Whether any district of this postcode area ("SW", not "S") is ours, so an unknown one in it doesn't exist."""
    return db.session.scalar(select(PostcodeLookup.key).where(
        or_(*(PostcodeLookup.key.like(f"{letters}{digit}%") for digit in range(10)))).limit(1)) is not None


def upsert_postcode_lookups(rows: list[tuple[str, str]]) -> int:
    """Insert or replace (postcode, area id) rows in one statement; returns the number written."""
    if not rows:
        return 0
    values = [{"key": key, "area_id": area_id, "is_district": False} for key, area_id in rows]
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(PostcodeLookup).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[PostcodeLookup.key], set_={"area_id": statement.excluded.area_id, "is_district": False}
    )
    db.session.execute(statement)
    return len(values)


def ensure_ward_areas(wards: dict[str, str]) -> None:
    """Create ward areas (id -> name) that don't exist yet, after the shipped towns in sort order."""
    existing = set(db.session.scalars(select(Area.id).where(Area.id.in_(list(wards)))))
    start = 1000
    for offset, (area_id, name) in enumerate(sorted(wards.items(), key=lambda item: item[1])):
        if area_id not in existing:
            db.session.add(Area(id=area_id, name=name, kind="ward", sort_order=start + offset))
    db.session.flush()

