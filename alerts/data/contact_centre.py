"""What the contact centre needs while a caller is on the line: find a subscriber, their messages, resend a
confirmation, unsubscribe them. The views audit every read of personal data these return."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from alerts import links
from alerts.data.messages import queue_direct_message
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, MessageStatus, Subscriber, SubscriberStatus, utc_now
from alerts.notify import (
    InvalidRecipient,
    render_confirmation_email,
    render_confirmation_sms,
)
from alerts.notify import normalise_email as _normalise_email
from alerts.notify import normalise_uk_mobile as _normalise_uk_mobile

RECENT_MESSAGES = 20
CODE_LIFETIME = dt.timedelta(minutes=10)
ENTER_CONTACT = "Enter an email address or a UK mobile number"


def normalise_contact(text: str) -> tuple[Channel, str]:
    """Read an email address or a UK mobile number in any common format ("07700 900 982", "+44 7700 900982")."""
    text = text.strip()
    if not text:
        raise InvalidRecipient(ENTER_CONTACT)
    if "@" in text:
        return Channel.EMAIL, _normalise_email(text)
    return Channel.SMS, _normalise_uk_mobile(text)


def find_subscriber(channel: Channel, contact: str) -> Subscriber | None:
    return db.session.scalar(select(Subscriber).where(Subscriber.channel == channel, Subscriber.contact == contact))


def get_subscriber(subscriber_id: int) -> Subscriber | None:
    return db.session.get(Subscriber, subscriber_id)


def recent_messages(subscriber_id: int, limit: int = RECENT_MESSAGES) -> list[Message]:
    return list(db.session.scalars(
        select(Message).where(Message.subscriber_id == subscriber_id)
        .order_by(Message.created_at_utc.desc(), Message.id).limit(limit)
    ))


class NotPending(ValueError):
    """Only a subscriber who has not confirmed yet can be sent a confirmation."""


def queue_confirmation(subscriber: Subscriber) -> Message:
    """Queue a fresh confirmation (a signed link by email, a new code by text). The caller commits and sends."""
    if subscriber.status != SubscriberStatus.PENDING or subscriber.contact is None:
        raise NotPending("This subscriber has already confirmed, or has unsubscribed")
    if subscriber.channel == Channel.EMAIL:
        email = render_confirmation_email(links.confirm_email_url(subscriber.id, subscriber.token_version))
        return queue_direct_message(kind=MessageKind.CONFIRMATION, channel=Channel.EMAIL, recipient=subscriber.contact,
                                    subject=email.subject, body=email.body, subscriber_id=subscriber.id)
    code = f"{secrets.randbelow(1_000_000):06d}"
    # A new code replaces the old one and resets its tries (DESIGN §3: single use, 10 minutes, 5 tries, hashed).
    subscriber.code_hash = generate_password_hash(code)
    subscriber.code_expires_at_utc = utc_now() + CODE_LIFETIME
    subscriber.code_attempts = 0
    subscriber.codes_sent += 1
    return queue_direct_message(kind=MessageKind.CONFIRMATION, channel=Channel.SMS, recipient=subscriber.contact,
                                body=render_confirmation_sms(code), subscriber_id=subscriber.id)


def unsubscribe(subscriber: Subscriber, reason: str) -> int:
    """Stop every alert to this subscriber, revoke their links and hold back anything still queued.

    Returns how many queued messages were held back. The caller commits.
    """
    now = utc_now()
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.unsubscribed_at_utc = now
    subscriber.unsubscribe_reason = reason.strip()[:500]
    subscriber.token_version += 1
    held = db.session.execute(
        update(Message)
        .where(Message.subscriber_id == subscriber.id, Message.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.FAILED, last_error="Unsubscribed before sending", completed_at_utc=now)
    ).rowcount
    return held or 0
