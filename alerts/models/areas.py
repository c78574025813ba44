"""Areas residents subscribe to and notices apply to, and the postcode lookups that find them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base, TimestampMixin


class Area(TimestampMixin, Base):
    __tablename__ = "areas"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # "town" for the shipped postcode-district groups, "ward" after an ONSPD import, "county" for the whole county.
    kind: Mapped[str] = mapped_column(String(20), default="town")
    is_whole_county: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)


class PostcodeLookup(Base):
    """Maps a full postcode ("DT4 7TA") or a postcode district ("DT4") to an area.

    Full postcodes (from ONSPD) win over districts (the shipped default), so a council can load precise data.
    """

    __tablename__ = "postcode_lookups"

    key: Mapped[str] = mapped_column(String(10), primary_key=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    is_district: Mapped[bool] = mapped_column(default=False)
