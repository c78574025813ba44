"""Read what the service "sent" from the local outbox, as a resident reads their phone or inbox.

The live server writes Message rows (status not_sent: no Notify key in tests) in its own thread and session, so
every read starts a fresh transaction to see them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from alerts.data import contact_centre
from alerts.extensions import db
from alerts.models import Message, MessageKind, MessageStatus
from alerts.services.signups import send_requested_manage_access

_CODE = re.compile(r"\b(\d{6})\b")
_LINK = re.compile(r"https?://\S+")


def messages_to(contact: str) -> list[Message]:
    """Everything sent to an email address or mobile number (any format), newest first."""
    db.session.rollback()
    # No scheduler runs beside the live server either: answer manage requests as its job would within a second.
    send_requested_manage_access()
    channel, normalised = contact_centre.normalise_contact(contact)
    subscriber = contact_centre.find_caller(channel, normalised)
    if subscriber is None:
        return []
    return [message for message in contact_centre.recent_messages(subscriber.id) if message.recipient == normalised]


def dispatch() -> int:
    """Send everything queued, as a dispatcher beside the live server would: with no Notify key, into the local
    outbox (not sent). A resolution reaches only those whose first message went."""
    from flask import current_app

    from alerts.delivery.dispatcher import Dispatcher

    db.session.rollback()
    dispatcher = Dispatcher(current_app._get_current_object(), concurrency=1)  # type: ignore[attr-defined]
    try:
        return dispatcher.run_until_idle()
    finally:
        dispatcher.close()


def latest(contact: str, kind: MessageKind) -> Message:
    found = [message for message in messages_to(contact) if message.kind == kind]
    assert found, f"no {kind} message to {contact} in the outbox"
    message = found[0]
    # Pages only queue (nothing in a request waits on Notify); no dispatcher runs beside the live server, so the
    # message is read from the outbox as queued, or as not sent if a dispatcher ran without a Notify key.
    assert message.status in (MessageStatus.QUEUED, MessageStatus.NOT_SENT), message.status
    return message


def code_in(message: Message) -> str:
    match = _CODE.search(message.body)
    assert match, f"no 6-digit code in {message.body!r}"
    return match.group(1)


def path_of_link_in(message: Message) -> str:
    """The path of the one link in an email (it points at the live server: BASE_URL is set to it)."""
    links = _LINK.findall(message.body)
    assert len(links) == 1, links
    url = urlsplit(links[0])
    return url.path + (f"?{url.query}" if url.query else "")
