"""State the long-running processes share through the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base


class Heartbeat(Base):
    """The last sign of life of a named process (the scheduler leader), shown on /healthz."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    beat_at_utc: Mapped[dt.datetime]
    holder: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
