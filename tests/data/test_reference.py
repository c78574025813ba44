from alerts.data import reference


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
