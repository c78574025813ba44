"""Weather warnings found in external feeds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from alerts.extensions import db
from alerts.models import WeatherWarning, utc_now


def current_warnings(now: dt.datetime | None = None) -> list[WeatherWarning]:
    """Warnings still in their feed and not yet over.

    A warning that has ended stops showing even if its feed has been failing since (and so could not drop it).
    """
    now = now or utc_now()
    return list(
        db.session.scalars(
            select(WeatherWarning)
            .where(WeatherWarning.is_current.is_(True))
            .where(or_(WeatherWarning.valid_to_utc.is_(None), WeatherWarning.valid_to_utc > now))
            .order_by(WeatherWarning.valid_from_utc, WeatherWarning.id)
        )
    )
