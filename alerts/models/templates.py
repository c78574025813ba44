"""The council's standard notices: a title, summary and advice with placeholders such as {area} and {day}, which an
officer fills in to start a notice. Seeded from the profile's templates.json; admins add and edit them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alerts.models.base import Base, TimestampMixin, enum_column
from alerts.models.notices import Impact
from alerts.models.services import Service


class NoticeTemplate(TimestampMixin, Base):
    __tablename__ = "notice_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The profile's id for it, so seeding again adds only what is new; None for one an admin added.
    key: Mapped[str | None] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"))
    impact: Mapped[Impact] = mapped_column(enum_column(Impact, "impact"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    advice: Mapped[str] = mapped_column(Text)
    # Welsh, for a bilingual council.
    title_cy: Mapped[str | None] = mapped_column(String(200))
    summary_cy: Mapped[str | None] = mapped_column(Text)
    advice_cy: Mapped[str | None] = mapped_column(Text)

    service: Mapped[Service] = relationship(lazy="joined")
