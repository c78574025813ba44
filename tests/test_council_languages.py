"""A council profile's languages: a council in Wales gives every text residents read in Welsh and English, as
{"cy": "…", "en": "…"}, read into the field (English) and <field>_cy (Welsh); an English-only one keeps plain texts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from config import ConfigurationError
from config.council import COUNCILS_DIR, load_council

BOTH = 'must give Welsh and English: {"cy": "…", "en": "…"}'


@pytest.fixture
def councils(tmp_path: Path) -> Iterator[Path]:
    """A copy of the shipped profiles to break."""
    shutil.copytree(COUNCILS_DIR, tmp_path / "councils")
    load_council.cache_clear()
    yield tmp_path / "councils"
    load_council.cache_clear()


def _change(councils: Path, council_id: str, file: str, change: Callable[[Any], object]) -> None:
    path = councils / council_id / file
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _refusal(councils: Path, council_id: str) -> str:
    with pytest.raises(ConfigurationError) as refusal:
        load_council(council_id, councils)
    return str(refusal.value)


def test_the_welsh_profile_speaks_welsh_first_and_english() -> None:
    council = load_council("ceredigion")
    assert council.languages == ("cy", "en")
    assert council.default_language == "cy" and council.is_bilingual
    assert (council.name, council.name_cy) == ("Ceredigion County Council", "Cyngor Sir Ceredigion")
    assert (council.short_name, council.short_name_cy) == ("Ceredigion", "Ceredigion")
    assert council.service_name_cy == "Gwirio am darfu ar wasanaethau Cyngor Sir Ceredigion"
    assert council.whole_area_name_cy == "Holl ardal y cyngor"
    assert council.contact.phone_hours_cy and council.contact.phone_hours_cy.startswith("Dydd Llun i ddydd Gwener")
    assert council.contact.postal_address_cy == ("Cyngor Sir Ceredigion", "Canolfan Rheidol", "Rhodfa Padarn",
                                                 "Llanbadarn Fawr", "Aberystwyth", "SY23 3UE")
    lampeter = next(area for area in council.areas if area.id == "lampeter")
    assert (lampeter.name, lampeter.name_cy, lampeter.districts) == ("Lampeter", "Llanbedr Pont Steffan", ("SA48",))
    assert {neighbour.name_cy for neighbour in council.neighbours} == {
        "Cyngor Gwynedd", "Cyngor Sir Powys", "Cyngor Sir Caerfyrddin", "Cyngor Sir Penfro"}
    assert {service.id: service.name_cy for service in council.services}["roads-and-gritting"] == "Ffyrdd a graeanu"
    assert all(t.name_cy and t.title_cy and t.summary_cy and t.advice_cy for t in council.templates)


def test_the_welsh_profile_is_a_real_council_in_wales_and_says_it_is_an_example() -> None:
    council = load_council("ceredigion")
    assert (council.local_authority_code, council.domain) == ("W06000008", "ceredigion.gov.uk")
    assert (council.warnings_region, council.warnings_area_name) == ("Wales", "Ceredigion")
    assert council.warnings_feed_url.endswith("/Region/wl")
    assert council.example_postcode == "SY23 3UE" and council.districts["SY23"] == "aberystwyth"
    assert council.example_warning and council.example_warning.startswith("EXAMPLE — check before use")
    assert council.contact.phone.startswith("01632 96")  # Ofcom's drama range: nobody's number


def test_the_welsh_profiles_header_is_dark_enough_for_white_text() -> None:
    colour = load_council("ceredigion").header_colour
    assert colour is not None

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    assert 1.05 / (luminance + 0.05) >= 4.5


def test_the_welsh_profiles_districts_are_not_its_neighbours_and_the_shared_ones_are_named() -> None:
    council = load_council("ceredigion")
    comment = json.loads((COUNCILS_DIR / "ceredigion" / "areas.json").read_text(encoding="utf-8"))["_comment"]
    for district in ("SA43", "SA44", "SA48", "SY20", "SA38"):
        assert district in comment
    theirs = {district for neighbour in council.neighbours for district in neighbour.districts}
    assert not theirs & set(council.districts)
    assert {"SY20", "SA38", "SA40"} <= theirs


@pytest.mark.parametrize("council_id", ["dorset", "bcp"])
def test_english_only_profiles_have_no_welsh(council_id: str) -> None:
    council = load_council(council_id)
    assert council.languages == ("en",) and council.default_language == "en" and not council.is_bilingual
    assert (council.name_cy, council.short_name_cy, council.service_name_cy, council.whole_area_name_cy) == (
        None, None, None, None)
    assert council.contact.phone_hours_cy is None and council.contact.postal_address_cy is None
    assert all(area.name_cy is None for area in council.areas)
    assert all(neighbour.name_cy is None for neighbour in council.neighbours)
    # The common list names each service in both languages; an English-only council reads the English only.
    assert [service.name for service in council.services][:2] == ["Bins and recycling", "Household recycling centres"]
    assert all(service.name_cy is None for service in council.services)
    assert all(template.title_cy is None for template in council.templates)


@pytest.mark.parametrize("languages", [["cy"], [], ["en", "en"], ["fr", "en"], "en", ["cy", "en", "cy"]])
def test_a_profile_with_languages_that_are_not_welsh_and_english_is_refused(councils: Path, languages) -> None:
    _change(councils, "ceredigion", "council.json", lambda data: data.update(languages=languages))
    assert ("ceredigion/council.json: field 'languages' must list \"en\", and \"cy\" for Welsh, each once "
            "(the first is the default), such as [\"cy\", \"en\"], not ") in _refusal(councils, "ceredigion")


def test_english_first_makes_english_the_default_of_a_bilingual_council(councils: Path) -> None:
    _change(councils, "ceredigion", "council.json", lambda data: data.update(languages=["en", "cy"]))
    council = load_council("ceredigion", councils)
    assert council.default_language == "en" and council.is_bilingual


def _english_only(data: dict[str, Any], field: str) -> None:
    """Replace {"cy": …, "en": …} at a dotted path with the English alone."""
    *path, last = field.split(".")
    for part in path:
        data = data[int(part)] if isinstance(data, list) else data[part]
    data[last] = data[last]["en"]


@pytest.mark.parametrize("file, field", [
    ("council.json", "name"),
    ("council.json", "short_name"),
    ("council.json", "service_name"),
    ("council.json", "contact.phone_hours"),
    ("council.json", "contact.postal_address"),
    ("areas.json", "whole_area.name"),
    ("areas.json", "areas.4.name"),
    ("areas.json", "neighbours.2.name"),
    ("templates.json", "templates.1.name"),
    ("templates.json", "templates.1.title"),
    ("templates.json", "templates.1.summary"),
    ("templates.json", "templates.1.advice"),
])
def test_a_bilingual_profile_without_the_welsh_of_a_text_is_refused_naming_the_field(councils: Path, file: str,
                                                                                   field: str) -> None:
    _change(councils, "ceredigion", file, lambda data: _english_only(data, field))
    shown = field.replace(".4.", "[4].").replace(".2.", "[2].").replace(".1.", "[1].")
    assert f"ceredigion/{file}: field '{shown}' {BOTH}" in _refusal(councils, "ceredigion")


def test_a_bilingual_profile_with_empty_welsh_is_refused_naming_the_language(councils: Path) -> None:
    _change(councils, "ceredigion", "council.json", lambda data: data["name"].update(cy=" "))
    assert "ceredigion/council.json: field 'name.cy' is missing or empty" in _refusal(councils, "ceredigion")


def test_a_bilingual_profile_with_another_language_in_a_text_is_refused(councils: Path) -> None:
    _change(councils, "ceredigion", "council.json", lambda data: data["name"].update(fr="Conseil"))
    assert f"ceredigion/council.json: field 'name' {BOTH}" in _refusal(councils, "ceredigion")


def test_a_bilingual_councils_own_services_must_name_each_in_welsh(councils: Path) -> None:
    (councils / "ceredigion" / "services.json").write_text(json.dumps(
        {"services": [{"id": "bins-and-recycling", "name": "Bins and recycling"}]}), encoding="utf-8")
    assert f"ceredigion/services.json: field 'services[0].name' {BOTH}" in _refusal(councils, "ceredigion")


@pytest.mark.parametrize("file, change, field", [
    ("council.json", lambda data: data.update(name={"cy": "Cyngor", "en": data["name"]}), "name"),
    ("areas.json", lambda data: data["areas"][0].update(name={"cy": "Canol y dref", "en": "Town centre"}),
     "areas[0].name"),
    ("templates.json", lambda data: data["templates"][0].update(title={"cy": "Ar gau", "en": "Closed"}),
     "templates[0].title"),
])
def test_an_english_only_profile_with_welsh_is_refused(councils: Path, file: str, change, field: str) -> None:
    _change(councils, "bcp", file, change)
    assert (f"bcp/{file}: field '{field}' gives {{\"cy\", \"en\"}} but languages has no cy: give one English "
            "text, or add \"cy\" to languages in council.json") in _refusal(councils, "bcp")


def test_a_welsh_template_keeps_the_placeholders_of_the_english(councils: Path) -> None:
    _change(councils, "ceredigion", "templates.json",
            lambda data: data["templates"][0]["title"].update(cy="Casgliadau biniau wedi'u hatal yn {ardal}"))
    assert ("ceredigion/templates.json: field 'templates[0].title' must have the same placeholders in Welsh and "
            "English, such as {area} in both") in _refusal(councils, "ceredigion")


def test_a_welsh_template_with_a_stray_brace_is_refused(councils: Path) -> None:
    _change(councils, "ceredigion", "templates.json",
            lambda data: data["templates"][0]["advice"].update(cy="Cadwch eich biniau {y tu mewn}."))
    assert ("ceredigion/templates.json: field 'templates[0].advice' has a { or } that is not a placeholder"
            in _refusal(councils, "ceredigion"))


def test_a_bilingual_profile_without_a_service_name_gets_one_in_each_language(councils: Path) -> None:
    _change(councils, "ceredigion", "council.json", lambda data: data.pop("service_name"))
    council = load_council("ceredigion", councils)
    assert council.service_name == "Check disruption to Ceredigion County Council services"
    assert council.service_name_cy == "Gwirio am darfu ar wasanaethau Cyngor Sir Ceredigion"
