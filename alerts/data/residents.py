"""Residents: the confirmed contacts of one person, and keeping their places, services and digest choice alike.

Each contact keeps its own copy of what it follows, so fan-out and digests stay per contact; what makes them one
person is that every change is applied to all of them together (`alerts.services.subscriptions`), and a contact
that joins takes on what the others already have (`align`). The caller commits.
"""

from __future__ import annotations

from sqlalchemy import select

from alerts.data import subscribers as subscriber_data
from alerts.data.subscribers import AreaChoice
from alerts.extensions import db
from alerts.models import Channel, Resident, Subscriber, SubscriberStatus

# The contacts that act for a resident: confirmed, or suspended (they would be confirmed again as they are).
LIVE = (SubscriberStatus.CONFIRMED, SubscriberStatus.SUSPENDED)


def contacts_of(subscriber: Subscriber) -> list[Subscriber]:
    """This contact and every other live contact of the same person, email first. A contact on its own: itself."""
    if subscriber.resident_id is None:
        return [subscriber]
    others = db.session.scalars(
        select(Subscriber).where(Subscriber.resident_id == subscriber.resident_id, Subscriber.id != subscriber.id,
                                 Subscriber.status.in_(LIVE), Subscriber.contact.is_not(None))
    ).all()
    return sorted([subscriber, *others], key=lambda s: (s.channel != Channel.EMAIL, s.id))


def other_contacts(subscriber: Subscriber) -> list[Subscriber]:
    """The person's other live contacts: what still gets alerts when this one stops."""
    return [contact for contact in contacts_of(subscriber) if contact.id != subscriber.id]


def resident_of(subscriber: Subscriber) -> int:
    """The resident this confirmed contact is one of, made now if it is on its own (a resident of one)."""
    if subscriber.resident_id is None:
        resident = Resident()
        db.session.add(resident)
        db.session.flush()
        subscriber.resident_id = resident.id
    return subscriber.resident_id


def new_resident() -> int:
    """A resident for contacts still to be confirmed: none is linked to it until it is."""
    resident = Resident()
    db.session.add(resident)
    db.session.flush()
    return resident.id


def join(subscriber: Subscriber, resident_id: int, *, digest: bool | None) -> None:
    """Link a contact that has just been confirmed to the person whose sign-up or manage page asked for it. It
    takes on exactly what the person's other contacts follow now (they may have changed it since the request was
    made); the first of them to be confirmed keeps what it asked for. `digest` is what the confirmed request chose
    (None: what the person has)."""
    if db.session.get(Resident, resident_id) is None:
        return  # gone since (no contact of it was ever confirmed, and retention tidied it away)
    subscriber.resident_id = resident_id
    db.session.flush()
    others = other_contacts(subscriber)
    if not others:
        return
    model = others[0]
    subscriber_data.remove_areas_except(subscriber, {s.area_id for s in model.subscriptions})
    subscriber_data.add_areas(subscriber, [AreaChoice(s.area_id, s.postcode) for s in model.subscriptions])
    subscriber_data.set_services(subscriber, None if model.all_services else [s.id for s in model.services])
    align(subscriber, digest=digest)


def align(subscriber: Subscriber, *, digest: bool | None = None) -> None:
    """Give every contact of this person the same places and services: what any of them follows (a contact that
    has just been confirmed brings what it asked for, and takes on what the others had). The digest choice is
    `digest` if given, else what the person's email contacts already chose."""
    contacts = contacts_of(subscriber)
    if len(contacts) < 2 and digest is None:
        return
    areas: dict[str, AreaChoice] = {}
    for contact in contacts:
        for subscription in contact.subscriptions:
            known = areas.get(subscription.area_id)
            if known is None or known.postcode is None:
                areas[subscription.area_id] = AreaChoice(subscription.area_id, subscription.postcode)
    every_service = any(contact.all_services for contact in contacts)
    service_ids = sorted({service.id for contact in contacts for service in contact.services})
    if digest is None:
        emails = [c for c in contacts if c.channel == Channel.EMAIL and c.id != subscriber.id]
        digest = emails[0].digest if emails else subscriber.digest
    for contact in contacts:
        subscriber_data.add_areas(contact, areas.values())
        subscriber_data.set_services(contact, None if every_service else service_ids)
        if contact.channel == Channel.EMAIL:
            subscriber_data.set_digest(contact, digest)


def waiting_to_join(subscriber: Subscriber) -> list[Subscriber]:
    """Contacts given with this one that are still to be confirmed: what the done page says still waits."""
    if subscriber.resident_id is None:
        return []
    return list(db.session.scalars(
        select(Subscriber).where(Subscriber.pending_request["resident"].as_integer() == subscriber.resident_id,
                                 Subscriber.id != subscriber.id, Subscriber.resident_id.is_distinct_from(
                                     subscriber.resident_id), Subscriber.contact.is_not(None))
        .order_by(Subscriber.id)
    ).all())


def carrying_on_after_stopping(channel: Channel, contact: str) -> list[Subscriber]:
    """The other live contacts of whoever has this contact: what still gets alerts once it stops."""
    stopping = subscriber_data.find_subscriber(channel, contact)
    if stopping is None or stopping.status not in LIVE:
        return []
    return other_contacts(stopping)
