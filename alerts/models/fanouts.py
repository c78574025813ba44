"""Fan-outs: one notice update to be expanded into one message per matching subscriber.

Publishing records a fan-out in the same transaction as the notice change, so it never waits for the audience
to be rendered; the dispatcher expands it into messages in small, idempotent batches.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base, enum_column, utc_now


class FanoutStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"


class Fanout(Base):
    __tablename__ = "fanouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    notice_update_id: Mapped[int] = mapped_column(ForeignKey("notice_updates.id", ondelete="CASCADE"), unique=True)
    # "email", "sms" or "email,sms": which channels this update goes out on (DESIGN §3).
    channels: Mapped[str] = mapped_column(String(20))
    status: Mapped[FanoutStatus] = mapped_column(
        enum_column(FanoutStatus, "fanout_status"), default=FanoutStatus.PENDING, index=True
    )
    # The highest subscriber id already expanded: batches walk subscribers in id order (a keyset cursor).
    cursor: Mapped[int] = mapped_column(default=0)
    messages_created: Mapped[int] = mapped_column(default=0)
    created_at_utc: Mapped[dt.datetime] = mapped_column(default=utc_now)
    completed_at_utc: Mapped[dt.datetime | None]

    @property
    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]
