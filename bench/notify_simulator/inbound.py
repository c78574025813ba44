"""Received text messages: residents' replies to the service's inbound number.

A test or benchmark makes a resident reply with `Simulator.receive_text`; the simulator then lists it at
GET /v2/received-text-messages (newest first, 250 a page, `older_than=<id>`; Notify keeps them 7 days) and, when an
inbound callback is configured and `deliver_callback` is true, POSTs Notify's inbound callback shape
{"id", "source_number", "destination_number", "message", "date_received"} with the bearer token. As Notify's
send-inbound-sms task does, a connection error, a 5xx or a 429 is tried again `max_retries` times,
`retry_delay_s` apart; any other answer is final. A test that wants a duplicate calls `redeliver`. Leaving the
callback out is how a test makes "callbacks are down".
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import requests

from .config import CallbackConfig

PAGE_SIZE = 250


@dataclass(frozen=True)
class ReceivedText:
    id: str
    user_number: str  # "447700900123", as Notify gives it
    notify_number: str
    content: str
    created_at: datetime

    def serialise(self, service_id: str) -> dict[str, Any]:
        return {"id": self.id, "user_number": self.user_number, "notify_number": self.notify_number,
                "created_at": self.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "service_id": service_id,
                "content": self.content}

    def callback_payload(self) -> dict[str, Any]:
        return {"id": self.id, "source_number": self.user_number, "destination_number": self.notify_number,
                "message": self.content, "date_received": self.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}


def international_number(number: str) -> str:
    """The sender as Notify records it (validate_and_format_phone_number, international): "447700900123", whether
    the phone network gave "07700 900123", "+447700900123" or "447700900123"."""
    digits = "".join(c for c in number if c.isdigit())
    return "44" + digits[1:] if digits.startswith("0") else digits


class ReceivedTexts:
    def __init__(self, callback: CallbackConfig | None, notify_number: str) -> None:
        self.callback = callback
        self.notify_number = notify_number
        self._texts: list[ReceivedText] = []
        self._lock = threading.Lock()
        self.callback_statuses: list[int | str] = []

    def reset(self) -> None:
        with self._lock:
            self._texts.clear()
            self.callback_statuses.clear()

    def receive(self, user_number: str, content: str, *, deliver_callback: bool = True) -> ReceivedText:
        text = ReceivedText(str(uuid.uuid4()), international_number(user_number), self.notify_number, content,
                            datetime.now(UTC))
        with self._lock:
            self._texts.append(text)
        if deliver_callback:
            self.redeliver(text)
        return text

    def redeliver(self, text: ReceivedText, attempt: int = 0) -> int | str:
        """POST the inbound callback (synchronously, so a test sees its effect). Returns the status or error; a
        retryable one is tried again later, on a timer."""
        if self.callback is None:
            return "no callback configured"
        callback = self.callback
        try:
            response = requests.post(callback.url, data=json.dumps(text.callback_payload()),
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {callback.bearer_token}"},
                                     timeout=callback.timeout_s)
            outcome: int | str = response.status_code
        except requests.RequestException as error:
            outcome = f"connection error: {error}"
        with self._lock:
            self.callback_statuses.append(outcome)
        retryable = isinstance(outcome, str) or outcome >= 500 or outcome == 429
        if retryable and attempt < callback.max_retries:
            retry = threading.Timer(callback.retry_delay_s, self.redeliver, args=(text, attempt + 1))
            retry.daemon = True
            retry.start()
        return outcome

    def list_page(self, query: str, base_url: str, service_id: str) -> dict[str, Any]:
        older_than = parse_qs(query).get("older_than", [None])[-1]
        with self._lock:
            newest_first = list(reversed(self._texts))
        if older_than:
            ids = [text.id for text in newest_first]
            newest_first = newest_first[ids.index(older_than) + 1:] if older_than in ids else []
        page = newest_first[:PAGE_SIZE]
        links = {"current": f"{base_url}/v2/received-text-messages"}
        if page:
            links["next"] = f"{base_url}/v2/received-text-messages?older_than={page[-1].id}"
        return {"received_text_messages": [text.serialise(service_id) for text in page], "links": links}
