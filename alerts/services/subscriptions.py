"""A resident changes or stops their own alerts from the manage page or an unsubscribe link.

A resident is one person with one or more confirmed contacts (`alerts.models.Resident`). Every change to places,
services or the digest goes through `change_for_every_contact`, which applies it to each of the person's contacts
in one transaction, so their contacts never differ. Stopping acts per contact (or on all of them, when asked) and
says what carries on.

A new email address or number is a new sign-up (`alerts.services.signups`): it gets the alerts, and joins the
person, only once it is confirmed. Everything here changes what already confirmed contacts get, and commits at once.
"""

from __future__ import annotations

from collections.abc import Callable

from alerts.data import residents
from alerts.data import subscribers as subscriber_data
from alerts.data.insight import UnsubscribeVia
from alerts.data.subscribers import MAX_PLACES_PER_PERSON, AreaChoice, TooManyPlaces, places_after_adding
from alerts.extensions import db
from alerts.models import Channel, Subscriber
from alerts.profile import council


class LastArea(ValueError):
    """A subscription needs at least one area. The message is safe to show a resident."""


class NotTheirs(LookupError):
    """The contact named is not one of this person's live contacts."""


def change_for_every_contact(subscriber: Subscriber, change: Callable[[Subscriber], None]) -> None:
    """Apply one change to every live contact of the person `subscriber` is one of, and commit once."""
    for contact in residents.contacts_of(subscriber):
        change(contact)
    db.session.commit()


def add_area(subscriber: Subscriber, area: AreaChoice) -> None:
    """Raises TooManyPlaces, having changed nothing, when the person already follows the most places one may."""
    following = [subscription.area_id for contact in residents.contacts_of(subscriber)
                 for subscription in contact.subscriptions]
    if places_after_adding(following, [area.area_id]) > MAX_PLACES_PER_PERSON:
        raise TooManyPlaces(area.area_id)
    change_for_every_contact(subscriber, lambda contact: subscriber_data.add_areas(contact, [area]))


def remove_area(subscriber: Subscriber, area_id: str) -> None:
    """Stop alerts for one area. Raises LastArea for the only one: stopping every alert is unsubscribing."""
    if len(subscriber.subscriptions) <= 1:
        raise LastArea("You need at least one area. To stop all alerts, unsubscribe instead")
    change_for_every_contact(subscriber, lambda contact: subscriber_data.remove_area(contact, area_id))


def choose_services(subscriber: Subscriber, service_ids: list[str] | None) -> None:
    """None means every service, including any the council adds later."""
    change_for_every_contact(subscriber, lambda contact: subscriber_data.set_services(contact, service_ids))


def choose_digest(subscriber: Subscriber, digest: bool) -> None:
    """Each alert as it comes, or one email a day: the person's email contacts (texts always come as they happen)."""
    def choose(contact: Subscriber) -> None:
        if contact.channel == Channel.EMAIL:
            subscriber_data.set_digest(contact, digest)
    change_for_every_contact(subscriber, choose)


def choose_language(subscriber: Subscriber, language: str) -> None:
    """The language the person's messages, links and answers come in, by every contact. Raises ValueError for a
    language the council does not write in, having changed nothing."""
    if language not in council().languages:
        raise ValueError(f"the council does not write in {language!r}")
    change_for_every_contact(subscriber, lambda contact: subscriber_data.set_language(contact, language))


def keep_only(subscriber: Subscriber, channel: Channel, *, digest: bool | None) -> list[Subscriber]:
    """The person asked for alerts one way only, by a channel they already have: their contacts by the other
    channel stop (nothing is left going that they did not ask for), and `digest` (email; None: as it is) is set.
    Returns the contacts that stopped."""
    contacts = residents.contacts_of(subscriber)
    stopping = [contact for contact in contacts if contact.channel != channel]
    for contact in stopping:
        subscriber_data.unsubscribe(contact, reason=f"Chose {'email' if channel == Channel.EMAIL else 'text messages'}"
                                    " only", via=UnsubscribeVia.CHANGED_CHANNEL)
    for contact in contacts:
        if digest is not None and contact.channel == Channel.EMAIL and contact not in stopping:
            subscriber_data.set_digest(contact, digest)
    db.session.commit()
    return stopping


def unsubscribe_by_link(subscriber: Subscriber) -> list[Subscriber]:
    """The resident used the unsubscribe link in a message (or their mail client's one-click unsubscribe): that
    contact stops. Returns the person's contacts that carry on."""
    remaining = residents.other_contacts(subscriber)
    subscriber_data.unsubscribe(subscriber, reason="Unsubscribed by the resident", via=UnsubscribeVia.LINK)
    db.session.commit()
    return remaining


def stop_contact(subscriber: Subscriber, public_id: str) -> list[Subscriber]:
    """Stop one of the person's contacts from the manage page. Returns the contacts that carry on.
    Raises NotTheirs, having changed nothing."""
    contacts = residents.contacts_of(subscriber)
    stopping = next((contact for contact in contacts if contact.public_id == public_id), None)
    if stopping is None:
        raise NotTheirs(public_id)
    subscriber_data.unsubscribe(stopping, reason="Unsubscribed by the resident", via=UnsubscribeVia.LINK)
    db.session.commit()
    return [contact for contact in contacts if contact.id != stopping.id]


def stop_all(subscriber: Subscriber) -> int:
    """Stop every alert to the person, by every contact. Returns how many contacts stopped."""
    stopped = sum(subscriber_data.unsubscribe(contact, reason="Unsubscribed by the resident",
                                              via=UnsubscribeVia.LINK)
                  for contact in residents.contacts_of(subscriber))
    db.session.commit()
    return stopped


def stop_remaining(subscriber_ids: list[int]) -> int:
    """"Stop all alerts" after one contact was stopped by its link: the contacts that page said carry on (kept in
    that browser's session). Returns how many stopped."""
    stopped = 0
    for subscriber_id in subscriber_ids:
        contact = subscriber_data.get_subscriber(subscriber_id)
        if contact is not None and contact.contact is not None:
            stopped += subscriber_data.unsubscribe(contact, reason="Unsubscribed by the resident",
                                                   via=UnsubscribeVia.LINK)
    db.session.commit()
    return stopped
