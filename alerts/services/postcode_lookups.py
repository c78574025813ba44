"""Counting look-ups by postcode district for insight, while the page itself only reads.

Counts are kept in memory and written about once a minute (`alerts.data.insight.count_postcode_lookup`), so a
storm of look-ups costs the database one small write a minute, not one a request.
"""

from __future__ import annotations

from alerts.data import insight
from alerts.extensions import db


def count_postcode_lookup(district: str) -> None:
    """Count one look-up in `district`; only the district is ever kept, never the postcode."""
    if insight.count_postcode_lookup(district):
        db.session.commit()
