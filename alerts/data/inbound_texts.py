"""Residents' replies to our texts: each recorded once, by Notify's id, and what STOP and START change. STOP ends
every text subscription of that number at once; START within the retention period puts back what STOP ended.

Nothing here commits: alerts/services/text_replies.py commits each reply with what it changed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select

from alerts.data import outbox, residents
from alerts.data.insight import UnsubscribeVia
from alerts.data.subscribers import unsubscribe
from alerts.extensions import db
from alerts.models import Channel, InboundText, MessageKind, Subscriber, SubscriberStatus, Subscription, utc_now

# What STOP writes as the reason, and what START looks for: START never undoes an unsubscribe the resident made
# any other way.
STOP_REASON = "Replied STOP to a text"


def already_seen(text_id: str) -> bool:
    return db.session.get(InboundText, text_id) is not None


def record(text_id: str, action: str, received_at: dt.datetime | None) -> bool:
    """Claim this reply. False if it was already recorded (a repeated callback, or the poll after the callback):
    then nothing else may happen. The row is flushed, not committed: the caller commits it with what it did.

    Raises IntegrityError if another process recorded it a moment ago: the caller rolls back, and theirs acts."""
    if already_seen(text_id):
        return False
    db.session.add(InboundText(id=text_id, action=action, received_at_utc=received_at))
    db.session.flush()
    return True


def stop_texts(phone_number: str) -> int:
    """Unsubscribe every text subscription of this number that could still get alerts. The caller commits."""
    found = db.session.scalars(select(Subscriber).where(
        Subscriber.channel == Channel.SMS, Subscriber.contact == phone_number,
        Subscriber.status.in_((SubscriberStatus.CONFIRMED, SubscriberStatus.PENDING, SubscriberStatus.SUSPENDED)),
    )).all()
    return sum(1 for subscriber in found if unsubscribe(subscriber, STOP_REASON, via=UnsubscribeVia.REPLY))


def start_texts(phone_number: str, *, ended_contact_days: int, now: dt.datetime | None = None) -> int:
    """Put back text subscriptions that a STOP ended within the retention period (their areas are still kept)."""
    cutoff = (now or utc_now()) - dt.timedelta(days=ended_contact_days)
    found = db.session.scalars(select(Subscriber).where(
        Subscriber.channel == Channel.SMS, Subscriber.contact == phone_number,
        Subscriber.status == SubscriberStatus.UNSUBSCRIBED, Subscriber.unsubscribe_reason == STOP_REASON,
        Subscriber.unsubscribed_at_utc >= cutoff,
        exists().where(Subscription.subscriber_id == Subscriber.id),
    )).all()
    for subscriber in found:
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.unsubscribed_at_utc = None
        subscriber.unsubscribe_reason = None
        if subscriber.resident_id is not None:
            # Back with what the person follows now, which may have changed while the texts were stopped.
            residents.join(subscriber, subscriber.resident_id, digest=None)
    return len(found)


def language_of(phone_number: str) -> str | None:
    """The language the number's texts come in: that of its latest text subscription, None if it has none."""
    return db.session.scalar(select(Subscriber.language).where(
        Subscriber.channel == Channel.SMS, Subscriber.contact == phone_number).order_by(Subscriber.id.desc()).limit(1))


def queue_reply(phone_number: str, body: str) -> str:
    """The one text that answers a STOP or START, through the outbox like every other message."""
    return outbox.queue_direct_message(kind=MessageKind.STOP_REPLY, channel=Channel.SMS, recipient=phone_number,
                                       body=body).id
