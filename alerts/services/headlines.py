"""Officers set the service-wide headline (start page and partner banner) with an end time, or end it early.
Each change is audited and committed with its audit event."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from alerts.data import headlines as headline_data
from alerts.extensions import db
from alerts.models import Headline, utc_now
from alerts.profile import council
from alerts.services.actors import Actor

MAX_LENGTH = 200  # so the longest still fits the partner snippet's frame on a phone without script
MAX_DAYS = 14  # a headline is for an event, not a standing message: it must be set again to run longer


def headline_errors(*, text: str, ends_at_utc: dt.datetime | None, text_cy: str = "",
                    now: dt.datetime | None = None) -> dict[str, str]:
    """What is wrong with a headline, keyed by field, in GOV.UK error message wording. A council that writes in
    Welsh gives the headline in Welsh too."""
    now = now or utc_now()
    errors: dict[str, str] = {}
    if council().is_bilingual:
        if not text_cy.strip():
            errors["text_cy"] = _("Enter the headline in Welsh")
        elif len(text_cy.strip()) > MAX_LENGTH:
            errors["text_cy"] = _("Headline in Welsh must be %(num)d characters or fewer", num=MAX_LENGTH)
    if not text.strip():
        errors["text"] = _("Enter the headline")
    elif len(text.strip()) > MAX_LENGTH:
        errors["text"] = _("Headline must be %(num)d characters or fewer", num=MAX_LENGTH)
    if ends_at_utc is None:
        errors["ends_at"] = _("Enter when the headline ends")
    elif ends_at_utc <= now:
        errors["ends_at"] = _("The end must be in the future")
    elif ends_at_utc > now + dt.timedelta(days=MAX_DAYS):
        errors["ends_at"] = _("The end must be within %(num)d days", num=MAX_DAYS)
    return errors


def set_headline(*, text: str, ends_at_utc: dt.datetime, actor: Actor, text_cy: str = "") -> Headline:
    """Show `text` (and `text_cy`, its Welsh) on the start page and the banner until `ends_at_utc`, in place of any
    headline running now."""
    errors = headline_errors(text=text, ends_at_utc=ends_at_utc, text_cy=text_cy)
    if errors:
        raise ValueError("; ".join(errors.values()))
    now = utc_now()
    running = headline_data.current_headline(now)
    if running is not None:
        running.ends_at_utc = now
    headline = Headline(text=text.strip(), text_cy=text_cy.strip() or None, ends_at_utc=ends_at_utc,
                        set_by_id=actor.user_id)
    db.session.add(headline)
    db.session.flush()
    details = {"text": headline.text, **({"text_cy": headline.text_cy} if headline.text_cy else {})}
    actor.audit("headline.set", "headline", headline.id, **details, ends_at_utc=ends_at_utc.isoformat())
    db.session.commit()
    return headline


def end_headline(*, actor: Actor) -> bool:
    """End the running headline now; False if none was running."""
    now = utc_now()
    running = headline_data.current_headline(now)
    if running is None:
        return False
    running.ends_at_utc = now
    actor.audit("headline.ended", "headline", running.id)
    db.session.commit()
    return True
