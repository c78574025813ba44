"""What the contact centre needs while a caller is on the line: find a subscriber, their messages, unsubscribe them.
The contact centre service (`alerts.services.contact_centre_actions`) audits every read of personal data these
return. Resending a confirmation is the sign-up's own (`alerts.services.signups.queue_confirmation`), so the code
or link works on the resident's confirm page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from alerts.data import insight, reference, subscribers
from alerts.data.subscribers import hold_back_queued_messages
from alerts.extensions import db
from alerts.models import Channel, Message, Subscriber, SubscriberStatus
from alerts.notify import InvalidRecipient
from alerts.notify import normalise_email as _normalise_email
from alerts.notify import normalise_uk_mobile as _normalise_uk_mobile

RECENT_MESSAGES = 20
ENTER_CONTACT = "Enter an email address or a UK mobile number"


def normalise_contact(text: str) -> tuple[Channel, str]:
    """Read an email address or a UK mobile number in any common format ("07700 900 982", "+44 7700 900982")."""
    text = text.strip()
    if not text:
        raise InvalidRecipient(ENTER_CONTACT)
    if "@" in text:
        return Channel.EMAIL, _normalise_email(text)
    return Channel.SMS, _normalise_uk_mobile(text)


@dataclass(frozen=True)
class FoundCaller:
    """What "Find subscriber" shows: read in one narrow query, so finding someone costs no more reads than finding
    nobody (their areas, services and messages are on their own page)."""

    id: int
    public_id: str
    contact: str | None
    status: SubscriberStatus


def find_caller(channel: Channel, contact: str) -> FoundCaller | None:
    row = db.session.execute(
        select(Subscriber.id, Subscriber.public_id, Subscriber.contact, Subscriber.status)
        .where(Subscriber.channel == channel, Subscriber.contact == contact)
    ).first()
    return FoundCaller(row[0], row[1], row[2], row[3]) if row else None


def get_subscriber(subscriber_id: int) -> Subscriber | None:
    return db.session.get(Subscriber, subscriber_id)


def get_subscriber_by_public_id(public_id: str) -> Subscriber | None:
    return db.session.scalar(select(Subscriber).where(Subscriber.public_id == public_id))


def recent_messages(subscriber_id: int, limit: int = RECENT_MESSAGES) -> list[Message]:
    return list(db.session.scalars(
        select(Message).where(Message.subscriber_id == subscriber_id)
        .order_by(Message.created_at_utc.desc(), Message.id).limit(limit)
    ))


def unsubscribe(subscriber: Subscriber, reason: str) -> int:
    """Stop every alert to this subscriber, revoke their links and hold back anything still queued.

    Returns how many queued messages were held back. The caller commits.
    """
    held = hold_back_queued_messages(subscriber.id)
    if not subscribers.unsubscribe(subscriber, reason, via=insight.UnsubscribeVia.CONTACT_CENTRE):
        subscriber.unsubscribe_reason = reason.strip()[:500]  # already stopped: the caller's reason is the latest
    return held


@dataclass(frozen=True)
class PendingChoices:
    """What a sign-up still waiting to be confirmed asked for: it is applied only once the contact confirms."""

    areas: list[str]  # "area name (postcode)", in the order given
    services: list[str] | None  # names; None: every service
    digest: bool


def pending_choices(subscriber: Subscriber) -> PendingChoices | None:
    """The areas, services and digest a pending sign-up asked for, read from its request (None if there is none)."""
    request = subscriber.pending_request
    if not request:
        return None
    chosen = [(area_id, postcode) for area_id, postcode in request.get("areas") or []]
    names = {area.id: area.name for area in reference.get_areas(area_id for area_id, _ in chosen)}
    service_ids = request.get("services")
    services = None if service_ids is None else [
        service.name for service in reference.list_services() if service.id in service_ids]
    return PendingChoices(areas=[f"{names.get(area_id, area_id)} ({postcode})" for area_id, postcode in chosen],
                          services=services, digest=bool(request.get("digest")))
