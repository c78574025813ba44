"""`flask --app wsgi new-council ID`: scaffold a council profile in config/councils/<id>/.

Asks for the council's names, codes and contact details; the areas come from answers or from a CSV of postcode
districts (`district,area`). The common service list is used (add a services.json to the folder to change it) and
neighbours start empty. The new profile is read back with config/council.py, so what it writes is what it checks.
With `--languages cy,en` it also asks for the Welsh of each text residents read (a CSV's third column is an area's
Welsh name) and writes them as {"cy": …, "en": …}.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import click

from config import ConfigurationError
from config.council import COUNCILS_DIR, load_council

# The Met Office's regional warnings feeds (https://www.metoffice.gov.uk/weather/guides/rss): region -> feed code.
MET_OFFICE_FEEDS = {
    "Orkney & Shetland": "os", "Highlands & Eilean Siar": "he", "Grampian": "gr", "Strathclyde": "st",
    "Central, Tayside & Fife": "ta", "SW Scotland, Lothian Borders": "dg", "Northern Ireland": "ni",
    "Wales": "wl", "North West England": "nw", "North East England": "ne", "Yorkshire & Humber": "yh",
    "West Midlands": "wm", "East Midlands": "em", "East of England": "ee", "London & South East England": "se",
    "South West England": "sw",
}
FEED_URL = "https://www.metoffice.gov.uk/public/data/PWSCache/WarningsRSS/Region/{code}"
_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
WELSH_PHONE_HOURS = "Dydd Llun i ddydd Gwener, 9yb i 5yh (ac eithrio gwyliau banc)"


def _in_languages(english: object, welsh: object | None) -> object:
    """A text as the profile writes it: plain for an English-only council, {"cy", "en"} for a bilingual one."""
    return english if welsh is None else {"cy": welsh, "en": english}


def _languages(text: str) -> list[str]:
    languages = [part.strip().lower() for part in text.split(",") if part.strip()]
    if "en" not in languages or not set(languages) <= {"cy", "en"} or len(set(languages)) != len(languages):
        raise click.BadParameter('"en", or "cy,en" for Welsh first, or "en,cy"')
    return languages


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _districts(text: str) -> list[str]:
    found = [part.upper() for part in re.split(r"[\s,;]+", text) if part]
    bad = [district for district in found if not _DISTRICT.match(district)]
    if bad:
        raise click.BadParameter(f"not postcode districts: {', '.join(bad)} (write them like BH1 or SW1A)")
    return found


def areas_from_csv(file: Path, welsh: bool = False) -> list[dict]:
    """Rows `district,area`: districts with the same area name form one area; without a name, its own. With Welsh,
    a third column gives the area's Welsh name (the English name when it is empty)."""
    grouped: dict[str, list[str]] = {}
    welsh_names: dict[str, str] = {}
    with file.open(newline="", encoding="utf-8-sig") as handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            if not row or not row[0].strip() or row[0].strip().lower() in ("district", "postcode district"):
                continue
            district = row[0].strip().upper()
            if not _DISTRICT.match(district):
                raise click.ClickException(f"{file} line {line}: {district!r} is not a postcode district")
            name = (row[1].strip() if len(row) > 1 else "") or district
            grouped.setdefault(name, []).append(district)
            welsh_names.setdefault(name, (row[2].strip() if len(row) > 2 else "") or name)
    if not grouped:
        raise click.ClickException(f"{file} lists no postcode districts")
    return [{"id": _slug(name), "name": _in_languages(name, welsh_names[name] if welsh else None),
             "districts": districts} for name, districts in grouped.items()]


def _lines(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _areas_from_prompts(welsh: bool = False) -> list[dict]:
    click.echo("Areas residents choose from, each with its postcode districts. Leave the name empty to finish.")
    areas: list[dict] = []
    while True:
        name = click.prompt("Area name", default="", show_default=False).strip()
        if not name:
            if areas:
                return areas
            click.echo("Enter at least one area.")
            continue
        name_cy = click.prompt(f"{name} in Welsh", default=name) if welsh else None
        districts = click.prompt(f"Postcode districts in {name} (e.g. BH1 BH2)", value_proc=_districts)
        areas.append({"id": _slug(name), "name": _in_languages(name, name_cy), "districts": districts})


@click.command("new-council")
@click.argument("council_id")
@click.option("--districts-csv", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Postcode districts, one a row: district,area name.")
@click.option("--languages", default="en", show_default=True, callback=lambda _c, _p, value: _languages(value),
              help='The languages residents read: "en", or "cy,en" for Welsh first (the first is the default).')
@click.option("--councils-dir", type=click.Path(file_okay=False, path_type=Path), default=COUNCILS_DIR,
              hidden=True)
def new_council(council_id: str, districts_csv: Path | None, languages: list[str], councils_dir: Path) -> None:
    """Make config/councils/COUNCIL_ID/ from your answers; then run with COUNCIL=COUNCIL_ID."""
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,39}", council_id):
        raise click.ClickException("COUNCIL_ID is lower case letters, digits and hyphens, such as 'bcp'")
    folder = councils_dir / council_id
    if folder.exists():
        raise click.ClickException(f"{folder} already exists: edit its files, or choose another id")
    name = click.prompt("Council name (as residents know it)", default=f"{council_id.title()} Council")
    short_name = click.prompt("The place, for 'across …' and 'Enter a postcode in …'",
                              default=name.removesuffix(" Council"))
    welsh = "cy" in languages
    name_cy = click.prompt("The council's name in Welsh", default=f"Cyngor {short_name}") if welsh else None
    short_name_cy = click.prompt("The place in Welsh", default=short_name) if welsh else None
    code = click.prompt("ONS local authority code (e.g. E06000058)").strip().upper()
    domain = click.prompt("The council's web domain (e.g. example.gov.uk)").strip().lower()
    region = click.prompt("Met Office warnings region", type=click.Choice(list(MET_OFFICE_FEEDS)),
                          default="South West England")
    area_name = click.prompt("The Met Office's name for the council in its warnings", default=short_name)
    phone_hours_default = "Monday to Friday, 9am to 5pm (except bank holidays)"
    contact = {
        "website": click.prompt("Website", default=f"https://www.{domain}/"),
        "email": click.prompt("Email address for questions about alerts", default=f"alerts@{domain}"),
        "phone": click.prompt("Telephone number"),
        "phone_hours": _in_languages(
            click.prompt("Telephone opening hours", default=phone_hours_default),
            click.prompt("Telephone opening hours in Welsh", default=WELSH_PHONE_HOURS) if welsh else None),
        "data_protection_email": click.prompt("Data protection email", default=f"dataprotection@{domain}"),
        "postal_address": _in_languages(
            _lines(click.prompt("Postal address, lines separated by commas")),
            _lines(click.prompt("Postal address in Welsh, lines separated by commas")) if welsh else None),
    }
    areas = areas_from_csv(districts_csv, welsh) if districts_csv else _areas_from_prompts(welsh)
    example_postcode = click.prompt("A postcode in the council's area, for examples",
                                    default=f"{areas[0]['districts'][0]} 1AA").strip().upper()
    profile = {
        **({"languages": languages} if welsh else {}),
        "name": _in_languages(name, name_cy), "short_name": _in_languages(short_name, short_name_cy),
        "local_authority_code": code, "domain": domain,
        "example_postcode": example_postcode,
        "met_office": {"region": region, "feed_url": FEED_URL.format(code=MET_OFFICE_FEEDS[region]),
                       "area_name": area_name},
        "contact": contact,
    }
    folder.mkdir(parents=True)
    try:
        (folder / "council.json").write_text(json.dumps(profile, indent=2, ensure_ascii=False) + "\n")
        (folder / "areas.json").write_text(json.dumps(
            {"areas": areas, "whole_area": {"name": _in_languages("Whole council area",
                                                                  "Holl ardal y cyngor" if welsh else None)},
             "neighbours": []},
            indent=2, ensure_ascii=False) + "\n")
        load_council(council_id, councils_dir)
    except ConfigurationError as problem:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()
        raise click.ClickException(f"Nothing written: {problem}") from None
    click.echo(f"Wrote {folder}/council.json and areas.json ({len(areas)} areas). Add neighbouring councils to "
               f"areas.json, then: COUNCIL={council_id} flask --app wsgi db upgrade && "
               f"COUNCIL={council_id} flask --app wsgi load-reference-data")
