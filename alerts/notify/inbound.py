"""Replies residents text to the service's inbound number: Notify's two shapes, and what a reply means.

Notify posts each reply to our inbound callback as {"id", "source_number", "destination_number", "message",
"date_received"}, and lists them at GET /v2/received-text-messages (newest first, 250 a page, `older_than=<id>` for
the next page) as {"id", "user_number", "notify_number", "content", "created_at"} for 7 days.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from typing import Any

from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import APIError

from alerts.notify.errors import NotifyError
from alerts.notify.gateway import NotifyConfig, translate_error
from alerts.notify.recipients import InvalidRecipient, normalise_uk_mobile


class ReplyAction(enum.StrEnum):
    STOP = "stop"
    START = "start"
    IGNORED = "ignored"


# What people text to stop any sender (the mobile industry's words), and to start again.
STOP_WORDS = frozenset({"STOP", "STOP ALL", "STOPALL", "UNSUBSCRIBE", "END", "CANCEL", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
# And in Welsh, for a council that writes in Welsh: "stop", "cancel"; "start", "start again".
WELSH_STOP_WORDS = frozenset({"STOPIO", "DIDDYMU"})
WELSH_START_WORDS = frozenset({"DECHRAU", "AILDDECHRAU"})
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def reply_action(message: str, *, welsh: bool = False) -> ReplyAction:
    """STOP, "stop.", " Stop all! " all stop; anything with more words than these is a message for a person.
    With `welsh` (a council that writes in Welsh), "Stopio" and "Diddymu" stop too, "Dechrau" starts."""
    words = " ".join(_EDGES.sub("", message or "").upper().split())
    if words in STOP_WORDS or (welsh and words in WELSH_STOP_WORDS):
        return ReplyAction.STOP
    if words in START_WORDS or (welsh and words in WELSH_START_WORDS):
        return ReplyAction.START
    return ReplyAction.IGNORED


class InvalidInbound(ValueError):
    """Not a received text message in Notify's shape."""


@dataclass(frozen=True)
class ReceivedText:
    """A text a resident sent to our inbound number, as Notify reports it."""

    id: str
    phone_number: str | None  # E.164, or None when it is not a UK mobile we could have texted
    message: str
    received_at: dt.datetime | None


def _phone(raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    digits = raw.strip()
    # Notify gives "447700900123": without the plus it would read as a national number.
    if digits.startswith("44"):
        digits = "+" + digits
    try:
        return normalise_uk_mobile(digits)
    except InvalidRecipient:
        return None


def _time(raw: Any) -> dt.datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _checked(text_id: Any, message: Any) -> tuple[str, str]:
    if not isinstance(text_id, str) or not text_id or len(text_id) > 36 or "\x00" in text_id:
        raise InvalidInbound("id is missing or not a value Notify sends")
    if not isinstance(message, str):
        raise InvalidInbound("message is missing")
    return text_id, message


def parse_inbound_callback(body: Any) -> ReceivedText:
    if not isinstance(body, dict):
        raise InvalidInbound("Send a JSON object")
    text_id, message = _checked(body.get("id"), body.get("message"))
    return ReceivedText(text_id, _phone(body.get("source_number")), message, _time(body.get("date_received")))


def parse_received_text(raw: Any) -> ReceivedText:
    if not isinstance(raw, dict):
        raise InvalidInbound("a received text is not a JSON object")
    text_id, message = _checked(raw.get("id"), raw.get("content"))
    return ReceivedText(text_id, _phone(raw.get("user_number")), message, _time(raw.get("created_at")))


def fetch_received_texts(config: NotifyConfig, *, older_than: str | None = None) -> list[ReceivedText]:
    """One page of replies, newest first. Raises NotifyError when Notify can't be asked."""
    client = NotificationsAPIClient((config.api_key or "").strip(), base_url=config.base_url,
                                    timeout=config.timeout_seconds)
    try:
        response = client.get_received_texts(older_than=older_than)
    except APIError as error:
        raise translate_error(error, sending=False) from error
    except Exception as error:  # connection errors, bad JSON: the poll tries again next time
        raise NotifyError(f"could not list received text messages: {error}") from error
    texts = response.get("received_text_messages") if isinstance(response, dict) else None
    if not isinstance(texts, list):
        raise NotifyError("GOV.UK Notify returned an unexpected list of received text messages")
    parsed = []
    for raw in texts:
        try:
            parsed.append(parse_received_text(raw))
        except InvalidInbound:
            continue
    return parsed
