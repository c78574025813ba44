"""The council profile: everything that makes this service one council's, read from one folder.

`config/councils/<id>/council.json` names the council, its ONS local authority code, Met Office warnings region,
contact details and looks; `areas.json` beside it lists its areas (postcode districts), the whole-area choice and
the neighbouring councils; `services.json` there, if present, replaces the common list in
config/data/services.json; `templates.json`, if present, lists the council's standard notices.
`languages` in council.json (["en"] when absent, ["cy", "en"] for a council that writes in Welsh first) says which
languages residents read: a bilingual profile gives each of their texts as {"cy": "…", "en": "…"}, read into the
field (English) and the field with `_cy` after it (Welsh; None for an English-only council).
COUNCIL (default DEFAULT_COUNCIL) picks the folder. A profile that is missing or malformed stops the service with one
line naming the file and the field (a ConfigurationError, as for unsafe settings). docs/councils.md explains each
field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from config import ConfigurationError
from config.profile_reader import ProfileReader, shown

COUNCILS_DIR = Path(__file__).resolve().parent / "councils"
COMMON_SERVICES = Path(__file__).resolve().parent / "data" / "services.json"
DEFAULT_COUNCIL = "dorset"  # the one place outside its profile that names it (tests/test_council_profile.py)

_ID = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
_LA_CODE = re.compile(r"^[ENSW]\d{8}$")  # England E06/E07/E08/E09/E10, Wales W06, Scotland S12, NI N09
_DISTRICT = re.compile(r"^[A-Z]{1,2}(\d[A-Z\d]?)?$")  # "BH1", "BH23", "SW1A", or a whole postcode area "TA"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


@dataclass(frozen=True)
class Contact:
    website: str
    email: str
    phone: str
    phone_hours: str
    data_protection_email: str
    postal_address: tuple[str, ...]
    phone_hours_cy: str | None = None
    postal_address_cy: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ProfileArea:
    id: str
    name: str
    districts: tuple[str, ...]
    name_cy: str | None = None


@dataclass(frozen=True)
class Neighbour:
    name: str
    url: str
    districts: tuple[str, ...]
    name_cy: str | None = None


@dataclass(frozen=True)
class ProfileService:
    id: str
    name: str
    name_cy: str | None = None


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
    name_cy: str | None = None
    title_cy: str | None = None
    summary_cy: str | None = None
    advice_cy: str | None = None

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
    languages: tuple[str, ...] = ("en",)  # "en", and "cy" for Welsh; the first is the default
    name_cy: str | None = None
    short_name_cy: str | None = None
    service_name_cy: str | None = None
    whole_area_name_cy: str | None = None

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @property
    def is_bilingual(self) -> bool:
        return "cy" in self.languages

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
        raise ConfigurationError(f"COUNCIL={council_id} names no profile: {shown(folder / 'council.json')} does "
                                 f"not exist (profiles: {known}; make one with `flask --app wsgi new-council`)")
    languages = ProfileReader(folder / "council.json").languages()
    bilingual = "cy" in languages
    profile = ProfileReader(folder / "council.json", bilingual=bilingual)
    areas_file = ProfileReader(folder / "areas.json", bilingual=bilingual)
    warnings = profile.section("met_office")
    contact = profile.section("contact")
    name, name_cy = profile.words("name")
    short_name, short_name_cy = profile.words("short_name")
    service_name, service_name_cy = profile.optional_words("service_name") or (
        f"Check disruption to {name} services", f"Gwirio am darfu ar wasanaethau {name_cy}" if bilingual else None)
    phone_hours, phone_hours_cy = contact.words("phone_hours")
    postal_address, postal_address_cy = contact.lines("postal_address")
    whole_area_name, whole_area_name_cy = areas_file.section("whole_area").words("name")
    logo = profile.optional_text("logo")
    logo_path = folder / logo if logo else None
    if logo_path is not None and (logo_path.suffix not in LOGO_TYPES or not logo_path.is_file()
                                  or logo_path.resolve().parent != folder.resolve()):
        raise profile.error("logo", f"must name an .svg or .png file in {shown(folder)}, not {logo!r}")
    colour = profile.optional_text("header_colour")
    if colour is not None and not _COLOUR.match(colour):
        raise profile.error("header_colour", f"must be a colour like #1d70b8, not {colour!r}")
    council = Council(
        id=council_id,
        folder=folder,
        languages=languages,
        name=name, name_cy=name_cy,
        short_name=short_name, short_name_cy=short_name_cy,
        service_name=service_name, service_name_cy=service_name_cy,
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
            phone_hours=phone_hours, phone_hours_cy=phone_hours_cy,
            data_protection_email=contact.text("data_protection_email", re.compile(r"^[^@\s]+@[^@\s]+$"),
                                               "an email address"),
            postal_address=postal_address, postal_address_cy=postal_address_cy,
        ),
        areas=_areas(areas_file),
        whole_area_name=whole_area_name, whole_area_name_cy=whole_area_name_cy,
        neighbours=_neighbours(areas_file),
        services=_services(folder, bilingual),
        header_colour=colour,
        logo=logo_path,
        example_warning=profile.optional_text("example"),
    )
    _check_example_postcode(profile, council)
    if (folder / "templates.json").is_file():
        templates_file = ProfileReader(folder / "templates.json", bilingual=bilingual)
        council = replace(council, templates=_templates(templates_file, council.services))
    return council


def _templates(reader: ProfileReader, services: tuple[ProfileService, ...]) -> tuple[ProfileTemplate, ...]:
    known = {service.id for service in services}
    templates = []
    for index, item in enumerate(reader.items("templates")):
        service_id = item.text("service")
        if service_id not in known:
            raise reader.error(f"templates[{index}].service", f"{service_id!r} is not one of the council's services")
        impact = item.text("impact")
        if impact not in IMPACTS:
            raise reader.error(f"templates[{index}].impact", f"must be minor, major or severe, not {impact!r}")
        (name, name_cy), (title, title_cy) = item.words("name"), item.words("title")
        (summary, summary_cy), (advice, advice_cy) = item.words("summary"), item.words("advice")
        template = ProfileTemplate(
            key=item.text("id", re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$"), "lower case and hyphens"),
            name=name, service_id=service_id, impact=impact, title=title, summary=summary, advice=advice,
            name_cy=name_cy, title_cy=title_cy, summary_cy=summary_cy, advice_cy=advice_cy)
        _check_template_texts(reader, index, template)
        templates.append(template)
    if len({template.key for template in templates}) != len(templates):
        raise reader.error("templates", "two templates share an id")
    return tuple(templates)


def _check_template_texts(reader: ProfileReader, index: int, template: ProfileTemplate) -> None:
    for title in (template.title, template.title_cy or ""):
        if len(title) > 200:
            raise reader.error(f"templates[{index}].title", "must be 200 characters or fewer")
    for name in ("title", "summary", "advice"):
        english, welsh = getattr(template, name), getattr(template, f"{name}_cy")
        problem = placeholder_problem(english) or (placeholder_problem(welsh) if welsh is not None else None)
        if problem:
            raise reader.error(f"templates[{index}].{name}", problem)
        if welsh is not None and set(placeholders_in(welsh)) != set(placeholders_in(english)):
            raise reader.error(f"templates[{index}].{name}",
                               "must have the same placeholders in Welsh and English, such as {area} in both")


def _areas(reader: ProfileReader) -> tuple[ProfileArea, ...]:
    areas = []
    seen: dict[str, str] = {}
    for index, item in enumerate(reader.items("areas")):
        name, name_cy = item.words("name")
        area = ProfileArea(id=item.text("id", re.compile(r"^[a-z0-9][a-z0-9-]*$"), "lower case and hyphens"),
                           name=name, name_cy=name_cy, districts=tuple(item.texts("districts", _DISTRICT)))
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


def _neighbours(reader: ProfileReader) -> tuple[Neighbour, ...]:
    ours = {district for area in _areas(reader) for district in area.districts}
    neighbours = []
    for index, item in enumerate(reader.items("neighbours")):
        name, name_cy = item.words("name")
        neighbour = Neighbour(name=name, name_cy=name_cy,
                              url=item.text("url", re.compile(r"^https://"), "an https:// address"),
                              districts=tuple(item.texts("districts", _DISTRICT)))
        shared = sorted(ours & set(neighbour.districts))
        if shared:
            raise reader.error(f"neighbours[{index}].districts",
                               f"{', '.join(shared)} also in this council's areas: list a shared district once, "
                               "in the areas (see docs/councils.md, 'Districts shared with a neighbour')")
        neighbours.append(neighbour)
    return tuple(neighbours)


def _services(folder: Path, bilingual: bool) -> tuple[ProfileService, ...]:
    """The council's own services.json (in its languages), else the common list, which names each service in Welsh
    and English: an English-only council keeps only the English."""
    own = folder / "services.json"
    reader = ProfileReader(own, bilingual=bilingual) if own.is_file() else ProfileReader(COMMON_SERVICES,
                                                                                          bilingual=True)
    services = []
    for item in reader.items("services"):
        name, name_cy = item.words("name")
        services.append(ProfileService(id=item.text("id", re.compile(r"^[a-z0-9][a-z0-9-]*$"),
                                                    "lower case and hyphens"),
                                       name=name, name_cy=name_cy if bilingual else None))
    if not services:
        raise reader.error("services", "must list at least one service")
    return tuple(services)


def _check_example_postcode(reader: ProfileReader, council: Council) -> None:
    outward = council.example_postcode.split(" ")[0]
    if outward not in council.districts:
        raise reader.error("example_postcode", f"{council.example_postcode!r} is not in any of the council's areas")
