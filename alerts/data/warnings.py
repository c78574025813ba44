"""Weather warnings found in external feeds."""

from __future__ import annotations

from sqlalchemy import select

from alerts.extensions import db
from alerts.models import WeatherWarning


def current_warnings() -> list[WeatherWarning]:
    return list(
        db.session.scalars(
            select(WeatherWarning).where(WeatherWarning.is_current.is_(True)).order_by(WeatherWarning.valid_from_utc)
        )
    )
