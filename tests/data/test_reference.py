from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from alerts.data import reference
from alerts.extensions import db
from alerts.models import NoticeTemplate
from config.council import DEFAULT_COUNCIL, Council, load_council


def test_a_dorset_postcode_resolves_to_its_town_through_its_district() -> None:
    answer = reference.area_for_postcode("DT4 7TA")
    assert answer.area is not None and answer.area.id == "weymouth"
    assert not answer.is_outside


def test_a_full_postcode_lookup_wins_over_its_district(db) -> None:
    reference.ensure_ward_areas({"ward-e05012345": "Westham North"})
    reference.upsert_postcode_lookups([("DT4 7TA", "ward-e05012345")])
    db.session.commit()
    assert reference.area_for_postcode("DT4 7TA").area.id == "ward-e05012345"
    assert reference.area_for_postcode("DT4 9AA").area.id == "weymouth"


def test_a_bournemouth_postcode_is_outside_the_area_and_names_the_neighbouring_council() -> None:
    answer = reference.area_for_postcode("BH1 1AA")
    assert answer.is_outside
    assert answer.neighbour is not None
    assert answer.neighbour.name == "Bournemouth, Christchurch and Poole Council"


def test_a_far_away_postcode_is_outside_the_area_without_a_neighbour() -> None:
    answer = reference.area_for_postcode("M1 1AE")
    assert answer.is_outside and answer.neighbour is None


def test_shipped_reference_data_has_every_town_the_whole_county_and_every_service() -> None:
    areas = reference.list_areas()
    assert areas[0].id == "whole-county" and areas[0].is_whole_county
    assert {a.name for a in areas} >= {"Dorchester", "Weymouth", "Portland", "Gillingham", "Verwood"}
    assert len(areas) == 19
    assert [s.name for s in reference.list_services()][:2] == ["Bins and recycling", "Household recycling centres"]
    assert len(reference.list_services()) == 10


def test_loading_reference_data_twice_changes_nothing() -> None:
    before = [(a.id, a.name) for a in reference.list_areas()]
    reference.load_reference_data()
    assert [(a.id, a.name) for a in reference.list_areas()] == before


@pytest.fixture
def restore_the_english() -> Iterator[None]:
    yield
    db.session.rollback()
    reference.load_reference_data(load_council(DEFAULT_COUNCIL))
    db.session.commit()


def _in_welsh(profile: Council) -> Council:
    """The default profile with a Welsh name beside each text (same ids, so the database takes it as its own)."""
    return replace(
        profile, languages=("cy", "en"), whole_area_name_cy="Holl ardal y cyngor",
        areas=tuple(replace(area, name_cy=f"{area.name} (cy)") for area in profile.areas),
        services=tuple(replace(service, name_cy=f"{service.name} (cy)") for service in profile.services),
        templates=(replace(profile.templates[0], key="welsh-example", title_cy="Teitl {area}",
                           summary_cy="Crynodeb", advice_cy="Cyngor"),))


def test_loading_reference_data_writes_the_welsh_names_beside_the_english(restore_the_english: None) -> None:
    reference.load_reference_data(_in_welsh(load_council(DEFAULT_COUNCIL)))
    areas = reference.list_areas()
    assert areas[0].name_cy == "Holl ardal y cyngor"
    assert all(area.name_cy == f"{area.name} (cy)" for area in areas[1:])
    assert all(service.name_cy == f"{service.name} (cy)" for service in reference.list_services())
    template = db.session.scalar(select(NoticeTemplate).where(NoticeTemplate.key == "welsh-example"))
    assert (template.title_cy, template.summary_cy, template.advice_cy) == ("Teitl {area}", "Crynodeb", "Cyngor")


def test_an_english_only_council_keeps_no_welsh_names(restore_the_english: None) -> None:
    reference.load_reference_data(_in_welsh(load_council(DEFAULT_COUNCIL)))
    reference.load_reference_data(load_council(DEFAULT_COUNCIL))
    assert {area.name_cy for area in reference.list_areas()} == {None}
    assert {service.name_cy for service in reference.list_services()} == {None}
