"""Council services a disruption affects."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base


class Service(Base):
    __tablename__ = "services"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_cy: Mapped[str | None] = mapped_column(String(200))  # its Welsh name, for a council that writes in Welsh
    sort_order: Mapped[int] = mapped_column(default=0)
