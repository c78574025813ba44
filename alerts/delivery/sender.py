"""Send one message now: used for confirmation codes and links, which a resident is waiting for.

The database session is released before the HTTP call, so a slow Notify never holds a connection or a lock.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket

from flask import current_app

from alerts.data import messages as message_data
from alerts.delivery.gateway import get_gateway
from alerts.extensions import db
from alerts.models import Channel, Message, utc_now
from alerts.notify import Gateway, NotifyError, SendResult, Unavailable

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)
RETRY_AFTER = dt.timedelta(seconds=30)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def deliver(gateway: Gateway, message: Message) -> SendResult:
    """One POST to Notify for one message. The message id is Notify's reference."""
    if message.channel == Channel.SMS:
        return gateway.send_sms(phone_number=message.recipient or "", body=message.body, reference=message.id)
    return gateway.send_email(
        email_address=message.recipient or "",
        subject=message.subject or "",
        body=message.body,
        reference=message.id,
        one_click_unsubscribe_url=message.one_click_unsubscribe_url,
    )


def send_now(message_id: str) -> None:
    """Send a queued message straight away. If Notify can't take it now, it stays queued for the dispatcher."""
    message = message_data.claim_for_immediate_send(message_id, worker_name(), LEASE)
    if message is None:
        return
    db.session.expunge(message)
    db.session.remove()  # release the connection before the HTTP call
    try:
        result = deliver(get_gateway(current_app._get_current_object()), message)  # type: ignore[attr-defined]
    except NotifyError as error:
        if error.retryable:
            unknown = isinstance(error, Unavailable) and error.outcome_unknown
            message_data.record_retry(message_id, str(error), at=utc_now() + RETRY_AFTER, outcome_unknown=unknown)
            log.warning("message %s not sent yet, will retry: %s", message_id, error)
        else:
            message_data.record_failed(message_id, str(error))
            log.error("message %s failed: %s", message_id, error)
        return
    message_data.record_sent(message_id, result.notify_id, local_outbox=not result.sent)
