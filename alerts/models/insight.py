"""The counts that service managers' insight pages read, so no page view counts raw rows.

`InsightCount` is one number per day, metric and key: counters bumped by the code that changes the data (sign-ups,
unsubscribes, postcode look-ups) and snapshots written by the nightly rollup (subscriptions by channel, area and
service). `NoticeDelivery` is the rollup's summary of one notice's messages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base, utc_now


class InsightCount(Base):
    __tablename__ = "insight_counts"
    # Every page reads one metric over a range of days (or its latest day): with the key (day, metric, key) alone
    # that reads every metric's rows for those days, which grows with the areas and services kept each day.
    __table_args__ = (Index("ix_insight_counts_metric_day", "metric", "day"),)

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    # A channel, area id, service id, reason or district name; "" when the metric has no breakdown.
    key: Mapped[str] = mapped_column(String(100), primary_key=True, default="")
    count: Mapped[int] = mapped_column(default=0)


class NoticeDelivery(Base):
    __tablename__ = "insight_notice_delivery"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True)
    audience: Mapped[int] = mapped_column(default=0)
    texts: Mapped[int] = mapped_column(default=0)
    delivered: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    seconds_to_half: Mapped[int | None]
    seconds_to_95: Mapped[int | None]
    cost_pounds: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    failures: Mapped[dict] = mapped_column(JSON, default=dict)  # reason -> count
    rolled_up_at_utc: Mapped[dt.datetime] = mapped_column(default=utc_now)
