"""Personal data retention (the privacy notice states these periods): run nightly, safe to run any number of times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select, update

from alerts.data import execute_counting_rows
from alerts.extensions import db
from alerts.models import Message, MessageKind, MessageStatus, Subscriber, SubscriberStatus, Subscription, utc_now
from alerts.models.subscribers import subscriber_services

UNCONFIRMED_SIGN_UP_DAYS = 1
UNSUBSCRIBED_CONTACT_DAYS = 28
MESSAGE_RECIPIENT_DAYS = 7
# Still waiting to go: their recipient is needed. Anything this old is long past being useful anyway.
_IN_FLIGHT = (MessageStatus.QUEUED, MessageStatus.SENDING)


@dataclass(frozen=True)
class PurgeCounts:
    unconfirmed_deleted: int
    pending_requests_dropped: int
    unsubscribed_erased: int
    message_recipients_erased: int


def purge_personal_data(now: dt.datetime | None = None) -> PurgeCounts:
    now = now or utc_now()
    sign_up_cutoff = now - dt.timedelta(days=UNCONFIRMED_SIGN_UP_DAYS)

    # Messages keep their row (counts, delivery statistics); only the link to the person goes.
    unconfirmed = select(Subscriber.id).where(
        Subscriber.status == SubscriberStatus.PENDING,
        or_(Subscriber.pending_since_utc < sign_up_cutoff,
            Subscriber.pending_since_utc.is_(None) & (Subscriber.created_at_utc < sign_up_cutoff)),
    )
    unconfirmed_ids = list(db.session.scalars(unconfirmed))
    if unconfirmed_ids:
        db.session.execute(delete(Subscriber).where(Subscriber.id.in_(unconfirmed_ids)))

    # A confirmed contact's request to add areas that was never confirmed is an unconfirmed sign-up too.
    dropped = execute_counting_rows(
        update(Subscriber)
        .where(Subscriber.pending_request.is_not(None), Subscriber.pending_since_utc < sign_up_cutoff)
        .values(pending_request=None, pending_since_utc=None, code_hash=None, code_expires_at_utc=None)
    )

    erase_ids = list(db.session.scalars(select(Subscriber.id).where(
        Subscriber.status == SubscriberStatus.UNSUBSCRIBED,
        Subscriber.contact.is_not(None),
        Subscriber.unsubscribed_at_utc < now - dt.timedelta(days=UNSUBSCRIBED_CONTACT_DAYS),
    )))
    if erase_ids:
        db.session.execute(delete(Subscription).where(Subscription.subscriber_id.in_(erase_ids)))
        db.session.execute(delete(subscriber_services).where(subscriber_services.c.subscriber_id.in_(erase_ids)))
        db.session.execute(update(Subscriber).where(Subscriber.id.in_(erase_ids)).values(
            contact=None, unsubscribe_reason=None, code_hash=None, code_expires_at_utc=None))

    message_cutoff = now - dt.timedelta(days=MESSAGE_RECIPIENT_DAYS)
    recipients = execute_counting_rows(
        update(Message)
        .where(Message.recipient.is_not(None), Message.created_at_utc < message_cutoff,
               Message.status.not_in(_IN_FLIGHT))
        .values(recipient=None)
    )
    # Codes and personal manage links would let whoever reads the outbox act for the resident.
    db.session.execute(
        update(Message)
        .where(Message.kind != MessageKind.ALERT, Message.created_at_utc < message_cutoff, Message.body != "",
               Message.status.not_in(_IN_FLIGHT))
        .values(body="")
    )
    db.session.commit()
    db.session.expire_all()
    return PurgeCounts(len(unconfirmed_ids), dropped, len(erase_ids), recipients)
