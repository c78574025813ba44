"""Notices (disruptions) and their timeline of updates."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alerts.models.areas import Area
from alerts.models.base import Base, TimestampMixin, enum_column, utc_now
from alerts.models.services import Service
from alerts.models.staff import StaffUser


class Impact(enum.StrEnum):
    MINOR = "minor"  # delays
    MAJOR = "major"  # partly closed
    SEVERE = "severe"  # suspended or closed

    @property
    def rank(self) -> int:
        return {"severe": 0, "major": 1, "minor": 2}[self.value]


class NoticeStatus(enum.StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    RESOLVED = "resolved"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class UpdateKind(enum.StrEnum):
    PUBLISHED = "published"
    UPDATED = "updated"
    RESOLVED = "resolved"
    EXPIRED = "expired"


# Everyone who changed a draft after it was written: none of them may be the second pair of eyes.
notice_editors = Table(
    "notice_editors",
    Base.metadata,
    Column("notice_id", ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_user_id", ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True),
)

notice_areas = Table(
    "notice_areas",
    Base.metadata,
    Column("notice_id", ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Notice(TimestampMixin, Base):
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # A bilingual council writes every public text twice: the plain columns hold English, these the Welsh.
    title_cy: Mapped[str | None] = mapped_column(String(200))
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    impact: Mapped[Impact] = mapped_column(enum_column(Impact, "impact"))
    status: Mapped[NoticeStatus] = mapped_column(enum_column(NoticeStatus, "notice_status"), index=True)
    starts_at_utc: Mapped[dt.datetime] = mapped_column(default=utc_now)
    expected_end_at_utc: Mapped[dt.datetime | None]
    summary: Mapped[str] = mapped_column(Text)  # what's happening
    advice: Mapped[str] = mapped_column(Text, default="")  # what residents should do
    summary_cy: Mapped[str | None] = mapped_column(Text)
    advice_cy: Mapped[str | None] = mapped_column(Text)
    internal_notes: Mapped[str] = mapped_column(Text, default="")  # for staff only, never published
    notify_subscribers: Mapped[bool] = mapped_column(default=True)
    whole_county: Mapped[bool] = mapped_column(default=False)
    publish_at_utc: Mapped[dt.datetime | None]  # a scheduled publish
    published_at_utc: Mapped[dt.datetime | None]
    resolved_at_utc: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    # Who asked for the send that needs (or needed) a second officer, and when; cleared when an edit withdraws it.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    requested_at_utc: Mapped[dt.datetime | None]
    approved_at_utc: Mapped[dt.datetime | None]
    source_warning_id: Mapped[str | None] = mapped_column(ForeignKey("weather_warnings.id", ondelete="SET NULL"))
    # When the officer said they will next update it: shown to residents, and a promise counted (UpdatePromise).
    next_update_by_utc: Mapped[dt.datetime | None]
    # Bumped on every public change: drives ETags and CAP message references.
    version: Mapped[int] = mapped_column(default=1)

    service: Mapped[Service] = relationship(lazy="joined")
    areas: Mapped[list[Area]] = relationship(secondary=notice_areas, lazy="selectin", order_by=Area.sort_order)
    updates: Mapped[list[NoticeUpdate]] = relationship(
        back_populates="notice", order_by="NoticeUpdate.created_at_utc", cascade="all, delete-orphan", lazy="selectin"
    )
    created_by: Mapped[StaffUser | None] = relationship(foreign_keys=[created_by_id], lazy="selectin")
    requested_by: Mapped[StaffUser | None] = relationship(foreign_keys=[requested_by_id], lazy="selectin")
    approved_by: Mapped[StaffUser | None] = relationship(foreign_keys=[approved_by_id], lazy="selectin")
    editors: Mapped[list[StaffUser]] = relationship(secondary=notice_editors, lazy="selectin")
    pending_update: Mapped[PendingUpdate | None] = relationship(
        back_populates="notice", cascade="all, delete-orphan", lazy="selectin", uselist=False
    )

    @property
    def is_live(self) -> bool:
        return self.status == NoticeStatus.ACTIVE

    @property
    def closing_update(self) -> NoticeUpdate | None:
        """The update that ended a resolved or expired notice: what a reader must see first."""
        if self.status not in (NoticeStatus.RESOLVED, NoticeStatus.EXPIRED):
            return None
        closing = [u for u in self.updates if u.kind in (UpdateKind.RESOLVED, UpdateKind.EXPIRED)]
        return closing[-1] if closing else None


class NoticeUpdate(Base):
    """One entry in a notice's public timeline. Messages are created per update."""

    __tablename__ = "notice_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    kind: Mapped[UpdateKind] = mapped_column(enum_column(UpdateKind, "update_kind"))
    summary: Mapped[str] = mapped_column(Text)
    advice: Mapped[str] = mapped_column(Text, default="")
    summary_cy: Mapped[str | None] = mapped_column(Text)  # Welsh, for a bilingual council
    advice_cy: Mapped[str | None] = mapped_column(Text)
    notify_subscribers: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    created_at_utc: Mapped[dt.datetime] = mapped_column(default=utc_now)

    notice: Mapped[Notice] = relationship(back_populates="updates")


class PendingUpdate(Base):
    """An update or resolution with alerts on that waits for a second officer. It is not in the public
    timeline until approved; then it becomes a NoticeUpdate and is sent. At most one waits per notice."""

    __tablename__ = "pending_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[UpdateKind] = mapped_column(enum_column(UpdateKind, "update_kind"))
    summary: Mapped[str] = mapped_column(Text)
    advice: Mapped[str] = mapped_column(Text, default="")
    summary_cy: Mapped[str | None] = mapped_column(Text)  # Welsh, for a bilingual council
    advice_cy: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    # Asked through an API token made by this admin: they may not approve it either.
    token_made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    requested_at_utc: Mapped[dt.datetime] = mapped_column(default=utc_now)

    notice: Mapped[Notice] = relationship(back_populates="pending_update")
    requested_by: Mapped[StaffUser | None] = relationship(foreign_keys=[requested_by_id], lazy="selectin")


class UpdatePromise(Base):
    """One "next update by" an officer gave on a live notice. It is kept when an update or the resolution comes
    by then, broken when one comes later (or never); the author and their team are nudged once when it passes."""

    __tablename__ = "update_promises"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"))
    due_at_utc: Mapped[dt.datetime] = mapped_column(index=True)
    made_at_utc: Mapped[dt.datetime] = mapped_column(default=utc_now)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    # Set by the next update or the resolution (kept when at or before due_at_utc).
    answered_at_utc: Mapped[dt.datetime | None]
    nudged_at_utc: Mapped[dt.datetime | None]

    notice: Mapped[Notice] = relationship(lazy="joined")

    @property
    def kept(self) -> bool:
        return self.answered_at_utc is not None and self.answered_at_utc <= self.due_at_utc
