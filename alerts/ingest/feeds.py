"""Reading RSS and Atom documents into plain entries."""

import calendar
import io
import time
import xml.sax
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser


@dataclass(frozen=True)
class FeedEntry:
    title: str
    link: str
    description: str
    guid: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class ParsedFeed:
    entries: list[FeedEntry] = field(default_factory=list)
    error: str | None = None
    title: str | None = None
    published: datetime | None = None


def parse_feed(body: bytes) -> ParsedFeed:
    # A stream, not bytes: given bytes or a string, feedparser may treat them as a file path or a URL to fetch.
    parsed = feedparser.parse(io.BytesIO(body))

    if not str(parsed.get("version", "")).startswith(("rss", "atom")):
        return ParsedFeed(error="The feed is not RSS or Atom")
    # A truncated download still yields the items before the cut. Accepting them would make every warning after
    # the cut look cancelled, so a feed that is not well-formed XML is refused outright.
    if isinstance(parsed.get("bozo_exception"), xml.sax.SAXException):
        return ParsedFeed(error=f"The feed is not well-formed XML: {parsed['bozo_exception'].getMessage()}")
    if parsed.get("bozo") and not parsed.entries:
        return ParsedFeed(error=f"The feed could not be read: {parsed.get('bozo_exception')}")

    return ParsedFeed(
        entries=[_entry(raw) for raw in parsed.entries],
        title=_text(parsed.feed.get("title")) or None,
        published=_utc(parsed.feed.get("published_parsed") or parsed.feed.get("updated_parsed")),
    )


def _entry(raw: Any) -> FeedEntry:
    return FeedEntry(
        title=_text(raw.get("title")),
        link=_text(raw.get("link")),
        description=_text(raw.get("summary")),
        guid=_text(raw.get("id")) or None,
        published=_utc(raw.get("published_parsed") or raw.get("updated_parsed")),
    )


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value else ""


def _utc(parsed_time: time.struct_time | None) -> datetime | None:
    # feedparser normalises every date it understands to a UTC struct_time.
    if parsed_time is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed_time), tz=UTC)
