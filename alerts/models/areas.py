"""Areas residents subscribe to and notices apply to, and the postcode lookups that find them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.models.base import Base, TimestampMixin, UTCDateTime, utc_now


class Area(TimestampMixin, Base):
    __tablename__ = "areas"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_cy: Mapped[str | None] = mapped_column(String(200))  # its Welsh name, for a council that writes in Welsh
    # "town" for the shipped postcode-district groups, "ward" after an ONSPD import, "county" for the whole county.
    kind: Mapped[str] = mapped_column(String(20), default="town")
    is_whole_county: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)


class PostcodeLookup(Base):
    """Maps a full postcode ("SW1A 2AA") or a postcode district ("SW1A") to an area.

    Full postcodes (from ONSPD) win over districts (the shipped default), so a council can load precise data.
    """

    __tablename__ = "postcode_lookups"

    key: Mapped[str] = mapped_column(String(10), primary_key=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    is_district: Mapped[bool] = mapped_column(default=False)


class CouncilRecord(Base):
    """The one council whose profile this database holds (one row, id 1), so loading another council's
    areas into it is refused instead of mixing two councils' residents and notices."""

    __tablename__ = "council_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    recorded_at_utc: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
