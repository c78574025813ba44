"""A resident's rights over their data (UK GDPR articles 15 and 17): everything held about one contact, exported,
and erased on request. The views audit each use with the reason staff give."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from alerts.data import residents
from alerts.data.retention import erase_contacts
from alerts.data.subscribers import hold_back_queued_messages
from alerts.extensions import db
from alerts.models import AuditEvent, Message, Subscriber, SubscriberStatus, utc_now
from alerts.notify.masking import mask_for_staff

CSV_HEADER = ["section", "item", "field", "value"]
_FORMULA = re.compile(r"^[=@+\-\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+$")


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _pending(request: dict[str, Any] | None) -> dict[str, Any] | None:
    """A sign-up or change not yet confirmed: what the resident asked for (not our internal ids)."""
    if not request:
        return None
    return {"postcodes": [postcode for _area, postcode in request.get("areas", []) if postcode],
            "areas": [area for area, _postcode in request.get("areas", [])],
            "services": request.get("services") or "all", "source": request.get("source")}


def export_subscriber(subscriber: Subscriber) -> dict[str, Any]:
    """Everything held about this contact. Message bodies are masked: staff download this file, and a live code or
    manage link in it would let whoever holds the file act for the resident."""
    messages = db.session.scalars(
        select(Message).where(Message.subscriber_id == subscriber.id).order_by(Message.created_at_utc, Message.id))
    # Staff IP addresses and names are the council's records of its own staff, not the resident's data.
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_type == "subscriber", AuditEvent.target_id == str(subscriber.id))
        .order_by(AuditEvent.created_at_utc, AuditEvent.id))
    return {
        "exported_at": _when(utc_now()),
        "subscriber": {
            "reference": subscriber.public_id,
            "channel": str(subscriber.channel),
            "contact": subscriber.contact,
            "status": str(subscriber.status),
            "signed_up_at": _when(subscriber.created_at_utc),
            "consent_source": subscriber.consent_source,
            "consent_record": subscriber.consent_record,  # spoken consent taken by phone: who heard it, and when
            "one_email_a_day": subscriber.digest,
            "confirmed_at": _when(subscriber.confirmed_at_utc),
            "unsubscribed_at": _when(subscriber.unsubscribed_at_utc),
            "unsubscribe_reason": subscriber.unsubscribe_reason,
            "suspended_reason": subscriber.suspended_reason,
            "services": "all" if subscriber.all_services else sorted(service.name for service in subscriber.services),
            "waiting_to_be_confirmed": _pending(subscriber.pending_request),
            # The same person's other contacts (their own references: each is exported on its own request).
            "other_contacts_of_this_person": [{"reference": other.public_id, "channel": str(other.channel)}
                                              for other in residents.other_contacts(subscriber)],
        },
        "subscriptions": [
            {"area": subscription.area.name, "postcode": subscription.postcode,
             "since": _when(subscription.created_at_utc)}
            for subscription in sorted(subscriber.subscriptions, key=lambda s: s.area.name)
        ],
        "messages": [
            {"reference": message.id, "created_at": _when(message.created_at_utc), "kind": str(message.kind),
             "channel": str(message.channel), "recipient": message.recipient, "subject": message.subject,
             "body": mask_for_staff(message.body), "status": str(message.status),
             "sent_at": _when(message.sent_at_utc), "completed_at": _when(message.completed_at_utc)}
            for message in messages
        ],
        "audit_events": [
            {"at": _when(event.created_at_utc), "action": event.action, "details": event.details}
            for event in events
        ],
    }


def export_json(export: dict[str, Any]) -> str:
    return json.dumps(export, indent=2, ensure_ascii=False)


def _flatten(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_flatten(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_flatten(item)}" for key, item in value.items())
    return str(value)


def _cell(value: Any) -> str:
    """A spreadsheet runs a cell starting "=", "@", "+" or "-" as a formula: free text (an officer's notice, a
    reason) is kept as text with a leading apostrophe, as OWASP advises. A phone number (+44…) stays as it is."""
    text = _flatten(value)
    if _FORMULA.match(text) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def export_csv(export: dict[str, Any]) -> str:
    """The same export as one sheet a resident can open: a row per field, numbered per item within a section."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    writer.writerow(["export", "1", "exported_at", export["exported_at"]])
    for field, value in export["subscriber"].items():
        writer.writerow(["subscriber", "1", field, _cell(value)])
    for section in ("subscriptions", "messages", "audit_events"):
        for number, item in enumerate(export[section], start=1):
            for field, value in item.items():
                writer.writerow([section, str(number), field, _cell(value)])
    return out.getvalue()


@dataclass(frozen=True)
class Erasure:
    held_back: int  # messages still queued, stopped so they never reach the resident
    messages_kept: int  # message rows kept, without recipient, body, links or subscriber, so the counts add up


def erase_subscriber(subscriber: Subscriber) -> Erasure:
    """Stop everything to this contact and erase it now, as the retention purge would 28 days after unsubscribing.
    The caller commits, with its audit event."""
    held = hold_back_queued_messages(subscriber.id)
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.unsubscribed_at_utc = subscriber.unsubscribed_at_utc or utc_now()
    subscriber.token_version += 1  # any manage or unsubscribe link still in an inbox stops working
    db.session.flush()
    kept = erase_contacts([subscriber.id])
    db.session.expire_all()
    return Erasure(held_back=held, messages_kept=kept)
