"""A resident changes or stops their own alerts from the manage page or an unsubscribe link.

A new email address or number is a new sign-up (`alerts.services.signups`): it gets the alerts only once it is
confirmed. Everything here changes what an already confirmed contact gets, and commits at once.
"""

from __future__ import annotations

from alerts.data import subscribers as subscriber_data
from alerts.data.insight import UnsubscribeVia
from alerts.data.subscribers import AreaChoice
from alerts.extensions import db
from alerts.models import Subscriber


class LastArea(ValueError):
    """A subscription needs at least one area. The message is safe to show a resident."""


def add_area(subscriber: Subscriber, area: AreaChoice) -> None:
    subscriber_data.add_areas(subscriber, [area])
    db.session.commit()


def remove_area(subscriber: Subscriber, area_id: str) -> None:
    """Stop alerts for one area. Raises LastArea for the only one: stopping every alert is unsubscribing."""
    if len(subscriber.subscriptions) <= 1:
        raise LastArea("You need at least one area. To stop all alerts, unsubscribe instead")
    subscriber_data.remove_area(subscriber, area_id)
    db.session.commit()


def choose_services(subscriber: Subscriber, service_ids: list[str] | None) -> None:
    """None means every service, including any the council adds later."""
    subscriber_data.set_services(subscriber, service_ids)
    db.session.commit()


def choose_digest(subscriber: Subscriber, digest: bool) -> None:
    """The same email address, so nothing to confirm: each alert as it comes, or one email a day."""
    subscriber_data.set_digest(subscriber, digest)
    db.session.commit()


def unsubscribe_by_link(subscriber: Subscriber) -> None:
    """The resident used the unsubscribe link in a message (or their mail client's one-click unsubscribe)."""
    subscriber_data.unsubscribe(subscriber, reason="Unsubscribed by the resident", via=UnsubscribeVia.LINK)
    db.session.commit()
