"""The service-wide headline an officer sets for the start page and the partner banner, until it ends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base, TimestampMixin


class Headline(TimestampMixin, Base):
    """One headline, kept after it ends: the latest one whose end is still ahead is shown."""

    __tablename__ = "headlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(300))
    text_cy: Mapped[str | None] = mapped_column(String(300))  # the Welsh, for a council that writes in Welsh
    ends_at_utc: Mapped[dt.datetime] = mapped_column(index=True)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
