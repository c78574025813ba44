"""The simulator's request handling, independent of the HTTP server that feeds it."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

import jwt

from alerts.notify.sms_counting import count_sms, notify_layout, sanitise_sms

from .bucket import TokenBucket
from .callbacks import ReceiptSender
from .config import ApiKey, ConfigError, SimulatorConfig, Template, update_faults
from .faults import FaultInjector, FaultPlan
from .inbound import ReceivedText, ReceivedTexts
from .store import (
    FAILED_STATUSES,
    VALID_STATUSES,
    AcceptedNotification,
    NotificationStore,
    final_status_for,
    template_uri,
)
from .validation import (
    SMS_CHAR_COUNT_LIMIT,
    ApiError,
    check_phone_number_permissions,
    is_uuid,
    validate_send_body,
)

API_PAGE_SIZE = 250
JWT_BOUND_S = 30
KEY_TYPE_DISPLAY = {"normal": "LIVE", "team": "TEAM", "test": "TEST"}
SMOKE_TEST_NUMBERS = frozenset(("07700900000", "07700900111", "07700900222"))
SMOKE_TEST_EMAILS = frozenset(f"simulate-delivered{suffix}@notifications.service.gov.uk" for suffix in ("", "-2", "-3"))
_PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")
_SEND_PATH = re.compile(r"^/v2/notifications/(sms|email)$")
_ONE_PATH = re.compile(r"^/v2/notifications/([^/]+)$")
_RUNTIME_SETTINGS = frozenset(
    ("rate_limit_per_minute", "bucket_size", "daily_limits", "accept_unknown_templates", "receipt_delay_ms",
     "receipt_jitter_ms")
)  # fmt: skip

_SERVER_ERROR = ApiError.one(500, "Exception", "Internal server error")


# Notify's words for a token it cannot read (notifications-api app/authentication/auth.py).
GENERAL_TOKEN_ERROR = ("Invalid token: make sure your API token matches the example at "
                       "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int
    payload: Any = None
    # Close the connection without writing any response (a "connection drop" fault).
    drop: bool = False


def _normalise_key(name: str) -> str:
    # Notify's InsensitiveDict: case, spaces, underscores and hyphens do not matter in placeholder names.
    return "".join(ch for ch in name.lower() if ch not in " _-")


def _placeholder_names(text: str) -> list[str]:
    return [match.split("??", 1)[0] for match in _PLACEHOLDER.findall(text)]


def render(text: str, personalisation: Mapping[str, Any]) -> tuple[str, list[str]]:
    """Fill ((placeholders)); return the text and the placeholder names that had no value."""
    values = {_normalise_key(k): v for k, v in personalisation.items()}
    missing: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name, _, conditional = match.group(1).partition("??")
        key = _normalise_key(name)
        if key not in values:
            if name not in missing:
                missing.append(name)
            return match.group(0)
        value = values[key]
        if conditional:
            return conditional if value else ""
        if isinstance(value, list):
            return "\n".join(f"* {item}" for item in value)
        if value is None:  # Notify counts a null value as missing (Template.missing_data)
            if name not in missing:
                missing.append(name)
            return match.group(0)
        return str(value)

    return _PLACEHOLDER.sub(fill, text), missing


class Simulator:
    """Holds state and answers requests; thread-safe, so a threaded server may call `handle` concurrently."""

    def __init__(self, config: SimulatorConfig) -> None:
        config.validate()
        self.config = config
        self.base_url = f"http://127.0.0.1:{config.port}"
        self.store = NotificationStore()
        self.faults = FaultInjector(config.faults, config.seed)
        self.receipts = ReceiptSender(config.callback, config.seed) if config.callback is not None else None
        self.received_texts = ReceivedTexts(config.inbound_callback, config.inbound_number)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._buckets: dict[str, TokenBucket] = {}
        self._token_cache: dict[str, tuple[ApiKey, int]] = {}
        self._jitter_rng = random.Random(config.seed ^ 0xD1CE)

    # ----- lifecycle and control -------------------------------------------------------------------------------

    def stop(self) -> None:
        self._stopping.set()
        if self.receipts is not None:
            self.receipts.stop()

    def reset(self) -> None:
        self.store.reset()
        self.faults.reset()
        with self._lock:
            for bucket in self._buckets.values():
                bucket.refill()
            self._jitter_rng = random.Random(self.config.seed ^ 0xD1CE)
        if self.receipts is not None:
            self.receipts.reset()
        self.received_texts.reset()

    def update_config(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply fault settings (top-level FaultConfig names) and a few limits; all-or-nothing."""
        fault_changes = {k: v for k, v in changes.items() if k not in _RUNTIME_SETTINGS}
        other = {k: v for k, v in changes.items() if k in _RUNTIME_SETTINGS}
        new_faults = update_faults(self.faults.config, fault_changes)
        candidate = dataclasses.replace(self.config, faults=new_faults, **other)
        candidate.validate()
        with self._lock:
            self.config = candidate
            self._buckets.clear()
        self.faults.configure(new_faults)
        return self.describe_config()

    def describe_config(self) -> dict[str, Any]:
        config = self.config
        return {
            "faults": dataclasses.asdict(config.faults),
            "rate_limit_per_minute": config.rate_limit_per_minute,
            "bucket_size": config.effective_bucket_size(),
            "daily_limits": dict(config.daily_limits),
            "accept_unknown_templates": config.accept_unknown_templates,
            "receipt_delay_ms": config.receipt_delay_ms,
            "receipt_jitter_ms": config.receipt_jitter_ms,
            "callback_url": config.callback.url if config.callback is not None else None,
        }

    def stats(self, include_references: bool = True) -> dict[str, Any]:
        stats = self.store.stats(include_references)
        stats["callbacks"] = self.receipts.stats() if self.receipts is not None else None
        return stats

    def accepted(self) -> list[AcceptedNotification]:
        return self.store.all()

    def receive_text(self, phone_number: str, message: str, *, deliver_callback: bool = True) -> ReceivedText:
        """A resident replies to the service's inbound number."""
        return self.received_texts.receive(phone_number, message, deliver_callback=deliver_callback)

    def sleep(self, seconds: float) -> None:
        # Interruptible, so stopping the simulator never waits on an injected delay.
        if seconds > 0:
            self._stopping.wait(seconds)

    # ----- dispatch ---------------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        path = request.path.rstrip("/") or "/"
        if path.startswith("/_simulator/"):
            return self._handle_control(request, path)
        self.store.next_sequence()
        try:
            reply = self._route(request, path)
        except ApiError as error:
            reply = Reply(error.status_code, error.body())
        if not reply.drop:
            self.store.count_response(reply.status)
        return reply

    def _route(self, request: Request, path: str) -> Reply:
        send = _SEND_PATH.match(path)
        if send is not None:
            if request.method != "POST":
                raise ApiError.one(405, "MethodNotAllowed", "The method is not allowed for the requested URL.")
            self.store.count_endpoint(f"POST /v2/notifications/{send.group(1)}")
            key = self._authenticate(request.headers)
            return self._send(request, send.group(1), key)
        if path == "/v2/notifications":
            self.store.count_endpoint("GET /v2/notifications")
            self._require_get(request)
            key = self._authenticate(request.headers)
            return self._list(request.query, key.key_type)
        if path == "/v2/received-text-messages":
            self._require_get(request)
            self._authenticate(request.headers)
            return Reply(200, self.received_texts.list_page(request.query, self.base_url, self.config.service_id))
        one = _ONE_PATH.match(path)
        if one is not None:
            self.store.count_endpoint("GET /v2/notifications/{id}")
            self._require_get(request)
            self._authenticate(request.headers)
            return self._get_one(one.group(1))
        raise ApiError.one(404, "NotFound", "The requested URL was not found on the server.")

    @staticmethod
    def _require_get(request: Request) -> None:
        if request.method != "GET":
            raise ApiError.one(405, "MethodNotAllowed", "The method is not allowed for the requested URL.")

    # ----- auth (notify.md §1.5) --------------------------------------------------------------------------------

    def _authenticate(self, headers: Mapping[str, str]) -> ApiKey:
        header = headers.get("Authorization") or headers.get("authorization")
        if not header:
            raise ApiError.one(401, "AuthError", "Unauthorized: authentication token must be provided")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError.one(401, "AuthError", "Unauthorized: authentication bearer scheme must be used")
        token = token.strip()
        now = int(time.time())
        cached = self._token_cache.get(token)
        if cached is not None:
            key, iat = cached
            self._check_iat(iat, now)
            return key
        key, iat = self._verify_token(token, now)
        if len(self._token_cache) > 4096:
            self._token_cache.clear()
        self._token_cache[token] = (key, iat)
        return key

    def _verify_token(self, token: str, now: int) -> tuple[ApiKey, int]:
        try:
            unverified = jwt.decode(token, options={"verify_signature": False}, algorithms=["HS256"])
        except jwt.PyJWTError as exc:
            raise ApiError.one(403, "AuthError", GENERAL_TOKEN_ERROR) from exc
        issuer = unverified.get("iss")
        if issuer is None:
            raise ApiError.one(403, "AuthError", "Invalid token: iss field not provided")
        if not is_uuid(issuer):
            raise ApiError.one(403, "AuthError", "Invalid token: service id is not the right data type")
        if str(issuer).lower() != self.config.service_id.lower():
            raise ApiError.one(403, "AuthError", "Invalid token: service not found")
        for key in self.config.api_keys:
            try:
                claims = jwt.decode(token, key=key.secret, algorithms=["HS256"], options={"verify_iat": False})
            except jwt.InvalidAlgorithmError as exc:
                raise ApiError.one(403, "AuthError", "Invalid token: algorithm used is not HS256") from exc
            except jwt.DecodeError:
                continue
            except jwt.PyJWTError as exc:
                raise ApiError.one(403, "AuthError", GENERAL_TOKEN_ERROR) from exc
            if "iat" not in claims:
                # The client library calls a missing iat a decoding error, so Notify tries its next key and
                # ends on "not found".
                continue
            try:
                iat = int(claims["iat"])
            except (TypeError, ValueError) as exc:
                raise ApiError.one(
                    403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"
                ) from exc
            self._check_iat(iat, now)
            if key.revoked:
                raise ApiError.one(403, "AuthError", "Invalid token: API key revoked")
            return key, iat
        raise ApiError.one(403, "AuthError", "Invalid token: API key not found")

    @staticmethod
    def _check_iat(iat: int, now: int) -> None:
        if now > iat + JWT_BOUND_S or iat > now + JWT_BOUND_S:
            raise ApiError.one(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")

    # ----- sending ----------------------------------------------------------------------------------------------

    def _send(self, request: Request, channel: str, key: ApiKey) -> Reply:
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError.one(400, "BadRequestError", "Invalid JSON supplied in POST data") from exc
        plan = self.faults.plan()
        if plan.latency_s > 0:
            self.store.count_fault("latency")
            self.sleep(plan.latency_s)
        validate_send_body(body, channel)
        self._check_rate_limits(channel, key, plan)
        template = self._template_for(body["template_id"], channel)
        personalisation = body.get("personalisation") or {}
        rendered_body, missing_body = render(template.body, personalisation)
        subject, missing_subject = render(template.subject or "", personalisation)
        missing = list(dict.fromkeys(missing_subject + missing_body))
        if missing:
            raise ApiError.one(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        recipient = body["phone_number"] if channel == "sms" else body["email_address"]
        if channel == "sms":
            check_phone_number_permissions(recipient)
            # Notify holds the characters after sanitising to the limit, not the raw length (is_message_too_long).
            length = count_sms(rendered_body).length
            if length > SMS_CHAR_COUNT_LIMIT:
                raise ApiError.one(
                    400,
                    "BadRequestError",
                    f"Your message is too long. Text messages cannot be longer than {SMS_CHAR_COUNT_LIMIT} "
                    f"characters. Your message is {length} characters long.",
                )
        if not rendered_body.strip():
            raise ApiError.one(400, "BadRequestError", "Your message is empty.")
        if channel == "sms":
            # A text's body, in the answer and on GET, is what Notify sends (SMSMessageTemplate.__str__): laid out
            # and sanitised, so "–" reads "-" and an emoji "?".
            rendered_body = sanitise_sms(notify_layout(rendered_body))
        notification_id = str(uuid.uuid4())
        response = self._created_response(notification_id, channel, body, template, rendered_body, subject)
        if self.config.honour_smoke_test_recipients and self._is_smoke_test(channel, recipient):
            self.store.count_smoke_test()
            return Reply(201, response)
        return self._persist_and_answer(
            plan, notification_id, channel, body, template, rendered_body, subject, key, response
        )

    def _persist_and_answer(
        self,
        plan: FaultPlan,
        notification_id: str,
        channel: str,
        body: dict[str, Any],
        template: Template,
        rendered_body: str,
        subject: str,
        key: ApiKey,
        response: dict[str, Any],
    ) -> Reply:
        if plan.error_500:
            self.store.count_fault("error_500")
            if self.config.faults.persist_before_500:
                self._persist(notification_id, channel, body, template, rendered_body, subject, key, "error_500")
            raise _SERVER_ERROR
        if plan.drop:
            self.store.count_fault("drop")
            if self.config.faults.persist_before_drop:
                self._persist(notification_id, channel, body, template, rendered_body, subject, key, "drop")
            return Reply(0, drop=True)
        if plan.late_store:
            # Nothing is stored until after the client has given up: a lookup by reference before then finds nothing.
            self.store.count_fault("late_store")
            self.sleep(self.config.faults.late_store_delay_s)
            if self._stopping.is_set():
                return Reply(0, drop=True)
            self._persist(notification_id, channel, body, template, rendered_body, subject, key, "late_store")
            return Reply(201, response)
        outcome = "timeout" if plan.timeout else "created"
        if plan.technical_failure:
            self.store.count_fault("technical_failure")
        self._persist(notification_id, channel, body, template, rendered_body, subject, key, outcome,
                      technical_failure=plan.technical_failure)
        if plan.timeout:
            # Persisted, but answered only after the client has given up: the "ambiguous outcome" case.
            self.store.count_fault("timeout")
            self.sleep(self.config.faults.timeout_sleep_s)
        return Reply(201, response)

    def _check_rate_limits(self, channel: str, key: ApiKey, plan: FaultPlan) -> None:
        config = self.config
        if config.rate_limit_per_minute is not None:
            if plan.burst_429 or not self._bucket_for(key.key_type).try_take():
                if plan.burst_429:
                    self.store.count_fault("burst_429")
                else:
                    self.store.count_rate_limited()
                raise ApiError.one(
                    429,
                    "RateLimitError",
                    f"Exceeded rate limit for key type {KEY_TYPE_DISPLAY[key.key_type]} of "
                    f"{config.rate_limit_per_minute} requests per 60 seconds",
                )
        elif plan.burst_429:
            self.store.count_fault("burst_429")
            raise ApiError.one(
                429,
                "RateLimitError",
                f"Exceeded rate limit for key type {KEY_TYPE_DISPLAY[key.key_type]} of 3000 requests per 60 seconds",
            )
        limit = config.daily_limits.get(channel)
        # Test-key sends neither count towards the daily limit nor meet it (check_service_over_daily_message_limit).
        if limit is not None and key.key_type != "test" and self.store.over_daily_limit(channel, limit):
            raise ApiError.one(429, "TooManyRequestsError", f"Exceeded send limits ({channel}: {limit}) for today")

    def _bucket_for(self, key_type: str) -> TokenBucket:
        bucket = self._buckets.get(key_type)
        if bucket is None:
            with self._lock:
                bucket = self._buckets.get(key_type)
                if bucket is None:
                    rate = self.config.rate_limit_per_minute or 0
                    bucket = TokenBucket(rate, self.config.effective_bucket_size() or 1, clock=self.config.clock)
                    self._buckets[key_type] = bucket
        return bucket

    def _template_for(self, template_id: str, channel: str) -> Template:
        template = self.config.templates.get(template_id)
        if template is None:
            if not self.config.accept_unknown_templates:
                raise ApiError.one(400, "BadRequestError", "Template not found")
            fallback = next((t for t in self.config.templates.values() if t.type == channel), None)
            if fallback is None:
                raise ApiError.one(400, "BadRequestError", "Template not found")
            return dataclasses.replace(fallback, id=template_id)
        if template.type != channel:
            raise ApiError.one(
                400, "BadRequestError", f"{template.type} template is not suitable for {channel} notification"
            )
        return template

    @staticmethod
    def _is_smoke_test(channel: str, recipient: str) -> bool:
        if channel == "sms":
            digits = "".join(ch for ch in recipient if ch.isdigit())
            return any(digits.endswith(number[1:]) and len(digits) <= 13 for number in SMOKE_TEST_NUMBERS)
        return recipient.strip().lower() in SMOKE_TEST_EMAILS

    def _created_response(
        self,
        notification_id: str,
        channel: str,
        body: dict[str, Any],
        template: Template,
        rendered_body: str,
        subject: str,
    ) -> dict[str, Any]:
        content: dict[str, Any]
        if channel == "sms":
            content = {"body": rendered_body, "from_number": self.config.sms_sender}
        else:
            content = {
                "subject": subject,
                "body": rendered_body,
                "from_email": self.config.from_email,
                "one_click_unsubscribe_url": body.get("one_click_unsubscribe_url"),
            }
        response: dict[str, Any] = {
            "id": notification_id,
            "reference": body.get("reference"),
            "content": content,
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": {
                "id": template.id,
                "version": template.version,
                "uri": template_uri(self.base_url, self.config.service_id, template.id),
            },
            "scheduled_for": body.get("scheduled_for"),
        }
        if channel == "email":
            response["sanitised_content"] = {}
        return response

    def _persist(
        self,
        notification_id: str,
        channel: str,
        body: dict[str, Any],
        template: Template,
        rendered_body: str,
        subject: str,
        key: ApiKey,
        outcome: str,
        *,
        technical_failure: bool = False,
    ) -> None:
        config = self.config
        delay_s = config.receipt_delay_ms / 1000.0
        if config.receipt_jitter_ms > 0:
            with self._lock:
                delay_s += self._jitter_rng.uniform(0, config.receipt_jitter_ms) / 1000.0
        created = datetime.now(UTC)
        accepted = time.monotonic()
        recipient = body["phone_number"] if channel == "sms" else body["email_address"]
        extra = {
            name: body[name]
            for name in ("sms_sender_id", "email_reply_to_id", "one_click_unsubscribe_url", "scheduled_for")
            if name in body
        }
        notification = AcceptedNotification(
            id=notification_id,
            type=channel,
            recipient=recipient,
            template_id=template.id,
            template_version=template.version,
            reference=body.get("reference"),
            personalisation=dict(body.get("personalisation") or {}),
            body=rendered_body,
            subject=subject if channel == "email" else None,
            key_type=key.key_type,
            created_at=created,
            completed_at=created + timedelta(seconds=delay_s),
            completes_at_monotonic=time.monotonic() + delay_s,
            final_status="technical-failure" if technical_failure else final_status_for(channel, recipient),
            outcome=outcome,
            sequence=0,
            extra=extra,
            created_until_monotonic=accepted + config.created_ms / 1000.0,
            pending_from_monotonic=(None if config.pending_after_ms is None
                                    else accepted + (config.created_ms + config.pending_after_ms) / 1000.0),
        )
        notification = self.store.add(notification)
        if self.receipts is not None:
            self.receipts.schedule(notification)

    # ----- reading ----------------------------------------------------------------------------------------------

    def _get_one(self, notification_id: str) -> Reply:
        if not is_uuid(notification_id):
            raise ApiError.one(400, "ValidationError", "notification_id is not a valid UUID")
        notification = self.store.get(notification_id.lower())
        if notification is None:
            raise ApiError.one(404, "NoResultFound", "No result found")
        return Reply(200, notification.serialise(self.base_url, self.config.service_id))

    def _list(self, query: str, key_type: str) -> Reply:
        """Only the notifications sent with this kind of key, as Notify's list does (key_type=api_user.key_type)."""
        args = parse_qs(query, keep_blank_values=True)
        unknown = [
            name for name in args if name not in ("status", "template_type", "reference", "older_than", "include_jobs")
        ]
        if unknown:
            verb = "was" if len(unknown) == 1 else "were"
            raise ApiError.one(
                400,
                "ValidationError",
                f"Additional properties are not allowed ({', '.join(unknown)} {verb} unexpected)",
            )
        errors: list[tuple[str, str]] = []
        statuses: set[str] = set()
        for status in args.get("status", []):
            if status not in VALID_STATUSES:
                errors.append(
                    ("ValidationError", f"status {status} is not one of [{', '.join(sorted(VALID_STATUSES))}]")
                )
            statuses.update(FAILED_STATUSES if status == "failed" else (status,))
        template_types = set(args.get("template_type", []))
        for template_type in template_types:
            if template_type not in ("sms", "email", "letter"):
                errors.append(("ValidationError", f"template_type {template_type} is not one of [sms, email, letter]"))
        older_than = args.get("older_than", [None])[-1]
        if older_than is not None and not is_uuid(older_than):
            errors.append(("ValidationError", "older_than is not a valid UUID"))
        if errors:
            raise ApiError(400, tuple(dict.fromkeys(errors)))
        reference = args.get("reference", [None])[-1]
        page = self.store.newest_first(
            reference,
            frozenset(statuses) if statuses else None,
            frozenset(template_types) if template_types else None,
            older_than.lower() if older_than else None,
            API_PAGE_SIZE,
            key_type,
        )
        now = time.monotonic()
        current_args = [(name, value) for name, values in args.items() for value in values]
        links = {"current": f"{self.base_url}/v2/notifications" + _query_suffix(current_args)}
        if page:
            # Notify appends older_than after the request's own arguments (get_notifications.py, url_for).
            next_args = [(n, v) for n, v in current_args if n != "older_than"] + [("older_than", page[-1].id)]
            links["next"] = f"{self.base_url}/v2/notifications" + _query_suffix(next_args)
        serialised = [n.serialise(self.base_url, self.config.service_id, now) for n in page]
        return Reply(200, {"notifications": serialised, "links": links})

    # ----- control endpoints ------------------------------------------------------------------------------------

    def _handle_control(self, request: Request, path: str) -> Reply:
        if path == "/_simulator/stats" and request.method == "GET":
            include = parse_qs(request.query).get("per_reference", ["1"])[-1] not in ("0", "false")
            return Reply(200, self.stats(include))
        if path == "/_simulator/notifications" and request.method == "GET":
            return Reply(200, {"notifications": [_record(n) for n in self.accepted()]})
        if path == "/_simulator/inbound" and request.method == "POST":
            # A resident replies: {"phone_number", "message", "deliver_callback": true}.
            try:
                body = json.loads(request.body or b"{}")
                text = self.received_texts.receive(str(body["phone_number"]), str(body["message"]),
                                                   deliver_callback=bool(body.get("deliver_callback", True)))
            except (ValueError, TypeError, KeyError) as exc:
                return Reply(400, {"error": str(exc)})
            return Reply(201, text.callback_payload())
        if path == "/_simulator/reset" and request.method == "POST":
            self.reset()
            return Reply(200, {"reset": True})
        if path == "/_simulator/config" and request.method == "GET":
            return Reply(200, self.describe_config())
        if path == "/_simulator/config" and request.method == "POST":
            try:
                changes = json.loads(request.body or b"{}")
                if not isinstance(changes, dict):
                    raise ConfigError("body must be a JSON object")
                return Reply(200, self.update_config(changes))
            except (ValueError, TypeError) as exc:
                return Reply(400, {"error": str(exc)})
        return Reply(404, {"error": "unknown simulator control endpoint"})


def _query_suffix(args: list[tuple[str, str]]) -> str:
    return "?" + urlencode(args) if args else ""


def _record(notification: AcceptedNotification) -> dict[str, Any]:
    record = dataclasses.asdict(notification)
    record["created_at"] = notification.created_at.isoformat()
    record["completed_at"] = notification.completed_at.isoformat()
    record["status"] = notification.status()
    return record


__all__ = ["Reply", "Request", "Simulator", "render"]
