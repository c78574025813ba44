"""External feeds we poll, and the weather warnings found in them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base, TimestampMixin


class FeedSource(TimestampMixin, Base):
    __tablename__ = "feed_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(40), default="met-office-warnings")  # or "generic"
    poll_interval_minutes: Mapped[int] = mapped_column(default=15)
    enabled: Mapped[bool] = mapped_column(default=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_polled_at_utc: Mapped[dt.datetime | None]
    last_success_at_utc: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)  # set when the last poll failed (at last_polled_at_utc)
    # Entries in the feed at the last successful fetch: for a generic source, the one thing we record of it.
    last_entry_count: Mapped[int | None]


class WeatherWarning(TimestampMixin, Base):
    """A Met Office warning that mentions the council's area. Never sent to residents without an officer."""

    __tablename__ = "weather_warnings"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the Met Office warning id
    feed_source_id: Mapped[int | None] = mapped_column(ForeignKey("feed_sources.id", ondelete="SET NULL"))
    level: Mapped[str] = mapped_column(String(10))  # yellow, amber, red
    hazards: Mapped[list] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    areas: Mapped[list] = mapped_column(JSON, default=list)
    link: Mapped[str] = mapped_column(String(1000))
    valid_from_utc: Mapped[dt.datetime | None]
    valid_to_utc: Mapped[dt.datetime | None]
    is_current: Mapped[bool] = mapped_column(default=True, index=True)  # false once it leaves the feed
