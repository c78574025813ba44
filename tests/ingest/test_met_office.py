import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from alerts.ingest.feeds import FeedEntry, parse_feed
from alerts.ingest.met_office import (
    DEFAULT_SOUTH_WEST_AUTHORITIES,
    MetOfficeWarning,
    SkippedEntry,
    areas_in,
    parse_warning,
    parse_warnings,
    warnings_mentioning,
)

WARNINGS_PAGE = "https://www.metoffice.gov.uk/weather/warnings-and-advice/uk-warnings"
BCP = "Bournemouth, Christchurch and Poole"


@pytest.fixture
def warnings_in(fixture_bytes: Callable[[str], bytes]) -> Callable[[str], list[MetOfficeWarning]]:
    def read(name: str) -> list[MetOfficeWarning]:
        feed = parse_feed(fixture_bytes(name))
        assert feed.error is None
        result = parse_warnings(feed.entries, known_areas=DEFAULT_SOUTH_WEST_AUTHORITIES)
        assert result.skipped == []
        return result.warnings

    return read


def an_entry(
    title: str = "Yellow warning of snow, ice affecting South West England",
    areas: str = "Devon, Dorset",
    validity: str = "valid from 1800 Mon 7 Dec to 1100 Tue 8 Dec",
    link: str = f"{WARNINGS_PAGE}#?date=2026-12-08&id=0c6b9a57&referrer=rss",
) -> FeedEntry:
    return FeedEntry(title=title, link=link, description=f"{title}: {areas} {validity}")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_met_office_item_becomes_a_warning(warnings_in: Callable[[str], list[MetOfficeWarning]]) -> None:
    snow_and_ice, _ = warnings_in("south-west-sample.xml")

    assert snow_and_ice == MetOfficeWarning(
        warning_id="0c6b9a57-3f0e-4c8e-9f43-2d1e5b7a9c10",
        level="yellow",
        hazards=("snow", "ice"),
        region="South West England",
        areas=("Devon", "Dorset", "Somerset", "Wiltshire"),
        valid_from=utc(2026, 12, 7, 18, 0),
        valid_to=utc(2026, 12, 8, 11, 0),
        title="Yellow warning of snow, ice affecting South West England",
        description=(
            "Yellow warning of snow, ice affecting South West England: Devon, Dorset, Somerset, Wiltshire "
            "valid from 1800 Mon 7 Dec to 1100 Tue 8 Dec"
        ),
        link=f"{WARNINGS_PAGE}#?date=2026-12-08&id=0c6b9a57-3f0e-4c8e-9f43-2d1e5b7a9c10&referrer=rss",
        issued_date=date(2026, 12, 8),
    )


def test_the_winter_feed_gives_each_warnings_level_and_hazards(
    warnings_in: Callable[[str], list[MetOfficeWarning]],
) -> None:
    warnings = warnings_in("winter-south-west.xml")

    assert [(warning.level, warning.hazards) for warning in warnings] == [
        ("yellow", ("snow", "ice")),
        ("amber", ("wind",)),
        ("yellow", ("rain",)),
        ("yellow", ("fog",)),
    ]


def test_the_winter_feed_gives_each_warnings_areas(warnings_in: Callable[[str], list[MetOfficeWarning]]) -> None:
    warnings = warnings_in("winter-south-west.xml")

    assert [warning.areas for warning in warnings] == [
        ("Bath and North East Somerset", "Bristol", "Devon", "Dorset", "Somerset", "Wiltshire"),
        ("Cornwall", "Devon", "Isles of Scilly", "Plymouth", "Torbay"),
        (BCP,),
        ("North Somerset", "South Gloucestershire"),
    ]


def test_only_warnings_naming_dorset_mention_dorset(warnings_in: Callable[[str], list[MetOfficeWarning]]) -> None:
    warnings = warnings_in("winter-south-west.xml")

    mentioning = warnings_mentioning(warnings, "Dorset")
    assert [warning.warning_id for warning in mentioning] == ["0c6b9a57-3f0e-4c8e-9f43-2d1e5b7a9c10"]


def test_a_warning_for_bournemouth_christchurch_and_poole_alone_does_not_mention_dorset(
    warnings_in: Callable[[str], list[MetOfficeWarning]],
) -> None:
    rain = warnings_in("winter-south-west.xml")[2]

    assert rain.areas == (BCP,)
    assert not rain.mentions("Dorset")
    assert not rain.mentions("Poole")
    assert warnings_mentioning([rain], area_name=BCP) == [rain]


def test_a_warning_can_be_looked_up_by_any_area_name(warnings_in: Callable[[str], list[MetOfficeWarning]]) -> None:
    warnings = warnings_in("winter-south-west.xml")

    assert [warning.level for warning in warnings_mentioning(warnings, area_name="devon")] == ["yellow", "amber"]


def test_a_rain_and_wind_warning_has_both_hazards_and_the_areas_after_a_name_with_commas(
    warnings_in: Callable[[str], list[MetOfficeWarning]],
) -> None:
    (warning,) = warnings_in("rain-and-wind.xml")

    assert warning.level == "amber"
    assert warning.hazards == ("rain", "wind")
    assert warning.areas == (BCP, "Cornwall", "Devon", "Dorset", "Somerset")


def test_a_warning_can_run_from_midnight_to_one_minute_to_midnight(
    warnings_in: Callable[[str], list[MetOfficeWarning]],
) -> None:
    (warning,) = warnings_in("rain-and-wind.xml")

    assert warning.valid_from == utc(2026, 11, 20, 0, 0)
    assert warning.valid_to == utc(2026, 11, 20, 23, 59)


def test_a_warning_can_last_several_days(warnings_in: Callable[[str], list[MetOfficeWarning]]) -> None:
    (warning,) = warnings_in("multi-day.xml")

    assert warning.valid_from == utc(2026, 12, 5, 6, 0)
    assert warning.valid_to == utc(2026, 12, 7, 23, 59)
    assert warning.issued_date == date(2026, 12, 6)


def test_a_warning_dated_new_years_eve_ends_in_the_new_year(
    warnings_in: Callable[[str], list[MetOfficeWarning]],
) -> None:
    dated_new_years_eve, _ = warnings_in("new-year.xml")

    assert dated_new_years_eve.issued_date == date(2026, 12, 31)
    assert dated_new_years_eve.valid_from == utc(2026, 12, 31, 18, 0)
    assert dated_new_years_eve.valid_to == utc(2027, 1, 1, 12, 0)


def test_a_warning_dated_new_years_day_starts_in_the_old_year(
    warnings_in: Callable[[str], list[MetOfficeWarning]],
) -> None:
    _, dated_new_years_day = warnings_in("new-year.xml")

    assert dated_new_years_day.issued_date == date(2027, 1, 1)
    assert dated_new_years_day.valid_from == utc(2026, 12, 31, 18, 0)
    assert dated_new_years_day.valid_to == utc(2027, 1, 1, 12, 0)


def test_summer_times_are_read_as_british_summer_time(warnings_in: Callable[[str], list[MetOfficeWarning]]) -> None:
    heat, thunderstorms = warnings_in("summer-bst.xml")

    assert heat.hazards == ("extreme heat",)
    assert heat.valid_from == utc(2026, 7, 13, 23, 0)
    assert heat.valid_to == utc(2026, 7, 15, 22, 59)
    assert thunderstorms.hazards == ("thunderstorm",)
    assert thunderstorms.valid_from == utc(2026, 7, 14, 11, 0)
    assert thunderstorms.valid_to == utc(2026, 7, 14, 20, 0)


def test_winter_times_are_read_as_greenwich_mean_time(warnings_in: Callable[[str], list[MetOfficeWarning]]) -> None:
    snow_and_ice = warnings_in("winter-south-west.xml")[0]

    assert snow_and_ice.valid_from == utc(2026, 12, 7, 18, 0)
    assert snow_and_ice.valid_from.utcoffset() == timedelta(0)
    assert snow_and_ice.valid_to.tzinfo is UTC


def test_a_time_repeated_when_the_clocks_go_back_makes_the_warning_as_long_as_it_could_be() -> None:
    warning = parse_warning(
        an_entry(
            validity="valid from 0130 Sun 25 Oct to 0130 Sun 25 Oct",
            link=f"{WARNINGS_PAGE}#?date=2026-10-25&id=fog-at-the-clock-change",
        ),
        known_areas=DEFAULT_SOUTH_WEST_AUTHORITIES,
    )

    assert warning is not None
    assert warning.valid_from == utc(2026, 10, 25, 0, 30)
    assert warning.valid_to == utc(2026, 10, 25, 1, 30)


def test_the_id_and_date_are_read_from_the_links_fragment() -> None:
    warning = parse_warning(
        an_entry(link=f"{WARNINGS_PAGE}#?date=2026-12-08&id=0c6b9a57-3f0e&referrer=rss"),
        known_areas=DEFAULT_SOUTH_WEST_AUTHORITIES,
    )

    assert warning is not None
    assert warning.warning_id == "0c6b9a57-3f0e"
    assert warning.issued_date == date(2026, 12, 8)


def test_the_id_and_date_are_also_read_from_a_query_string() -> None:
    warning = parse_warning(
        an_entry(link=f"{WARNINGS_PAGE}?date=2026-12-08&id=0c6b9a57-3f0e"), known_areas=DEFAULT_SOUTH_WEST_AUTHORITIES
    )

    assert warning is not None
    assert warning.warning_id == "0c6b9a57-3f0e"


@pytest.mark.parametrize(
    ("title", "level", "hazards"),
    [
        ("Yellow warning of rain, wind affecting South West England", "yellow", ("rain", "wind")),
        ("Amber warning of Rain, Wind affecting South West England", "amber", ("rain", "wind")),
        ("Red warning of wind affecting South West England", "red", ("wind",)),
        ("Yellow warning of thunderstorms affecting South West England", "yellow", ("thunderstorm",)),
        (
            "Yellow warning of thunderstorm, lightning affecting South West England",
            "yellow",
            ("thunderstorm", "lightning"),
        ),
        ("Yellow warning of fog affecting South West England", "yellow", ("fog",)),
        ("Red warning of extreme heat affecting South West England", "red", ("extreme heat",)),
        ("YELLOW WARNING OF  SNOW,ICE  AFFECTING SOUTH WEST ENGLAND", "yellow", ("snow", "ice")),
        ("Yellow warning of rain and wind affecting South West England", "yellow", ("rain", "wind")),
    ],
)
def test_the_level_and_hazards_are_read_from_the_title(title: str, level: str, hazards: tuple[str, ...]) -> None:
    warning = parse_warning(an_entry(title=title), known_areas=DEFAULT_SOUTH_WEST_AUTHORITIES)

    assert warning is not None
    assert warning.level == level
    assert warning.hazards == hazards


def test_the_region_is_read_from_the_title() -> None:
    warning = parse_warning(
        an_entry(title="Yellow warning of rain affecting London & South East England", areas="Kent"),
        known_areas=["Kent"],
    )

    assert warning is not None
    assert warning.region == "London & South East England"
    assert warning.areas == ("Kent",)


@pytest.mark.parametrize(
    ("area_list", "areas"),
    [
        ("Devon, Dorset", ("Devon", "Dorset")),
        (BCP, (BCP,)),
        (f"{BCP}, Dorset", (BCP, "Dorset")),
        (f"Dorset, {BCP}", ("Dorset", BCP)),
        ("North Dorset, Somerset", ("Somerset",)),
        ("North Somerset, South Gloucestershire", ("North Somerset", "South Gloucestershire")),
        ("Dorset Heights, West Dorset", ()),
        ("devon,   DORSET", ("Devon", "Dorset")),
        ("Devon, Dorset, Devon", ("Devon", "Dorset")),
        ("", ()),
    ],
)
def test_areas_are_known_names_found_whole_in_the_list(area_list: str, areas: tuple[str, ...]) -> None:
    assert areas_in(area_list, DEFAULT_SOUTH_WEST_AUTHORITIES) == areas


def test_a_name_with_commas_is_not_also_read_as_the_names_inside_it() -> None:
    known = [*DEFAULT_SOUTH_WEST_AUTHORITIES, "Bournemouth", "Christchurch", "Poole"]

    assert areas_in(f"Devon, {BCP}, Wiltshire", known) == ("Devon", BCP, "Wiltshire")


def test_list_items_that_are_not_known_areas_are_kept_as_unrecognised() -> None:
    warning = parse_warning(
        an_entry(areas=f"Devon, Dorset Council, {BCP}, Somerset West"), known_areas=DEFAULT_SOUTH_WEST_AUTHORITIES
    )

    assert warning is not None
    assert warning.areas == ("Devon", BCP)
    assert warning.unrecognised_areas == ("Dorset Council", "Somerset West")


def test_the_list_of_south_west_authorities_includes_dorset_and_its_neighbours() -> None:
    assert {"Dorset", BCP, "Devon", "Somerset", "Wiltshire"} <= set(DEFAULT_SOUTH_WEST_AUTHORITIES)
    assert len(DEFAULT_SOUTH_WEST_AUTHORITIES) == 15


def test_items_that_cannot_be_read_are_skipped_with_a_reason(fixture_bytes: Callable[[str], bytes]) -> None:
    feed = parse_feed(fixture_bytes("unrecognised-items.xml"))

    result = parse_warnings(feed.entries)

    assert [warning.warning_id for warning in result.warnings] == ["5d2f7e19-81a4-4b1c-a7c2-0e9d3f6b2a44"]
    assert result.skipped == [
        SkippedEntry(
            title="Yellow warning of wind affecting South West England",
            link=f"{WARNINGS_PAGE}#?date=2026-12-07&referrer=rss",
            reason="the link has no id= parameter",
        ),
        SkippedEntry(
            title="Met Office warnings are updated every few minutes",
            link=f"{WARNINGS_PAGE}#?date=2026-12-07&id=c0ffee00-1111-4222-8333-444455556666&referrer=rss",
            reason="the title is not of the form '<level> warning of <hazards> affecting <region>'",
        ),
        SkippedEntry(
            title="Yellow warning of ice affecting South West England",
            link=f"{WARNINGS_PAGE}#?date=2026-12-07&id=f00dface-7777-4888-9999-aaaabbbbcccc&referrer=rss",
            reason="the description has no 'valid from HHMM Ddd D Mon to HHMM Ddd D Mon'",
        ),
    ]


def test_an_item_that_cannot_be_read_is_none_and_the_reason_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    entry = an_entry(link=f"{WARNINGS_PAGE}#?date=2026-12-08&referrer=rss")

    with caplog.at_level(logging.WARNING, logger="alerts.ingest.met_office"):
        warning = parse_warning(entry, known_areas=DEFAULT_SOUTH_WEST_AUTHORITIES)

    assert warning is None
    assert "the link has no id= parameter" in caplog.text


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        (an_entry(link=f"{WARNINGS_PAGE}#?id=abc"), "the link's date= parameter is not a date: ''"),
        (an_entry(link=f"{WARNINGS_PAGE}#?id=abc&date=8 Dec"), "the link's date= parameter is not a date: '8 Dec'"),
        (an_entry(link=""), "the link has no id= parameter"),
        (an_entry(link="https://[::1/#?date=2026-12-08&id=abc"), "the link has no id= parameter"),
        (an_entry(title=""), "the title is not of the form '<level> warning of <hazards> affecting <region>'"),
        (an_entry(title="Green warning of rain affecting South West England"), "the title is not of the form"),
        (an_entry(validity="valid from 2400 Mon 7 Dec to 1100 Tue 8 Dec"), "the from time is not a time of day: 2400"),
        (an_entry(validity="valid from 1800 Mon 7 Dec to 1160 Tue 8 Dec"), "the to time is not a time of day: 1160"),
        (an_entry(validity="valid from 1800 Mon 7 Dex to 1100 Tue 8 Dec"), "the from month is not a month: Dex"),
        (an_entry(validity="valid from 1800 Mun 7 Dec to 1100 Tue 8 Dec"), "the from weekday is not a day of the week"),
        (an_entry(validity="valid from 1800 Mon 7 Jun to 1100 Tue 8 Jun"), "the from date is not near the link's date"),
        (an_entry(validity="valid from 1800 Tue 8 Dec to 1100 Mon 7 Dec"), "the warning ends before it starts"),
        (
            an_entry(validity="valid from 1800 Mon 31 Nov to 1100 Tue 1 Dec"),
            "the from date is not near the link's date",
        ),
    ],
)
def test_an_item_that_cannot_be_read_is_skipped_with_the_reason(entry: FeedEntry, reason: str) -> None:
    result = parse_warnings([entry])

    assert result.warnings == []
    assert result.skipped[0].reason.startswith(reason)


def test_a_weekday_that_does_not_match_the_date_is_logged_but_the_date_is_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="alerts.ingest.met_office"):
        warning = parse_warning(
            an_entry(validity="valid from 1800 Wed 7 Dec to 1100 Tue 8 Dec"), known_areas=DEFAULT_SOUTH_WEST_AUTHORITIES
        )

    assert warning is not None
    assert warning.valid_from == utc(2026, 12, 7, 18, 0)
    assert "is not a Wed" in caplog.text


def test_warnings_are_hashable_so_they_can_be_compared_between_polls(
    warnings_in: Callable[[str], list[MetOfficeWarning]],
) -> None:
    assert len(set(warnings_in("winter-south-west.xml") + warnings_in("winter-south-west.xml"))) == 4
