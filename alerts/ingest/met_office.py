"""Understanding the items in a Met Office regional weather warnings RSS feed.

An item looks like this (the feed gives no per-item date):

    title:       Yellow warning of snow, ice affecting South West England
    link:        https://www.metoffice.gov.uk/weather/warnings-and-advice/uk-warnings#?date=2026-12-08&id=0c6b…&referrer=rss
    description: Yellow warning of snow, ice affecting South West England: Devon, Somerset, Wiltshire
                 valid from 1800 Mon 7 Dec to 1100 Tue 8 Dec
"""

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from alerts.ingest.feeds import FeedEntry
from config.settings import DATA_DIR

logger = logging.getLogger(__name__)

WarningLevel = Literal["yellow", "amber", "red"]

UK_TIME = ZoneInfo("Europe/London")

# The names the Met Office gives local authorities in its warnings, by region: shared data, not any one council's.
AREAS_BY_REGION: dict[str, tuple[str, ...]] = {
    region: tuple(names) for region, names in json.loads(
        (DATA_DIR / "met-office-areas.json").read_text(encoding="utf-8")).items() if not region.startswith("_")
}
DEFAULT_SOUTH_WEST_AUTHORITIES = AREAS_BY_REGION["South West England"]


def known_areas_for(region: str, area_name: str) -> tuple[str, ...]:
    """The names to look for in a region's warnings: the region's known names and the council's own."""
    return tuple(dict.fromkeys((*AREAS_BY_REGION.get(region, ()), area_name)))

_LEVELS: dict[str, WarningLevel] = {"yellow": "yellow", "amber": "amber", "red": "red"}
_HAZARD_SPELLINGS = {"thunderstorms": "thunderstorm", "winds": "wind"}

_TITLE = re.compile(
    r"^(?P<level>yellow|amber|red) warning of (?P<hazards>.+?) affecting (?P<region>.+)$", re.IGNORECASE
)

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WHEN = (
    r"(?P<{0}_time>\d{{4}}) (?P<{0}_weekday>[a-z]{{3}})[a-z]* (?P<{0}_day>\d{{1,2}}) (?P<{0}_month>[a-z]{{3}})[a-z]*"
)
_VALIDITY = re.compile(r"\bvalid from " + _WHEN.format("from") + r" to " + _WHEN.format("to") + r"\b", re.IGNORECASE)

# Warnings are issued at most a week or so ahead; a date further than this from the link's date is a misreading.
_MAX_DAYS_FROM_LINK_DATE = 62


@dataclass(frozen=True)
class MetOfficeWarning:
    warning_id: str
    level: WarningLevel
    hazards: tuple[str, ...]
    region: str
    areas: tuple[str, ...]
    valid_from: datetime
    valid_to: datetime
    title: str
    description: str
    link: str
    issued_date: date
    # Items of the description's list that matched no known area: a renamed council shows up here, not as silence.
    unrecognised_areas: tuple[str, ...] = ()

    def mentions(self, area_name: str) -> bool:
        return area_name.casefold() in {area.casefold() for area in self.areas}


@dataclass(frozen=True)
class SkippedEntry:
    title: str
    link: str
    reason: str


@dataclass(frozen=True)
class ParsedWarnings:
    warnings: list[MetOfficeWarning] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)


class _Unparseable(Exception):
    """Why an item is not a warning we understand."""


def parse_warning(entry: FeedEntry, *, known_areas: Sequence[str]) -> MetOfficeWarning | None:
    try:
        return _read_warning(entry, known_areas=known_areas)
    except _Unparseable as reason:
        logger.warning("Skipping Met Office item %r (%s): %s", entry.title, entry.link, reason)
        return None


def parse_warnings(
    entries: Iterable[FeedEntry], *, known_areas: Sequence[str] = DEFAULT_SOUTH_WEST_AUTHORITIES
) -> ParsedWarnings:
    result = ParsedWarnings()
    for entry in entries:
        try:
            result.warnings.append(_read_warning(entry, known_areas=known_areas))
        except _Unparseable as reason:
            logger.warning("Skipping Met Office item %r (%s): %s", entry.title, entry.link, reason)
            result.skipped.append(SkippedEntry(title=entry.title, link=entry.link, reason=str(reason)))
    return result


def _read_warning(entry: FeedEntry, *, known_areas: Sequence[str]) -> MetOfficeWarning:
    params = _link_params(entry.link)
    warning_id = params.get("id", "").strip()
    if not warning_id:
        raise _Unparseable("the link has no id= parameter")

    issued_date = _issued_date(params.get("date", ""))

    title_match = _TITLE.match(" ".join(entry.title.split()))
    if title_match is None:
        raise _Unparseable("the title is not of the form '<level> warning of <hazards> affecting <region>'")
    hazards = _hazards(title_match["hazards"])

    description = " ".join(entry.description.split())
    validity = _VALIDITY.search(description)
    if validity is None:
        raise _Unparseable("the description has no 'valid from HHMM Ddd D Mon to HHMM Ddd D Mon'")
    valid_from = _uk_time(validity, "from", issued_date, latest=False)
    valid_to = _uk_time(validity, "to", valid_from.astimezone(UK_TIME).date(), latest=True)
    if valid_to < valid_from:
        raise _Unparseable("the warning ends before it starts")

    areas, unrecognised_areas = _match_areas(_area_list(description[: validity.start()]), known_areas)
    return MetOfficeWarning(
        warning_id=warning_id,
        level=_LEVELS[title_match["level"].lower()],
        hazards=hazards,
        region=title_match["region"].strip(),
        areas=areas,
        valid_from=valid_from,
        valid_to=valid_to,
        title=entry.title,
        description=entry.description,
        link=entry.link,
        issued_date=issued_date,
        unrecognised_areas=unrecognised_areas,
    )


def warnings_mentioning(warnings: Iterable[MetOfficeWarning], area_name: str) -> list[MetOfficeWarning]:
    return [warning for warning in warnings if warning.mentions(area_name)]


def warning_id_from_link(link: str) -> str | None:
    """The warning id in an item's link, even when the rest of the item could not be read."""
    return _link_params(link).get("id", "").strip() or None


def areas_in(area_list: str, known_areas: Sequence[str]) -> tuple[str, ...]:
    """The known areas named in a comma-separated list, in the order the list gives them."""
    found, _ = _match_areas(area_list, known_areas)
    return found


def _match_areas(area_list: str, known_areas: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The known areas in the list, and the items of the list that are not known areas.

    Names can themselves contain commas ("Bournemouth, Christchurch and Poole"), so rather than splitting the list
    we look for each known name, longest first, as a whole item: between the start of the list or a comma and the
    next comma or the end. A name found is blanked out so that no shorter name is found inside it.
    """
    remaining = " ".join(area_list.split())
    found: list[tuple[int, str]] = []
    for name in sorted(set(known_areas), key=len, reverse=True):
        pattern = re.compile(r"(?:^|(?<=,))\s*(" + re.escape(" ".join(name.split())) + r")\s*(?=,|$)", re.IGNORECASE)
        while (match := pattern.search(remaining)) is not None:
            start, end = match.span(1)
            found.append((start, name))
            remaining = remaining[:start] + "\0" * (end - start) + remaining[end:]
    unrecognised = (item.strip(" \0") for item in remaining.split(","))
    return tuple(dict.fromkeys(name for _, name in sorted(found))), tuple(item for item in unrecognised if item)


def _link_params(link: str) -> dict[str, str]:
    # The Met Office puts the parameters in the fragment ("…/uk-warnings#?date=…&id=…"); accept a query too.
    try:
        parts = urlsplit(link)
    except ValueError:
        return {}
    params: dict[str, str] = {}
    for source in (parts.query, parts.fragment.lstrip("/?")):
        for key, values in parse_qs(source).items():
            params.setdefault(key, values[0])
    return params


def _issued_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise _Unparseable(f"the link's date= parameter is not a date: {value!r}") from None


def _hazards(text: str) -> tuple[str, ...]:
    hazards = []
    for part in re.split(r",|\band\b|&", text.lower()):
        name = " ".join(part.split())
        if name:
            hazards.append(_HAZARD_SPELLINGS.get(name, name))
    if not hazards:
        raise _Unparseable("the title names no hazard")
    return tuple(dict.fromkeys(hazards))


def _area_list(text: str) -> str:
    # "Yellow warning of snow, ice affecting South West England: Devon, Somerset" — the list follows the colon.
    _, colon, after = text.partition(":")
    return after if colon else text


def _uk_time(match: re.Match[str], which: str, reference: date, *, latest: bool) -> datetime:
    hhmm = match[f"{which}_time"]
    hour, minute = int(hhmm[:2]), int(hhmm[2:])
    if hour > 23 or minute > 59:
        raise _Unparseable(f"the {which} time is not a time of day: {hhmm}")
    weekday = match[f"{which}_weekday"].lower()
    if weekday not in _WEEKDAYS:
        raise _Unparseable(f"the {which} weekday is not a day of the week: {match[f'{which}_weekday']}")
    month_name = match[f"{which}_month"].lower()
    if month_name not in _MONTHS:
        raise _Unparseable(f"the {which} month is not a month: {match[f'{which}_month']}")

    day_of_month = _closest_date(
        int(match[f"{which}_day"]), _MONTHS.index(month_name) + 1, _WEEKDAYS.index(weekday), reference
    )
    if day_of_month is None:
        raise _Unparseable(f"the {which} date is not near the link's date {reference.isoformat()}")
    if day_of_month.weekday() != _WEEKDAYS.index(weekday):
        logger.warning("Met Office %s date %s is not a %s; using it anyway", which, day_of_month, weekday.title())

    # At the autumn clock change a UK time happens twice (and at the spring change one never happens): read the
    # start as early as it could be and the end as late, so a warning never looks shorter than it is.
    local = datetime(day_of_month.year, day_of_month.month, day_of_month.day, hour, minute, tzinfo=UK_TIME)
    readings = [local.replace(fold=fold).astimezone(UTC) for fold in (0, 1)]
    return max(readings) if latest else min(readings)


def _closest_date(day: int, month: int, weekday: int, reference: date) -> date | None:
    """The date with this day and month nearest the reference date, or None if none is near it.

    Times carry no year, and the link's date may sit either side of a New Year from the warning's own dates. The
    weekday is a cross-check: we prefer a date that falls on it, and a weekday that matches no near date is logged
    rather than fatal, since the day and month are the likelier to be right.
    """
    candidates = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    candidates = [c for c in candidates if abs(c - reference) <= timedelta(days=_MAX_DAYS_FROM_LINK_DATE)]
    on_weekday = [c for c in candidates if c.weekday() == weekday]
    pool = on_weekday or candidates
    return min(pool, key=lambda c: abs(c - reference), default=None)
