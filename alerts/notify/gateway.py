"""The GOV.UK Notify gateway: one typed method per request we make, and our own error types.

With no API key, `build_gateway` returns a local outbox that logs instead of sending, so nothing leaves the
machine in development. The gateway never retries: the dispatcher owns retries and the shared rate allowance.
"""

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import requests
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import APIError, InvalidResponse

from alerts.notify.errors import (
    AuthFailure,
    DailyLimitReached,
    InvalidRequest,
    NotFound,
    NotifyError,
    RateLimited,
    Unavailable,
)
from alerts.notify.pricing import pounds_from_notify
from alerts.notify.recipients import mask_email, mask_phone

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"
MAX_REFERENCE_LENGTH = 1000

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# Keys are "{name}-{service id}-{secret}". The client slices them by position and only `assert`s the parts are
# non-empty (asserts vanish under `python -O`), so a mistyped key would otherwise surface as a 403 on first send.
_API_KEY = re.compile(rf"(?:^|-){_UUID}-{_UUID}\Z")
# Informational only: we branch on the error type, never on Notify's wording.
_DAILY_LIMIT_CHANNEL = re.compile(r"\((\w+): \d+\)")
_EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class NotifyConfig:
    api_key: str | None
    base_url: str = DEFAULT_BASE_URL
    email_template_id: str
    sms_template_id: str
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class SendResult:
    notify_id: str | None
    sent: bool
    status: str


@dataclass(frozen=True)
class NotificationState:
    notify_id: str
    reference: str | None
    status: str
    completed_at: datetime | None
    # What Notify charged; None until its cost data is ready (`is_cost_data_ready`), and for emails 0.
    cost_in_pounds: Decimal | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class NotificationPage:
    """One page of `GET /v2/notifications`, newest first (250 a page), and the `older_than` of the next page:
    None when `links.next` is absent. Notify gives `next` whenever a page is not empty, so the last is empty."""

    notifications: list[NotificationState]
    older_than: str | None


class Gateway(Protocol):
    def send_email(
        self, *, email_address: str, subject: str, body: str, reference: str, one_click_unsubscribe_url: str | None
    ) -> SendResult: ...

    def send_sms(self, *, phone_number: str, body: str, reference: str) -> SendResult: ...

    def find_by_reference(self, reference: str) -> NotificationState | None: ...

    def get_notification(self, notify_id: str) -> NotificationState: ...

    def list_notifications(self, *, template_type: str, older_than: str | None = None) -> NotificationPage: ...


class NotifyGateway:
    """Sends through GOV.UK Notify. Safe to share between threads: each thread gets its own client."""

    def __init__(self, config: NotifyConfig) -> None:
        if not config.api_key:
            raise ValueError("NotifyGateway needs an API key: use build_gateway to get the local outbox without one")
        if not config.email_template_id or not config.sms_template_id:
            raise ValueError("Set NOTIFY_EMAIL_TEMPLATE_ID and NOTIFY_SMS_TEMPLATE_ID to send through Notify")
        self._config = config
        # The client holds a requests.Session and says it is not thread-safe.
        self._local = threading.local()
        self._client()

    def send_email(
        self, *, email_address: str, subject: str, body: str, reference: str, one_click_unsubscribe_url: str | None
    ) -> SendResult:
        _check_reference(reference)
        response = self._call(
            lambda client: client.send_email_notification(
                email_address=email_address,
                template_id=self._config.email_template_id,
                personalisation={"subject": subject, "body": body},
                reference=reference,
                one_click_unsubscribe_url=one_click_unsubscribe_url,
            ),
            sending=True,
        )
        result = _send_result(response)
        # Debug, not info: at hundreds a second a line per send was a measurable share of a worker's CPU. The
        # outbox records every accepted send with its Notify id, and the dispatcher logs each recorded batch.
        logger.debug(
            "Notify accepted email to %s, reference %s, id %s", mask_email(email_address), reference, result.notify_id
        )
        return result

    def send_sms(self, *, phone_number: str, body: str, reference: str) -> SendResult:
        _check_reference(reference)
        response = self._call(
            lambda client: client.send_sms_notification(
                phone_number=phone_number,
                template_id=self._config.sms_template_id,
                personalisation={"body": body},
                reference=reference,
            ),
            sending=True,
        )
        result = _send_result(response)
        logger.debug(
            "Notify accepted text to %s, reference %s, id %s", mask_phone(phone_number), reference, result.notify_id
        )
        return result

    def find_by_reference(self, reference: str) -> NotificationState | None:
        response = self._call(lambda client: client.get_all_notifications(reference=reference), sending=False)
        try:
            found = list(response["notifications"])
            if not found:
                return None
            newest = max(found, key=lambda raw: _parse_time(raw.get("created_at")) or _EARLIEST)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise Unavailable(
                "GOV.UK Notify returned an unexpected list of notifications", outcome_unknown=False
            ) from e
        return _notification_state(newest)

    def get_notification(self, notify_id: str) -> NotificationState:
        return _notification_state(self._call(lambda client: client.get_notification_by_id(notify_id), sending=False))

    def list_notifications(self, *, template_type: str, older_than: str | None = None) -> NotificationPage:
        """One page of Notify's list, newest first; follow `older_than` for the next (the client's own iterator
        hides where it is, and a caller that stops part way needs to know)."""
        response = self._call(
            lambda client: client.get_all_notifications(template_type=template_type, older_than=older_than),
            sending=False,
        )
        try:
            found = [_notification_state(raw) for raw in response["notifications"]]
            next_link = (response.get("links") or {}).get("next")
        except (KeyError, TypeError, AttributeError) as e:
            raise Unavailable(
                "GOV.UK Notify returned an unexpected list of notifications", outcome_unknown=False
            ) from e
        return NotificationPage(found, _older_than(next_link))

    def _client(self) -> NotificationsAPIClient:
        client: NotificationsAPIClient | None = getattr(self._local, "client", None)
        if client is None:
            client = self._new_client()
            self._local.client = client
        return client

    def _new_client(self) -> NotificationsAPIClient:
        api_key = (self._config.api_key or "").strip()
        if not _API_KEY.search(api_key):
            raise AuthFailure("NOTIFY_API_KEY is not a GOV.UK Notify API key: copy the whole key from Notify")
        return NotificationsAPIClient(api_key, base_url=self._config.base_url, timeout=self._config.timeout_seconds)

    def _call(self, request: Callable[[NotificationsAPIClient], Any], *, sending: bool) -> Any:
        client = self._client()
        try:
            return request(client)
        except InvalidResponse as e:
            raise Unavailable(
                "GOV.UK Notify answered with something other than JSON",
                status_code=e.status_code,
                outcome_unknown=sending,
            ) from e
        except APIError as e:
            raise translate_error(e, sending=sending) from e


class LocalOutboxGateway:
    """Stands in for Notify when NOTIFY_API_KEY is not set: logs each message and sends nothing."""

    def send_email(
        self, *, email_address: str, subject: str, body: str, reference: str, one_click_unsubscribe_url: str | None
    ) -> SendResult:
        _check_reference(reference)
        logger.info(
            "Local outbox, not sent: email to %s, reference %s, subject %r\n%s",
            mask_email(email_address),
            reference,
            subject,
            body,
        )
        return SendResult(notify_id=None, sent=False, status="not-sent-local")

    def send_sms(self, *, phone_number: str, body: str, reference: str) -> SendResult:
        _check_reference(reference)
        logger.info("Local outbox, not sent: text to %s, reference %s\n%s", mask_phone(phone_number), reference, body)
        return SendResult(notify_id=None, sent=False, status="not-sent-local")

    def find_by_reference(self, reference: str) -> NotificationState | None:
        return None

    def get_notification(self, notify_id: str) -> NotificationState:
        raise NotFound("The local outbox sends nothing, so it has no notifications to look up")

    def list_notifications(self, *, template_type: str, older_than: str | None = None) -> NotificationPage:
        return NotificationPage([], None)


def build_gateway(config: NotifyConfig) -> NotifyGateway | LocalOutboxGateway:
    if not config.api_key:
        logger.warning("NOTIFY_API_KEY is not set: messages go to the local outbox and are not sent")
        return LocalOutboxGateway()
    return NotifyGateway(config)


def translate_error(error: APIError, *, sending: bool) -> NotifyError:
    """Turn a client error into ours. `sending` marks a POST, whose outcome is unknown if no answer came back."""
    if error.response is None:
        cause = error.__cause__
        detail = (
            "Timed out waiting for GOV.UK Notify"
            if isinstance(cause, requests.Timeout)
            else ("Could not connect to GOV.UK Notify")
        )
        return Unavailable(
            detail,
            error_type=type(cause).__name__ if cause is not None else None,
            outcome_unknown=sending,
        )
    status_code = error.status_code
    error_type, detail = _describe(error.message)
    if status_code == 429:
        if error_type == "TooManyRequestsError":
            channel = _DAILY_LIMIT_CHANNEL.search(detail)
            return DailyLimitReached(
                detail, status_code=status_code, error_type=error_type, channel=channel[1] if channel else None
            )
        return RateLimited(detail, status_code=status_code, error_type=error_type)
    if status_code >= 500:
        return Unavailable(detail, status_code=status_code, error_type=error_type, outcome_unknown=sending)
    # Notify also answers 403 BadRequestError for requests a key may not make (letters with a team key).
    if status_code == 401 or (status_code == 403 and error_type != "BadRequestError"):
        return AuthFailure(detail, status_code=status_code, error_type=error_type)
    if status_code == 404:
        return NotFound(detail, status_code=status_code, error_type=error_type)
    if 400 <= status_code < 500:
        return InvalidRequest(detail, status_code=status_code, error_type=error_type)
    return NotifyError(detail, status_code=status_code, error_type=error_type)


def _check_reference(reference: str) -> None:
    # Without a reference a send whose outcome is unknown could never be looked up, only sent twice.
    if not reference or len(reference) > MAX_REFERENCE_LENGTH:
        raise ValueError(f"A Notify reference must be 1 to {MAX_REFERENCE_LENGTH} characters")


def _describe(message: object) -> tuple[str | None, str]:
    """Notify's v2 errors are a list of {"error", "message"}; anything else is a bare string from the client."""
    if isinstance(message, list) and message and all(isinstance(item, dict) for item in message):
        error_type = message[0].get("error")
        detail = "; ".join(str(item.get("message", "")) for item in message)
        return (str(error_type) if error_type else None), detail
    return None, str(message)


def _send_result(response: Any) -> SendResult:
    notify_id = response.get("id") if isinstance(response, dict) else None
    if not isinstance(notify_id, str) or not notify_id:
        raise Unavailable("GOV.UK Notify accepted the request but returned no notification id", outcome_unknown=True)
    return SendResult(notify_id=notify_id, sent=True, status="sent")


def _notification_state(raw: Any) -> NotificationState:
    try:
        return NotificationState(
            notify_id=str(raw["id"]),
            reference=raw.get("reference"),
            status=str(raw["status"]),
            completed_at=_parse_time(raw.get("completed_at")),
            cost_in_pounds=pounds_from_notify(raw.get("cost_in_pounds")) if raw.get("is_cost_data_ready") else None,
            created_at=_parse_time(raw.get("created_at")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise Unavailable("GOV.UK Notify returned an unexpected notification", outcome_unknown=False) from e


def _older_than(next_link: Any) -> str | None:
    """The `older_than` in a `links.next`, or None when there is no next page."""
    if not isinstance(next_link, str):
        return None
    values = parse_qs(urlsplit(next_link).query).get("older_than")
    return values[-1] if values and re.fullmatch(_UUID, values[-1]) else None


def _parse_time(value: str | None) -> datetime | None:
    """Notify's code sends "2024-05-17T15:58:38.342838Z"; its docs show "2024-05-17 15:58:38.342838". Both are UTC."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
