"""State the dispatch workers share through the database: the rate allowance and channel holds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base, utc_now


class RateBucket(Base):
    """A token bucket every worker process draws from, so the whole service keeps to one Notify allowance.

    `refilled_at` is seconds since the epoch (a float), so the atomic refill is plain arithmetic on every database.
    """

    __tablename__ = "rate_buckets"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    refilled_at: Mapped[float] = mapped_column(Float)


# `channel` is a Channel value, or ALL_CHANNELS when Notify refused our key and nothing can be sent.
ALL_CHANNELS = "all"


class ChannelHold(Base):
    """Nothing is sent on a channel until `held_until_utc`: Notify's daily limit, or a key Notify refused."""

    __tablename__ = "channel_holds"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # "daily_limit" or "auth_failure"
    reason: Mapped[str] = mapped_column(Text)
    held_until_utc: Mapped[dt.datetime]
    since_utc: Mapped[dt.datetime] = mapped_column(default=utc_now)
