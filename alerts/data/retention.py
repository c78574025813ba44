"""Personal data retention: run nightly, safe to run any number of times.

The periods are settings (config/settings.py, block "Residents' privacy"); the privacy notice renders the same
`PrivacyPeriods`, so what it promises and what this enforces can't drift apart.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, exists, func, or_, select, update

from alerts.data import execute_counting_rows, insight, sign_in_throttle
from alerts.data.subscribers import CODE_LIFETIME
from alerts.extensions import db
from alerts.models import (
    AuditEvent,
    ManageRequest,
    Message,
    MessageKind,
    MessageStatus,
    Notice,
    Resident,
    Subscriber,
    SubscriberStatus,
    Subscription,
    utc_now,
)
from alerts.models.notices import NoticeStatus
from alerts.models.subscribers import subscriber_services

# Still waiting to go: their recipient is needed. Anything this old is long past being useful anyway.
_IN_FLIGHT = (MessageStatus.QUEUED, MessageStatus.SENDING)
# A message's subscriber is needed while its notice can still change: the end of a disruption is texted only to
# those who were texted its start.
_OPEN_NOTICE = (NoticeStatus.DRAFT, NoticeStatus.AWAITING_APPROVAL, NoticeStatus.SCHEDULED, NoticeStatus.ACTIVE)
# Any link in a body that acts for one resident: manage, unsubscribe, short manage links and email confirmation.
_PERSONAL_LINK = re.compile(r"\S*/(?:manage|unsubscribe|s|subscribe/confirm-email)/[A-Za-z0-9_.=-]+")
LINK_REMOVED = "[link removed]"
_BATCH = 1000


@dataclass(frozen=True)
class PrivacyPeriods:
    """Every period the privacy notice states, as the code enforces it."""

    unconfirmed_sign_up_hours: int
    ended_contact_days: int
    message_recipient_days: int
    audit_address_truncate_days: int
    audit_address_drop_days: int
    audit_record_days: int
    manage_link_days: int
    unsubscribe_link_days: int
    code_minutes: int = int(CODE_LIFETIME.total_seconds() // 60)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PrivacyPeriods:
        return cls(
            unconfirmed_sign_up_hours=int(config["UNCONFIRMED_SIGN_UP_HOURS"]),
            ended_contact_days=int(config["ENDED_CONTACT_DAYS"]),
            message_recipient_days=int(config["MESSAGE_RECIPIENT_DAYS"]),
            audit_address_truncate_days=int(config["AUDIT_ADDRESS_TRUNCATE_DAYS"]),
            audit_address_drop_days=int(config["AUDIT_ADDRESS_DROP_DAYS"]),
            audit_record_days=int(config["AUDIT_RECORD_DAYS"]),
            manage_link_days=int(config["MANAGE_LINK_DAYS"]),
            unsubscribe_link_days=int(config["UNSUBSCRIBE_LINK_DAYS"]),
        )


@dataclass(frozen=True)
class PurgeCounts:
    unconfirmed_deleted: int
    pending_requests_dropped: int
    unsubscribed_erased: int  # unsubscribed and suspended contacts: every contact no alert can go to any more
    message_recipients_erased: int
    audit_addresses_truncated: int = 0
    audit_addresses_dropped: int = 0
    audit_events_deleted: int = 0
    sign_in_counts_deleted: int = 0


def erase_contacts(subscriber_ids: list[int]) -> int:
    """Erase everything that identifies or reaches these subscribers: contact, areas and postcodes, services, codes,
    and the recipient, body, links and subscriber id of every message sent to them.

    Subscriber and message rows stay, so counts per notice, status and channel still add up. The one erasure: the
    retention purge and a resident's own request (alerts.data.subject_access) both use it. Returns how many
    messages were kept without their personal content. The caller commits.
    """
    if not subscriber_ids:
        return 0
    db.session.execute(delete(Subscription).where(Subscription.subscriber_id.in_(subscriber_ids)))
    db.session.execute(delete(subscriber_services).where(subscriber_services.c.subscriber_id.in_(subscriber_ids)))
    db.session.execute(update(Subscriber).where(Subscriber.id.in_(subscriber_ids)).values(
        contact=None, unsubscribe_reason=None, suspended_reason=None, code_hash=None, code_expires_at_utc=None,
        code_issued_to=None, pending_request=None, pending_since_utc=None, resident_id=None,  # which person too
        token_version=Subscriber.token_version + 1).execution_options(synchronize_session=False))
    return execute_counting_rows(update(Message).where(Message.subscriber_id.in_(subscriber_ids)).values(
        recipient=None, body="", one_click_unsubscribe_url=None, subscriber_id=None,
    ).execution_options(synchronize_session=False))


def truncate_address(address: str) -> str | None:
    """The network an address belongs to (IPv4 /24, IPv6 /48): enough to see a pattern, not to find a person."""
    try:
        parsed = ipaddress.ip_address(address.split("/")[0])
    except ValueError:
        return None
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))


def remove_personal_links(body: str) -> str:
    return _PERSONAL_LINK.sub(LINK_REMOVED, body)


def purge_personal_data(now: dt.datetime | None = None, periods: PrivacyPeriods | None = None) -> PurgeCounts:
    """Enforce the privacy notice's periods (see PrivacyPeriods). Safe to run any number of times. The caller
    commits: the scheduler's job and `flask purge-personal-data`."""
    now = now or utc_now()
    periods = periods or PrivacyPeriods.from_config(current_app.config)
    sign_up_cutoff = now - dt.timedelta(hours=periods.unconfirmed_sign_up_hours)

    # Messages keep their row (counts, delivery statistics); only the link to the person goes.
    unconfirmed = select(Subscriber.id).where(
        Subscriber.status == SubscriberStatus.PENDING,
        or_(Subscriber.pending_since_utc < sign_up_cutoff,
            Subscriber.pending_since_utc.is_(None) & (Subscriber.created_at_utc < sign_up_cutoff)),
    )
    unconfirmed_ids = list(db.session.scalars(unconfirmed))
    insight.bump(insight.Metric.SIGNUP_ABANDONED, by=len(unconfirmed_ids))  # the sign-up funnel's last step
    if unconfirmed_ids:
        _erase_message_links(Message.subscriber_id.in_(unconfirmed_ids))
        db.session.execute(delete(Subscriber).where(Subscriber.id.in_(unconfirmed_ids)))

    # A confirmed contact's request to add areas that was never confirmed is an unconfirmed sign-up too.
    dropped = execute_counting_rows(
        update(Subscriber)
        .where(Subscriber.pending_request.is_not(None), Subscriber.pending_since_utc < sign_up_cutoff)
        .values(pending_request=None, pending_since_utc=None, code_hash=None, code_expires_at_utc=None,
                code_issued_to=None)
    )

    # Requests for a manage link forget their contact within seconds, when the scheduler answers them; one left
    # unanswered (the scheduler was down) goes with the unconfirmed sign-ups.
    db.session.execute(delete(ManageRequest).where(ManageRequest.requested_at_utc < sign_up_cutoff))

    # Unsubscribed and suspended contacts alike: once no alert can go to them, the same clock runs.
    ended_cutoff = now - dt.timedelta(days=periods.ended_contact_days)
    erase_ids = list(db.session.scalars(select(Subscriber.id).where(
        Subscriber.contact.is_not(None),
        or_(and_(Subscriber.status == SubscriberStatus.UNSUBSCRIBED, Subscriber.unsubscribed_at_utc < ended_cutoff),
            and_(Subscriber.status == SubscriberStatus.SUSPENDED,
                 func.coalesce(Subscriber.suspended_at_utc, Subscriber.updated_at_utc) < ended_cutoff)),
    )))
    erase_contacts(erase_ids)
    # A resident no contact is linked to any more (all erased, or none ever confirmed within the sign-up's time).
    db.session.execute(delete(Resident).where(
        Resident.created_at_utc < sign_up_cutoff,
        ~exists().where(Subscriber.resident_id == Resident.id)))

    message_cutoff = now - dt.timedelta(days=periods.message_recipient_days)
    old = and_(Message.created_at_utc < message_cutoff, Message.status.not_in(_IN_FLIGHT))
    recipients = execute_counting_rows(
        update(Message).where(old, Message.recipient.is_not(None)).values(recipient=None))
    # Codes and personal links would let whoever reads the outbox act for the resident.
    db.session.execute(update(Message).where(old, Message.kind != MessageKind.ALERT, Message.body != "")
                       .values(body=""))
    _erase_message_links(old)
    settled = or_(Message.notice_id.is_(None),
                  Message.notice_id.in_(select(Notice.id).where(Notice.status.not_in(_OPEN_NOTICE))))
    db.session.execute(update(Message).where(old, settled, Message.subscriber_id.is_not(None))
                       .values(subscriber_id=None))

    truncated, dropped_addresses, deleted_events = _purge_audit(now, periods)
    # Staff sign-in counts: typed emails and addresses, kept only while they still slow someone down.
    throttles = sign_in_throttle.purge_forgotten(now.timestamp())
    db.session.flush()
    db.session.expire_all()
    return PurgeCounts(len(unconfirmed_ids), dropped, len(erase_ids), recipients, truncated, dropped_addresses,
                       deleted_events, throttles)



def _erase_message_links(condition: Any) -> None:
    """Remove one-click unsubscribe links and personal links in bodies from the messages matching `condition`."""
    db.session.execute(update(Message).where(condition, Message.one_click_unsubscribe_url.is_not(None))
                       .values(one_click_unsubscribe_url=None))
    linked = and_(condition, Message.status.not_in(_IN_FLIGHT),
                  or_(*(Message.body.contains(part) for part in ("/manage/", "/unsubscribe/", "/s/",
                                                                 "/subscribe/confirm-email/"))))
    last_id = ""
    while True:
        rows = db.session.execute(select(Message.id, Message.body).where(linked, Message.id > last_id)
                                  .order_by(Message.id).limit(_BATCH)).all()
        for message_id, body in rows:
            cleaned = remove_personal_links(body)
            if cleaned != body:
                db.session.execute(update(Message).where(Message.id == message_id).values(body=cleaned))
        if len(rows) < _BATCH:
            break
        last_id = rows[-1][0]


def _purge_audit(now: dt.datetime, periods: PrivacyPeriods) -> tuple[int, int, int]:
    """Staff audit rows: the client address cut to its network, then dropped; the whole row after its period."""
    deleted = execute_counting_rows(delete(AuditEvent).where(
        AuditEvent.created_at_utc < now - dt.timedelta(days=periods.audit_record_days)))
    dropped = execute_counting_rows(update(AuditEvent).where(
        AuditEvent.created_at_utc < now - dt.timedelta(days=periods.audit_address_drop_days),
        AuditEvent.ip_address.is_not(None)).values(ip_address=None))
    truncate_cutoff = now - dt.timedelta(days=periods.audit_address_truncate_days)
    truncated = 0
    rows = db.session.execute(select(AuditEvent.id, AuditEvent.ip_address).where(
        AuditEvent.created_at_utc < truncate_cutoff, AuditEvent.ip_address.is_not(None),
        AuditEvent.ip_address.not_like("%/%"))).all()
    for event_id, address in rows:
        db.session.execute(update(AuditEvent).where(AuditEvent.id == event_id)
                           .values(ip_address=truncate_address(address)))
        truncated += 1
    return truncated, dropped, deleted
