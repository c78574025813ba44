"""The council profile: everything that makes this service one council's, read from one folder.

`config/councils/<id>/council.json` names the council, its ONS local authority code, Met Office warnings region,
contact details and looks; `areas.json` beside it lists its areas (postcode districts), the whole-area choice and
the neighbouring councils; `services.json` there, if present, replaces the common list in
config/data/services.json; `templates.json`, if present, lists the council's standard notices.
COUNCIL (default DEFAULT_COUNCIL) picks the folder. A profile that is missing or malformed stops the service with one
line naming the file and the field (a ConfigurationError, as for unsafe settings). docs/councils.md explains each
field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from config import ConfigurationError

COUNCILS_DIR = Path(__file__).resolve().parent / "councils"
COMMON_SERVICES = Path(__file__).resolve().parent / "data" / "services.json"
DEFAULT_COUNCIL = "dorset"  # the one place outside its profile that names it (tests/test_council_profile.py)

_ID = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
_LA_CODE = re.compile(r"^[ENSW]\d{8}$")  # England E06/E07/E08/E09/E10, Wales W06, Scotland S12, NI N09
_DISTRICT = re.compile(r"^[A-Z]{1,2}(\d[A-Z\d]?)?$")  # "BH1", "BH23", "SW1A", or a whole postcode area "TA"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
_UNREAD = object()
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


@dataclass(frozen=True)
class Contact:
    website: str
    email: str
    phone: str
    phone_hours: str
    data_protection_email: str
    postal_address: tuple[str, ...]


@dataclass(frozen=True)
class ProfileArea:
    id: str
    name: str
    districts: tuple[str, ...]


@dataclass(frozen=True)
class Neighbour:
    name: str
    url: str
    districts: tuple[str, ...]


@dataclass(frozen=True)
class ProfileService:
    id: str
    name: str


@dataclass(frozen=True)
class ProfileTemplate:
    """One standard notice: its text holds placeholders such as {area} that the officer fills in."""
    key: str
    name: str
    service_id: str
    impact: str
    title: str
    summary: str
    advice: str

    @property
    def placeholders(self) -> list[str]:
        return placeholders_in(self.title, self.summary, self.advice)


IMPACTS = ("minor", "major", "severe")
PLACEHOLDER = re.compile(r"\{([a-z][a-z_]{0,29})\}")


def placeholders_in(*texts: str) -> list[str]:
    """The placeholders in these texts, each once, in the order they first appear."""
    return list(dict.fromkeys(name for text in texts for name in PLACEHOLDER.findall(text)))


def placeholder_problem(text: str) -> str | None:
    """Why this text's braces are not placeholders like {area}, or None."""
    if "{" in PLACEHOLDER.sub("", text) or "}" in PLACEHOLDER.sub("", text):
        return "has a { or } that is not a placeholder like {area} (lower case letters and _ inside braces)"
    return None


@dataclass(frozen=True)
class Council:
    id: str
    folder: Path
    name: str  # "<Place> Council": who sends, who you asked
    short_name: str  # "<Place>": the place ("across <Place>", "Enter a postcode in <Place>")
    local_authority_code: str  # ONS code, for CAP <geocode> and the ONSPD import
    domain: str
    example_postcode: str
    warnings_region: str  # the Met Office region whose RSS feed lists this council
    warnings_feed_url: str
    warnings_area_name: str  # how the Met Office names this council in that feed's area lists
    contact: Contact
    areas: tuple[ProfileArea, ...]
    whole_area_name: str
    neighbours: tuple[Neighbour, ...]
    services: tuple[ProfileService, ...]
    header_colour: str | None = None
    logo: Path | None = None
    example_warning: str | None = None  # set on a profile nobody from the council has checked yet
    templates: tuple[ProfileTemplate, ...] = ()
    service_name: str = field(default="")
    languages: tuple[str, ...] = ("en",)  # the first is the default

    @property
    def districts(self) -> dict[str, str]:
        """Postcode district -> area id."""
        return {district: area.id for area in self.areas for district in area.districts}


def council_settings(council: Council) -> dict[str, str]:
    """The app settings a profile provides, for create_app() to use where the environment set none."""
    return {
        "SERVICE_NAME": council.service_name,
        "COUNCIL_NAME": council.name,
        "LOCAL_AUTHORITY_CODE": council.local_authority_code,
        "WARNING_AREA_NAME": council.warnings_area_name,
        "MET_OFFICE_FEED_URL": council.warnings_feed_url,
    }


def council_id_from_environment(value: str | None) -> str:
    return (value or "").strip() or DEFAULT_COUNCIL


def available_councils(root: Path = COUNCILS_DIR) -> list[str]:
    return sorted(path.name for path in root.iterdir() if (path / "council.json").is_file())


@cache
def load_council(council_id: str, root: Path = COUNCILS_DIR) -> Council:
    """Read and check one profile; raises ConfigurationError naming the file and field at fault."""
    if not _ID.match(council_id):
        raise ConfigurationError(f"COUNCIL must be a profile id such as 'bcp' (lower case, digits, hyphens), "
                                 f"not {council_id!r}")
    folder = root / council_id
    if not (folder / "council.json").is_file():
        known = ", ".join(available_councils(root)) or "none"
        raise ConfigurationError(f"COUNCIL={council_id} names no profile: {_shown(folder / 'council.json')} does "
                                 f"not exist (profiles: {known}; make one with `flask --app wsgi new-council`)")
    profile = _Reader(folder / "council.json")
    areas_file = _Reader(folder / "areas.json")
    templates_file = _Reader(folder / "templates.json") if (folder / "templates.json").is_file() else None
    services_file = _Reader(folder / "services.json") if (folder / "services.json").is_file() else _Reader(
        COMMON_SERVICES)
    warnings = profile.section("met_office")
    contact = profile.section("contact")
    name = profile.text("name")
    logo = profile.optional_text("logo")
    logo_path = folder / logo if logo else None
    if logo_path is not None and (logo_path.suffix not in LOGO_TYPES or not logo_path.is_file()
                                  or logo_path.resolve().parent != folder.resolve()):
        raise profile.error("logo", f"must name an .svg or .png file in {_shown(folder)}, not {logo!r}")
    colour = profile.optional_text("header_colour")
    if colour is not None and not _COLOUR.match(colour):
        raise profile.error("header_colour", f"must be a colour like #1d70b8, not {colour!r}")
    council = Council(
        id=council_id,
        folder=folder,
        name=name,
        short_name=profile.text("short_name"),
        service_name=profile.optional_text("service_name") or f"Check disruption to {name} services",
        local_authority_code=profile.text("local_authority_code", _LA_CODE, "an ONS code like E06000058"),
        domain=profile.text("domain", _DOMAIN, "a host name like example.gov.uk"),
        example_postcode=profile.text("example_postcode"),
        warnings_region=warnings.text("region"),
        warnings_feed_url=warnings.text("feed_url", re.compile(r"^https://"), "an https:// address"),
        warnings_area_name=warnings.text("area_name"),
        contact=Contact(
            website=contact.text("website", re.compile(r"^https://"), "an https:// address"),
            email=contact.text("email", re.compile(r"^[^@\s]+@[^@\s]+$"), "an email address"),
            phone=contact.text("phone"),
            phone_hours=contact.text("phone_hours"),
            data_protection_email=contact.text("data_protection_email", re.compile(r"^[^@\s]+@[^@\s]+$"),
                                               "an email address"),
            postal_address=tuple(contact.texts("postal_address")),
        ),
        areas=_areas(areas_file),
        whole_area_name=areas_file.section("whole_area").text("name"),
        neighbours=_neighbours(areas_file),
        services=_services(services_file),
        header_colour=colour,
        logo=logo_path,
        example_warning=profile.optional_text("example"),
        languages=tuple(profile.data.get("languages") or ("en",)),
    )
    _check_example_postcode(profile, council)
    if templates_file is not None:
        council = replace(council, templates=_templates(templates_file, council.services))
    return council


def _templates(reader: _Reader, services: tuple[ProfileService, ...]) -> tuple[ProfileTemplate, ...]:
    known = {service.id for service in services}
    templates = []
    for index, item in enumerate(reader.items("templates")):
        service_id = item.text("service")
        if service_id not in known:
            raise reader.error(f"templates[{index}].service", f"{service_id!r} is not one of the council's services")
        impact = item.text("impact")
        if impact not in IMPACTS:
            raise reader.error(f"templates[{index}].impact", f"must be minor, major or severe, not {impact!r}")
        template = ProfileTemplate(
            key=item.text("id", re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$"), "lower case and hyphens"),
            name=item.text("name"), service_id=service_id, impact=impact, title=item.text("title"),
            summary=item.text("summary"), advice=item.text("advice"))
        if len(template.title) > 200:
            raise reader.error(f"templates[{index}].title", "must be 200 characters or fewer")
        for name in ("title", "summary", "advice"):
            problem = placeholder_problem(getattr(template, name))
            if problem:
                raise reader.error(f"templates[{index}].{name}", problem)
        templates.append(template)
    if len({template.key for template in templates}) != len(templates):
        raise reader.error("templates", "two templates share an id")
    return tuple(templates)


def _areas(reader: _Reader) -> tuple[ProfileArea, ...]:
    areas = []
    seen: dict[str, str] = {}
    for index, item in enumerate(reader.items("areas")):
        area = ProfileArea(id=item.text("id", re.compile(r"^[a-z0-9][a-z0-9-]*$"), "lower case and hyphens"),
                           name=item.text("name"), districts=tuple(item.texts("districts", _DISTRICT)))
        if area.id == "whole-county" or area.id.startswith("ward-"):
            raise reader.error(f"areas[{index}].id", f"{area.id!r} is reserved")
        for district in area.districts:
            if district in seen:
                raise reader.error(f"areas[{index}].districts",
                                   f"{district} is already in area {seen[district]!r}: a district belongs to one area")
            seen[district] = area.id
        areas.append(area)
    if len({area.id for area in areas}) != len(areas):
        raise reader.error("areas", "two areas share an id")
    if not areas:
        raise reader.error("areas", "must list at least one area")
    return tuple(areas)


def _neighbours(reader: _Reader) -> tuple[Neighbour, ...]:
    ours = {district for area in _areas(reader) for district in area.districts}
    neighbours = []
    for index, item in enumerate(reader.items("neighbours")):
        neighbour = Neighbour(name=item.text("name"),
                              url=item.text("url", re.compile(r"^https://"), "an https:// address"),
                              districts=tuple(item.texts("districts", _DISTRICT)))
        shared = sorted(ours & set(neighbour.districts))
        if shared:
            raise reader.error(f"neighbours[{index}].districts",
                               f"{', '.join(shared)} also in this council's areas: list a shared district once, "
                               "in the areas (see docs/councils.md, 'Districts shared with a neighbour')")
        neighbours.append(neighbour)
    return tuple(neighbours)


def _services(reader: _Reader) -> tuple[ProfileService, ...]:
    services = tuple(ProfileService(id=item.text("id", re.compile(r"^[a-z0-9][a-z0-9-]*$"), "lower case and hyphens"),
                                    name=item.text("name")) for item in reader.items("services"))
    if not services:
        raise reader.error("services", "must list at least one service")
    return services


def _check_example_postcode(reader: _Reader, council: Council) -> None:
    outward = council.example_postcode.split(" ")[0]
    if outward not in council.districts:
        raise reader.error("example_postcode", f"{council.example_postcode!r} is not in any of the council's areas")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(COUNCILS_DIR.parent.parent))
    except ValueError:
        return str(path)


class _Reader:
    """One JSON object of a profile file, with the path to it for error messages."""

    def __init__(self, file: Path, data: Any = _UNREAD, where: str = "") -> None:
        self.file, self.where = file, where
        if data is _UNREAD:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise ConfigurationError(f"{_shown(file)} is missing") from None
            except (OSError, ValueError) as error:
                raise ConfigurationError(f"{_shown(file)} is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise ConfigurationError(f"{_shown(file)}: {where or 'the file'} must be a JSON object")
        self.data = data

    def error(self, name: str, problem: str) -> ConfigurationError:
        return ConfigurationError(f"{_shown(self.file)}: field '{self._path(name)}' {problem}")

    def _path(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def text(self, name: str, pattern: re.Pattern[str] | None = None, meaning: str = "") -> str:
        value = self.data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, "is missing or empty")
        if pattern is not None and not pattern.match(value.strip()):
            raise self.error(name, f"must be {meaning}, not {value!r}")
        return value.strip()

    def optional_text(self, name: str) -> str | None:
        if self.data.get(name) in (None, ""):
            return None
        return self.text(name)

    def texts(self, name: str, pattern: re.Pattern[str] | None = None) -> list[str]:
        values = self.data.get(name)
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise self.error(name, "must be a list of one or more texts")
        for value in values:
            if pattern is not None and not pattern.match(value):
                raise self.error(name, f"has {value!r}, which is not a postcode district like BH1 or an area like TA")
        return [value.strip() for value in values]

    def section(self, name: str) -> _Reader:
        value = self.data.get(name)
        if not isinstance(value, dict):
            raise self.error(name, "is missing or not an object")
        return _Reader(self.file, value, self._path(name))

    def items(self, name: str) -> list[_Reader]:
        values = self.data.get(name)
        if not isinstance(values, list):
            raise self.error(name, "is missing or not a list")
        return [_Reader(self.file, value, f"{self._path(name)}[{index}]") for index, value in enumerate(values)]
