"""What the contact centre does for a caller: find them, show them, sign them up or start them again, check the code
they read out, stop their alerts, give them their data and erase it.

Every read of a caller's personal data is audited, found or not, and committed even though it changes nothing
else: the audit log must show who looked. No sign-up rate limits here: every agent shares the council's address,
and each action is audited instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alerts.data import contact_centre, residents, subject_access
from alerts.data import subscribers as subscriber_data
from alerts.data.contact_centre import FoundCaller
from alerts.data.subject_access import Erasure
from alerts.data.subscribers import AreaChoice
from alerts.extensions import db
from alerts.formatting import london_time
from alerts.models import Channel, Subscriber, SubscriberStatus, utc_now
from alerts.services import signups
from alerts.services.actors import Actor


def find_subscriber(channel: Channel, contact: str, actor: Actor) -> FoundCaller | None:
    """The subscriber with this contact, if any. Searching for a person is itself a use of their personal data."""
    subscriber = contact_centre.find_caller(channel, contact)
    actor.audit("subscriber.searched", "subscriber", subscriber.id if subscriber else None, channel=str(channel),
                found=subscriber is not None)
    db.session.commit()
    return subscriber


def show_subscriber(subscriber: Subscriber, actor: Actor) -> None:
    """Record that an agent opened a subscriber's page: their contact details and messages."""
    actor.audit("subscriber.viewed", "subscriber", subscriber.id)
    db.session.commit()


def resend_confirmation(subscriber: Subscriber, actor: Actor) -> str | None:
    """Queue a fresh code or link for a sign-up still waiting, committed with its audit event; the dispatcher sends
    it within a second. Returns the message id. Raises signups.NothingToConfirm, having changed nothing."""
    try:
        message_id = signups.queue_confirmation(subscriber.id)
    except signups.NothingToConfirm:
        db.session.rollback()
        raise
    actor.audit("subscriber.confirmation_resent", "subscriber", subscriber.id, message_id=message_id)
    db.session.commit()
    return message_id


@dataclass(frozen=True)
class PhoneSignUp:
    """What a caller asked for on the phone: the same choices a resident makes online."""

    contacts: list[tuple[Channel, str]]  # normalised (lower-case email, E.164 mobile); one or both channels
    areas: list[AreaChoice]
    service_ids: list[str] | None  # None: every service, including any added later
    digest: bool  # one email a day; it applies to the email only
    note: str  # what the caller said, kept with their consent
    language: str | None = None  # "cy" or "en" for every message to them; None: the council's default


def sign_up_by_phone(request: PhoneSignUp, actor: Actor) -> list[Subscriber]:
    """Sign up a caller who gave their consent on the phone, through the sign-up residents use: each contact still
    confirms for itself, by the emailed link or by reading out the texted code. Who heard the consent, when, and
    the agent's note are kept with each subscription. Returns the sign-ups in the order of `request.contacts`."""
    record = (f"Spoken consent by phone to {actor.name} at {london_time(utc_now())}"
              + (f": {request.note}" if request.note else ""))
    # Through the one function every sign-up is recorded by, so contacts given together become one person.
    recorded = signups.record_sign_ups([
        signups.SignUp(channel=channel, contact=contact, areas=request.areas, service_ids=request.service_ids,
                       source="contact-centre", digest=request.digest if channel == Channel.EMAIL else None,
                       consent_record=record, language=request.language)
        for channel, contact in request.contacts])
    signed_up = [subscriber.id for subscriber in recorded]
    for (channel, _), subscriber_id in zip(request.contacts, signed_up, strict=True):
        message_id = signups.queue_confirmation(subscriber_id, client=None)  # None: a fresh code, whatever is live
        actor.audit("subscriber.signed_up_by_phone", "subscriber", subscriber_id, channel=str(channel),
                    message_id=message_id)
    db.session.commit()
    return [found for found in map(contact_centre.get_subscriber, signed_up) if found is not None]


class NotSuspended(ValueError):
    """Only a suspended contact can be started again. The message is safe to show an agent."""


def reactivate(subscriber: Subscriber, actor: Actor) -> None:
    """Ask a suspended contact (messages kept failing) to confirm again: their alerts start once they do.
    Raises NotSuspended, having changed nothing."""
    if subscriber.status != SubscriberStatus.SUSPENDED or subscriber.contact is None:
        raise NotSuspended("Only a suspended contact can be started again")
    subscriber_data.request_sign_up(
        channel=subscriber.channel, contact=subscriber.contact,
        areas=[AreaChoice(s.area_id, s.postcode) for s in subscriber.subscriptions],
        service_ids=None if subscriber.all_services else [s.id for s in subscriber.services], source="contact-centre")
    message_id = signups.queue_confirmation(subscriber.id)
    actor.audit("subscriber.reactivation_requested", "subscriber", subscriber.id, message_id=message_id)
    db.session.commit()


def confirm_code_read_out(subscriber: Subscriber, code: str, *, ip: str, actor: Actor) -> bool:
    """The caller reads out the code we texted them: the same check, tries and lock as on the resident's page.
    True once their sign-up is confirmed."""
    assert subscriber.contact is not None
    try:
        confirmed = signups.confirm_text_sign_up(subscriber.contact, code, ip=ip)
    except signups.CodeLocked:
        confirmed = None
    actor.audit("subscriber.code_read_out", "subscriber", subscriber.id, confirmed=confirmed is not None)
    db.session.commit()
    return confirmed is not None


def unsubscribe(subscriber: Subscriber, reason: str, actor: Actor) -> list[Subscriber]:
    """Stop every alert to this contact of the caller and hold back anything still queued. Returns the same
    person's other contacts, which carry on (the agent tells the caller, and can stop those too)."""
    remaining = residents.other_contacts(subscriber)
    held = contact_centre.unsubscribe(subscriber, reason)
    actor.audit("subscriber.unsubscribed", "subscriber", subscriber.id, reason=subscriber.unsubscribe_reason,
                held_back=held)
    db.session.commit()
    return remaining


def export(subscriber: Subscriber, *, reason: str, file_format: str, actor: Actor) -> dict[str, Any]:
    """Everything held about the caller (a subject access request), audited with the reason given."""
    exported = subject_access.export_subscriber(subscriber)
    actor.audit("subscriber.exported", "subscriber", subscriber.id, reason=reason.strip(), format=file_format)
    db.session.commit()
    return exported


def erase(subscriber: Subscriber, *, reason: str, actor: Actor) -> tuple[Erasure, list[str]]:
    """Stop everything to this contact of the caller and erase its personal data now, audited with the reason given.
    Also returns how the agent can name the same person's other contacts, which carry on (erased separately)."""
    subscriber_id = subscriber.id
    remaining = [_named(other) for other in residents.other_contacts(subscriber)]
    erased = subject_access.erase_subscriber(subscriber)
    actor.audit("subscriber.erased", "subscriber", subscriber_id, reason=reason.strip(), held_back=erased.held_back,
                messages_kept=erased.messages_kept)
    db.session.commit()
    return erased, remaining


def _named(contact: Subscriber) -> str:
    return f"{'email to' if contact.channel == Channel.EMAIL else 'text messages to'} {contact.contact}"


def carrying_on(remaining: list[Subscriber]) -> str:
    """What an agent reads back after stopping one contact: "" when nothing carries on."""
    return " and ".join(_named(contact) for contact in remaining)
