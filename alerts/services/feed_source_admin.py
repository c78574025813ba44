"""Admins manage the feeds we poll: add, change, switch on or off, and check one now. Each change is audited and
committed with its audit event; the fields are checked by one set of rules (and GOV.UK messages) for the form and
for every caller."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from alerts.data import feeds as feed_data
from alerts.data.feeds import FEED_KINDS, MAX_POLL_INTERVAL_MINUTES, MIN_POLL_INTERVAL_MINUTES
from alerts.extensions import db
from alerts.ingest.addresses import refusal_for_url
from alerts.models import FeedSource
from alerts.services.actors import Actor
from alerts.services.feed_polling import PollOutcome, poll_safely

_MAX_TEXT = f"{MAX_POLL_INTERVAL_MINUTES:,}"


def feed_source_errors(*, name: str, url: str, kind: str, poll_interval_minutes: int | None,
                       https_only: bool = False, allow_loopback: bool = True) -> dict[str, str]:
    """What is wrong with a feed source's fields, keyed by field, in GOV.UK error message wording. The address
    rules (alerts/ingest/addresses.py) are enforced on every fetch; they are checked here too, so a bad address is
    refused as it is typed."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Enter a name for the feed")
    elif len(name) > 200:
        errors["name"] = _("Name must be 200 characters or fewer")
    parts = urlsplit(url.strip())
    if not url.strip():
        errors["url"] = _("Enter the feed's web address")
    elif parts.scheme not in ("http", "https") or not parts.hostname:
        errors["url"] = _("Enter a web address starting with https:// or http://")
    elif len(url) > 1000:
        errors["url"] = _("Web address must be 1,000 characters or fewer")
    elif https_only and parts.scheme != "https":
        errors["url"] = _("Enter a web address starting with https://")
    elif refusal := refusal_for_url(url.strip(), https_only=https_only, allow_loopback=allow_loopback):
        # A literal private address is refused here; names are checked each time they are fetched.
        errors["url"] = _("Enter a public web address: %(reason)s",
                           reason=refusal.removeprefix("The feed address is not allowed: "))
    if kind not in FEED_KINDS:
        errors["kind"] = _("Select what kind of feed this is")
    if poll_interval_minutes is None:
        errors["poll_interval_minutes"] = _("Enter how often to check the feed, in minutes")
    elif not MIN_POLL_INTERVAL_MINUTES <= poll_interval_minutes <= MAX_POLL_INTERVAL_MINUTES:
        errors["poll_interval_minutes"] = _("How often to check the feed must be between %(low)s and %(high)s minutes",
                                            low=MIN_POLL_INTERVAL_MINUTES, high=_MAX_TEXT)
    return errors


def errors_here(*, name: str, url: str, kind: str, poll_interval_minutes: int | None) -> dict[str, str]:
    """`feed_source_errors` under this deployment's address rules: https only in production, and loopback only
    where FEED_ALLOW_LOOPBACK says so."""
    config = current_app.config
    return feed_source_errors(name=name, url=url, kind=kind, poll_interval_minutes=poll_interval_minutes,
                              https_only=config["ALERTS_ENV"] == "production",
                              allow_loopback=bool(config.get("FEED_ALLOW_LOOPBACK")))


def _check(name: str, url: str, kind: str, poll_interval_minutes: int) -> None:
    errors = errors_here(name=name, url=url, kind=kind, poll_interval_minutes=poll_interval_minutes)
    if errors:
        raise ValueError(errors)


def add_feed_source(*, name: str, url: str, kind: str, poll_interval_minutes: int, actor: Actor) -> FeedSource:
    """Raises ValueError({field: message}), having changed nothing."""
    _check(name, url, kind, poll_interval_minutes)
    source = feed_data.create_feed_source(name=name, url=url, kind=kind, poll_interval_minutes=poll_interval_minutes)
    actor.audit("feed_source.created", "feed_source", source.id, name=source.name, url=source.url, kind=source.kind,
                poll_interval_minutes=source.poll_interval_minutes)
    db.session.commit()
    return source


def edit_feed_source(source: FeedSource, *, name: str, url: str, kind: str, poll_interval_minutes: int,
                     actor: Actor) -> None:
    """Change a source's fields; the audit event names what changed. Raises ValueError({field: message})."""
    _check(name, url, kind, poll_interval_minutes)
    fields = ("name", "url", "kind", "poll_interval_minutes")
    before = {field: getattr(source, field) for field in fields}
    feed_data.update_feed_source(source, name=name, url=url, kind=kind, poll_interval_minutes=poll_interval_minutes,
                                 enabled=source.enabled)
    changed = {field: getattr(source, field) for field in fields if getattr(source, field) != before[field]}
    actor.audit("feed_source.edited", "feed_source", source.id, **changed)
    db.session.commit()


def switch_feed_source(source: FeedSource, actor: Actor) -> None:
    """Turn a source on, or off: one that is off is not checked, and its warnings stay until they end."""
    feed_data.set_feed_source_enabled(source, not source.enabled)
    actor.audit("feed_source.enabled" if source.enabled else "feed_source.disabled", "feed_source", source.id,
                name=source.name)
    db.session.commit()


def check_feed_source_now(source: FeedSource, actor: Actor) -> PollOutcome | None:
    """Poll one source now; None if it was deleted meanwhile. Audited before the check: polling releases the
    session (and the signed-in user loaded in it) while it waits on the network, and records its outcome on the
    source itself, where the admin's page shows it."""
    source_id = source.id
    actor.audit("feed_source.checked", "feed_source", source.id, name=source.name, url=source.url)
    db.session.commit()
    target = feed_data.poll_target(source_id)
    if target is None:
        return None
    return poll_safely(target)
