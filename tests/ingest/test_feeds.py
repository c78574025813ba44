from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from alerts.ingest.feeds import FeedEntry, ParsedFeed, parse_feed


def test_the_met_office_sample_is_read_into_entries(fixture_bytes: Callable[[str], bytes]) -> None:
    feed = parse_feed(fixture_bytes("south-west-sample.xml"))

    assert feed.error is None
    assert feed.title == "Met Office warnings for South West England"
    assert feed.published == datetime(2026, 12, 7, 10, 2, 11, tzinfo=UTC)
    assert feed.entries[0] == FeedEntry(
        title="Yellow warning of snow, ice affecting South West England",
        link=(
            "https://www.metoffice.gov.uk/weather/warnings-and-advice/uk-warnings"
            "#?date=2026-12-08&id=0c6b9a57-3f0e-4c8e-9f43-2d1e5b7a9c10&referrer=rss"
        ),
        description=(
            "Yellow warning of snow, ice affecting South West England: Devon, Dorset, Somerset, Wiltshire "
            "valid from 1800 Mon 7 Dec to 1100 Tue 8 Dec"
        ),
        guid=(
            "https://www.metoffice.gov.uk/weather/warnings-and-advice/uk-warnings"
            "#?date=2026-12-08&id=0c6b9a57-3f0e-4c8e-9f43-2d1e5b7a9c10&referrer=rss&region=South West England"
        ),
        published=None,
    )


@pytest.mark.parametrize(
    ("fixture", "entry_count"),
    [
        ("south-west-sample.xml", 2),
        ("winter-south-west.xml", 4),
        ("rain-and-wind.xml", 1),
        ("multi-day.xml", 1),
        ("new-year.xml", 2),
        ("summer-bst.xml", 2),
        ("unrecognised-items.xml", 4),
    ],
)
def test_each_met_office_shaped_feed_is_read_without_error(
    fixture_bytes: Callable[[str], bytes], fixture: str, entry_count: int
) -> None:
    feed = parse_feed(fixture_bytes(fixture))

    assert feed.error is None
    assert len(feed.entries) == entry_count
    assert all(entry.title and entry.link and entry.description for entry in feed.entries)


def test_an_empty_feed_has_no_entries_and_no_error(fixture_bytes: Callable[[str], bytes]) -> None:
    feed = parse_feed(fixture_bytes("empty.xml"))

    assert feed == ParsedFeed(
        entries=[],
        error=None,
        title="Met Office warnings for South West England",
        published=datetime(2026, 4, 15, 8, 0, tzinfo=UTC),
    )


def test_a_truncated_feed_is_an_error_even_though_its_first_items_could_be_read(
    fixture_bytes: Callable[[str], bytes],
) -> None:
    feed = parse_feed(fixture_bytes("malformed.xml"))

    assert feed.entries == []
    assert feed.error == "The feed is not well-formed XML: no element found"


def test_an_html_page_is_an_error(fixture_bytes: Callable[[str], bytes]) -> None:
    feed = parse_feed(fixture_bytes("html-error-page.html"))

    assert feed == ParsedFeed(entries=[], error="The feed is not RSS or Atom")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"Service Unavailable",
        b'{"warnings": []}',
        b'<?xml version="1.0"?><warnings><warning/></warnings>',
    ],
)
def test_a_body_that_is_not_rss_or_atom_is_an_error(body: bytes) -> None:
    feed = parse_feed(body)

    assert feed.entries == []
    assert feed.error is not None


def test_a_body_that_looks_like_a_file_path_is_not_opened() -> None:
    feed = parse_feed(b"/etc/hostname")

    assert feed.entries == []
    assert feed.error == "The feed is not RSS or Atom"


def test_an_atom_feed_is_read_with_its_entry_dates() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Dorset Council news</title>
  <updated>2026-12-07T09:00:00Z</updated>
  <entry>
    <title>Bin collections suspended</title>
    <link href="https://www.dorsetcouncil.gov.uk/news/bins"/>
    <id>tag:dorsetcouncil.gov.uk,2026:bins</id>
    <updated>2026-12-07T09:00:00+01:00</updated>
    <summary>Snow has stopped collections in    the north of the county.</summary>
  </entry>
</feed>"""

    feed = parse_feed(body)

    assert feed.error is None
    assert feed.published == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert feed.entries == [
        FeedEntry(
            title="Bin collections suspended",
            link="https://www.dorsetcouncil.gov.uk/news/bins",
            description="Snow has stopped collections in the north of the county.",
            guid="tag:dorsetcouncil.gov.uk,2026:bins",
            published=datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
        )
    ]
