"""Foresight from the council's own history: what it published during earlier Met Office warnings of the same kind
and area, so an officer facing a new warning can start from what was needed last time.

The rules, plain enough for anyone to check by hand:
- A warning's kind is each hazard it names ("snow", "ice", "wind"); two warnings are alike when they share a kind
  and one of the areas the Met Office lists.
- A notice followed a warning when it was made from it, or published from the moment the warning arrived here
  (first seen in the feed) until a day after the warning ended.
- Each earlier notice comes with whom it would reach now and what its texts would cost now, counted exactly as the
  officer's check page counts them (the kept audience counts) and priced by alerts.notify.pricing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select

from alerts.data.fanouts import Audience, audience_for, preview_for
from alerts.extensions import db
from alerts.models import Notice, NoticeStatus, WeatherWarning
from alerts.notify.pricing import SmsCost, sms_cost
from alerts.profile import council

FOLLOWS_FOR = dt.timedelta(days=1)  # after a warning ends, notices still count as following it
LOOK_BACK = dt.timedelta(days=3 * 365)
MOST_SUGGESTIONS = 8
_PUBLISHED = (NoticeStatus.ACTIVE, NoticeStatus.RESOLVED, NoticeStatus.EXPIRED)


def kinds(warning: WeatherWarning) -> set[str]:
    return {str(hazard).strip().lower() for hazard in warning.hazards or [] if str(hazard).strip()}


def _areas(warning: WeatherWarning) -> set[str]:
    return {str(area).strip().lower() for area in warning.areas or []}


def arrived_at(warning: WeatherWarning) -> dt.datetime:
    return warning.created_at_utc


def window(warning: WeatherWarning) -> tuple[dt.datetime, dt.datetime]:
    """When a notice counts as following this warning: from its arrival to a day after it ended."""
    ended = warning.valid_to_utc or arrived_at(warning) + FOLLOWS_FOR
    return arrived_at(warning), max(ended, arrived_at(warning)) + FOLLOWS_FOR


def notices_following(warning: WeatherWarning) -> list[Notice]:
    start, end = window(warning)
    return list(db.session.scalars(
        select(Notice).where(Notice.status.in_(_PUBLISHED), Notice.published_at_utc.is_not(None),
                             or_(Notice.source_warning_id == warning.id,
                                 Notice.published_at_utc.between(start, end)))
        .order_by(Notice.published_at_utc, Notice.id)).unique())


def earlier_alike(warning: WeatherWarning) -> list[WeatherWarning]:
    """Earlier warnings sharing a kind and an area with this one, newest first."""
    arrived = arrived_at(warning)
    earlier = db.session.scalars(
        select(WeatherWarning).where(WeatherWarning.id != warning.id, WeatherWarning.created_at_utc < arrived,
                                     WeatherWarning.created_at_utc >= arrived - LOOK_BACK)
        .order_by(WeatherWarning.created_at_utc.desc()))
    return [other for other in earlier if kinds(other) & kinds(warning) and _areas(other) & _areas(warning)]


def lasted(notice: Notice) -> dt.timedelta | None:
    """How long the disruption lasted: to its resolution, or its expected end when it expired; None if going on."""
    ended = notice.resolved_at_utc or (notice.expected_end_at_utc if notice.status == NoticeStatus.EXPIRED else None)
    return ended - notice.starts_at_utc if ended else None


def predicted_audience(notice: Notice) -> Audience:
    """Whom the notice would reach now: the check page's exact count."""
    return audience_for(notice)


@dataclass(frozen=True)
class EarlierResponse:
    notice: Notice
    warning: WeatherWarning
    lasted: dt.timedelta | None
    area_names: list[str]
    audience: Audience
    text_cost: SmsCost


def earlier_responses(warning: WeatherWarning) -> list[EarlierResponse]:
    """What this council published during earlier warnings like this one, each notice once, newest warning first."""
    found: list[EarlierResponse] = []
    seen: set[int] = set()
    for earlier in earlier_alike(warning):
        for notice in notices_following(earlier):
            if notice.id in seen or len(found) >= MOST_SUGGESTIONS:
                continue
            seen.add(notice.id)
            audience = predicted_audience(notice)
            fragments = preview_for(notice).sms_length.fragments
            found.append(EarlierResponse(
                notice=notice, warning=earlier, lasted=lasted(notice),
                area_names=[council().whole_area_name] if notice.whole_county else [a.name for a in notice.areas],
                audience=audience, text_cost=sms_cost(audience.texts, fragments, current_app.config)))
    return found


def in_words(span: dt.timedelta | None) -> str:
    """"1 day 6 hours", "3 hours", "45 minutes"; "Still going" for None."""
    if span is None:
        return "Still going"
    minutes = int(span.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} day{'s' if days != 1 else ''}" if days else "",
             f"{hours} hour{'s' if hours != 1 else ''}" if hours else "",
             f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes and not days else ""]
    return " ".join(part for part in parts if part) or "0 minutes"
