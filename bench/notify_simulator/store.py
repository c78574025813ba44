"""The simulator's in-memory record of accepted notifications and its counters."""

from __future__ import annotations

import bisect
import dataclasses
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from alerts.notify.sms_counting import count_sms

NOTIFY_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
FAILED_STATUSES = ("technical-failure", "temporary-failure", "permanent-failure")
IN_FLIGHT = ("created", "sending", "pending")
# Final statuses that come from a provider's receipt: only these are called back.
RECEIPT_STATUSES = ("delivered", "temporary-failure", "permanent-failure")
VALID_STATUSES = frozenset(
    (
        "cancelled", "created", "sending", "sent", "delivered", "pending", "failed", "technical-failure",
        "temporary-failure", "permanent-failure", "pending-virus-check", "validation-failed", "virus-scan-failed",
        "returned-letter", "accepted", "received",
    )
)  # fmt: skip
SMS_RATE_IN_POUNDS = 0.0227


def format_datetime(value: datetime | None) -> str | None:
    return None if value is None else value.strftime(NOTIFY_DATETIME_FORMAT)


@dataclass(frozen=True)
class AcceptedNotification:
    """One persisted notification. `outcome` says what the client was told: created, error_500, drop or timeout."""

    id: str
    type: str
    recipient: str
    template_id: str
    template_version: int
    reference: str | None
    personalisation: dict[str, Any]
    body: str
    subject: str | None
    key_type: str
    created_at: datetime
    completed_at: datetime
    completes_at_monotonic: float
    final_status: str
    outcome: str
    sequence: int
    extra: dict[str, Any] = field(default_factory=dict)
    # Until when it is "created" (waiting for a worker to hand it to the provider), and from when a text's
    # provider says "pending"; without them it is "sending" until its final status.
    created_until_monotonic: float | None = None
    pending_from_monotonic: float | None = None

    def status(self, now_monotonic: float | None = None) -> str:
        """Notify's stages: "created" until a worker hands it to the provider, then "sending"; a text's provider
        then says "pending" until its receipt. A technical failure happens at the hand-over, so it was never
        "sending". ("sent" is Notify's end for an international text, which this service, like the simulated one,
        has no permission to send.)"""
        now = time.monotonic() if now_monotonic is None else now_monotonic
        if now >= self.completes_at_monotonic:
            return self.final_status
        if self.final_status == "technical-failure" or (
                self.created_until_monotonic is not None and now < self.created_until_monotonic):
            return "created"
        if (self.type == "sms" and self.pending_from_monotonic is not None
                and now >= self.pending_from_monotonic):
            return "pending"
        return "sending"

    def serialise(self, base_url: str, service_id: str, now_monotonic: float | None = None) -> dict[str, Any]:
        """The GET /v2/notifications/{id} object (Notify's Notification.serialize_with_cost_data)."""
        status = self.status(now_monotonic)
        completed = status not in IN_FLIGHT
        is_sms = self.type == "sms"
        # A text gets its billable units when it is handed to the provider: none while "created", none after a
        # technical failure.
        billed = is_sms and status not in ("created", "technical-failure")
        fragments = sms_fragment_count(self.body) if billed else 0
        # Notify's cost is ready unless a text is "created" without billable units; an email always costs 0.0
        # and is always ready (Notification.serialize_with_cost_data).
        cost_ready = not (is_sms and status == "created")
        return {
            "id": self.id,
            "reference": self.reference,
            "email_address": None if is_sms else self.recipient,
            "phone_number": self.recipient if is_sms else None,
            "line_1": None, "line_2": None, "line_3": None, "line_4": None, "line_5": None, "line_6": None,
            "postcode": None,
            "type": self.type,
            "status": status,
            "template": {
                "version": self.template_version,
                "id": self.template_id,
                "uri": template_uri(base_url, service_id, self.template_id),
            },
            "body": self.body,
            "subject": self.subject,
            "created_at": format_datetime(self.created_at),
            "created_by_name": None,
            "sent_at": format_datetime(self.created_at),
            "completed_at": format_datetime(self.completed_at) if completed else None,
            "scheduled_for": self.extra.get("scheduled_for"),
            "postage": None,
            "one_click_unsubscribe_url": self.extra.get("one_click_unsubscribe_url"),
            "is_cost_data_ready": cost_ready,
            "cost_in_pounds": (round(fragments * SMS_RATE_IN_POUNDS, 4) if cost_ready else None) if is_sms else 0.0,
            "cost_details": (
                {
                    "billable_sms_fragments": fragments,
                    "international_rate_multiplier": 1,
                    "sms_rate": SMS_RATE_IN_POUNDS,
                }
                if is_sms and cost_ready
                else {}
            ),
        }  # fmt: skip

    def callback_payload(self) -> dict[str, Any]:
        """Notify's delivery-receipt body (notify.md §3.2): strings except template_version."""
        return {
            "id": self.id,
            "reference": self.reference,
            "to": self.recipient,
            "status": self.final_status,
            "created_at": format_datetime(self.created_at),
            "completed_at": format_datetime(self.completed_at),
            "sent_at": format_datetime(self.created_at),
            "notification_type": self.type,
            "template_id": self.template_id,
            "template_version": self.template_version,
        }


def template_uri(base_url: str, service_id: str, template_id: str) -> str:
    # Notify's code (not its docs) builds this form (notify.md §1.3).
    return f"{base_url}/services/{service_id}/templates/{template_id}"


def sms_fragment_count(body: str) -> int:
    """Notify's billable fragments: counted after its sanitising, extension characters 2, Welsh letters Unicode."""
    return count_sms(body).fragments


def final_status_for(channel: str, recipient: str) -> str:
    """Notify's test-key outcomes by recipient (notify.md §4)."""
    if channel == "sms":
        digits = "".join(ch for ch in recipient if ch.isdigit())
        if digits.endswith("7700900003"):
            return "temporary-failure"
        if digits.endswith("7700900002"):
            return "permanent-failure"
        return "delivered"
    address = recipient.strip().lower()
    if address == "temp-fail@simulator.notify":
        return "temporary-failure"
    if address == "perm-fail@simulator.notify":
        return "permanent-failure"
    return "delivered"


class NotificationStore:
    """Thread-safe record of accepted notifications plus request counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self._by_id: dict[str, AcceptedNotification] = {}
        self._ordered: list[AcceptedNotification] = []
        self._by_reference: dict[str, list[AcceptedNotification]] = {}
        self._daily: Counter[str] = Counter()
        self._sequence = 0
        self.requests_total = 0
        self.requests_by_endpoint: Counter[str] = Counter()  # "GET /v2/notifications", "GET /v2/notifications/{id}"
        self.responses: Counter[int] = Counter()
        self.rate_limited = 0
        self.daily_limited = 0
        self.smoke_test_accepted = 0
        self.faults: Counter[str] = Counter()
        self.outcomes: Counter[str] = Counter()

    def reset(self) -> None:
        with self._lock:
            self._clear()

    def next_sequence(self) -> int:
        with self._lock:
            self.requests_total += 1
            return self.requests_total

    def count_endpoint(self, endpoint: str) -> None:
        with self._lock:
            self.requests_by_endpoint[endpoint] += 1

    def count_response(self, status_code: int) -> None:
        with self._lock:
            self.responses[status_code] += 1

    def count_fault(self, name: str) -> None:
        with self._lock:
            self.faults[name] += 1

    def count_rate_limited(self) -> None:
        with self._lock:
            self.rate_limited += 1

    def count_smoke_test(self) -> None:
        with self._lock:
            self.smoke_test_accepted += 1

    def over_daily_limit(self, channel: str, limit: int | None) -> bool:
        with self._lock:
            over = limit is not None and self._daily[channel] >= limit
            if over:
                self.daily_limited += 1
            return over

    def add(self, notification: AcceptedNotification) -> AcceptedNotification:
        """Store `notification`, stamped with its arrival order (used for `older_than` paging)."""
        with self._lock:
            self._sequence += 1
            notification = dataclasses.replace(notification, sequence=self._sequence)
            self._by_id[notification.id] = notification
            self._ordered.append(notification)
            if notification.reference is not None:
                self._by_reference.setdefault(notification.reference, []).append(notification)
            if notification.key_type != "test":  # Notify never counts test-key sends towards the daily limit
                self._daily[notification.type] += 1
            self.outcomes[notification.outcome] += 1
            return notification

    def get(self, notification_id: str) -> AcceptedNotification | None:
        with self._lock:
            return self._by_id.get(notification_id)

    def all(self) -> list[AcceptedNotification]:
        with self._lock:
            return list(self._ordered)

    def newest_first(
        self,
        reference: str | None,
        statuses: frozenset[str] | None,
        template_types: frozenset[str] | None,
        older_than: str | None,
        limit: int,
        key_type: str | None = None,
    ) -> list[AcceptedNotification]:
        with self._lock:
            candidates = self._by_reference.get(reference, []) if reference is not None else self._ordered
            end = len(candidates)
            if older_than is not None:
                anchor = self._by_id.get(older_than)
                if anchor is None:
                    return []
                # Both lists are in arrival order: bisect to the anchor instead of scanning every notification.
                end = bisect.bisect_left(candidates, anchor.sequence, key=lambda n: n.sequence)
            now = time.monotonic()
            page: list[AcceptedNotification] = []
            for index in range(end - 1, -1, -1):
                notification = candidates[index]
                if template_types is not None and notification.type not in template_types:
                    continue
                if key_type is not None and notification.key_type != key_type:
                    continue
                if statuses is not None and notification.status(now) not in statuses:
                    continue
                page.append(notification)
                if len(page) == limit:
                    break
        return page

    def stats(self, include_references: bool = True) -> dict[str, Any]:
        with self._lock:
            per_reference = {ref: len(items) for ref, items in self._by_reference.items()}
            stats: dict[str, Any] = {
                "requests_total": self.requests_total,
                "requests_by_endpoint": dict(self.requests_by_endpoint),
                "accepted": len(self._ordered),
                "accepted_by_type": dict(self._daily),
                "accepted_by_outcome": dict(self.outcomes),
                "smoke_test_accepted": self.smoke_test_accepted,
                "responses_by_status": {str(code): n for code, n in sorted(self.responses.items())},
                "rate_limited_429": self.rate_limited,
                "daily_limited_429": self.daily_limited,
                "faults": dict(self.faults),
            }
        stats["sent_429"] = stats["responses_by_status"].get("429", 0)
        stats["duplicates"] = {ref: n for ref, n in per_reference.items() if n > 1}
        stats["duplicate_count"] = sum(n - 1 for n in stats["duplicates"].values())
        stats["distinct_references"] = len(per_reference)
        if include_references:
            stats["per_reference"] = per_reference
        return stats
