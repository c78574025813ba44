"""Whom a notice would reach, kept as subscriptions change, so the officer's check page never counts a million rows.

Who is in a notice's audience depends on four things about a subscriber: that they can be reached (confirmed, with
a contact), the set of areas they follow, their channel, and the services they chose ("*" for all services). Each
reachable subscriber is one `AudienceMember` row per service choice, and `AudienceCount` keeps how many members
share each (areas, channel, service). For a given service a subscriber matches at most one of their rows ("*" or
that service), so adding up the matching counts counts each person once, however many of the notice's areas they
follow.

Database triggers (migration 0024_kept_audience, on SQLite and PostgreSQL) keep both tables: any change to a
subscriber's status, contact, channel or service choice, to their subscriptions or to their chosen services works
out that subscriber's rows again from the tables and moves the counts by the difference. Every path that changes a
subscription is covered, the bulk ones and SQL typed by hand included. `flask recount-audience` rebuilds them.

On PostgreSQL a change locks its subscriber's row first (two changes to one person queue), then moves the count
rows in key order with `subscribers = subscribers + n` under their row locks, so no update is lost. A count row
stays locked until its transaction commits: a long bulk transaction (an import batch, the retention purge) makes
sign-ups in the same areas wait for it, and two transactions that each change several people sharing count rows
can deadlock, which PostgreSQL ends by rolling one back whole.
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base

ALL_SERVICES = "*"  # the service of a member who chose every service
AREA_SEPARATOR = ","  # area ids in `area_set` are sorted and joined by this
# How many places one person may follow. `area_set` is part of a primary key, and PostgreSQL refuses a btree entry
# over about 2,700 bytes: 30 area ids of at most 64 characters and their commas come to under 2,000. More than any
# resident needs (everywhere is one place, the whole county).
MAX_PLACES_PER_PERSON = 30


class AudienceMember(Base):
    """What one reachable subscriber counts under: one row for each service they chose (or one "*")."""

    __tablename__ = "audience_members"

    subscriber_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_set: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(8))


class AudienceCount(Base):
    """How many reachable subscribers follow exactly this set of areas, by this channel, for this service."""

    __tablename__ = "audience_counts"

    area_set: Mapped[str] = mapped_column(Text, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), primary_key=True)
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subscribers: Mapped[int] = mapped_column(default=0)
