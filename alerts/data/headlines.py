"""Reading the headline the start page and the partner banner open with."""

from __future__ import annotations

import datetime as dt

from flask_babel import ngettext
from sqlalchemy import func, select

from alerts.extensions import db
from alerts.languages import text_in
from alerts.models import Headline, Notice, NoticeStatus, utc_now


def current_headline(now: dt.datetime | None = None) -> Headline | None:
    """The officer's headline still running: the latest one set whose end is ahead."""
    query = select(Headline).where(Headline.ends_at_utc > (now or utc_now())).order_by(Headline.id.desc()).limit(1)
    return db.session.scalars(query).first()


def services_disrupted() -> int:
    """How many services have an active notice."""
    query = select(func.count(func.distinct(Notice.service_id))).where(Notice.status == NoticeStatus.ACTIVE)
    return db.session.scalar(query) or 0


def live_headline(place: str, language: str) -> str | None:
    """What the start page and the banner say first: the officer's words while they run (in this language), else a
    plain count of what is live. It never names a cause an officer didn't (a burst pipe in July is not winter
    weather)."""
    headline = current_headline()
    if headline is not None:
        return text_in(headline, "text", language)
    count = services_disrupted()
    if not count:
        return None
    return ngettext("There is disruption to %(num)d service in %(place)s.",
                    "There is disruption to %(num)d services in %(place)s.", count, place=place)
