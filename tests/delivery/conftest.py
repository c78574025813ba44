"""Fixtures for delivery tests: a Notify key pointed at `responses`, and messages made straight in the outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from alerts.delivery.allowance import reset_allowance
from alerts.delivery.app_gateway import reset_gateway
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, MessageStatus, utc_now
from alerts.models.messages import PRIORITY_SEVERE
from bench.notify_simulator import (
    DEFAULT_EMAIL_TEMPLATE_ID,
    DEFAULT_SMS_TEMPLATE_ID,
    RunningSimulator,
    SimulatorConfig,
    start_simulator,
)

API_KEY = "test_key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
NOTIFY = "https://api.notifications.service.gov.uk"
SMS_URL = f"{NOTIFY}/v2/notifications/sms"
EMAIL_URL = f"{NOTIFY}/v2/notifications/email"
LIST_URL = f"{NOTIFY}/v2/notifications"
NOTIFY_ID = "740e5834-3a29-46b4-9a6f-16142fde533a"


def notify_error(status: int, error: str, message: str) -> dict[str, Any]:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


def accepted(reference: str, notify_id: str = NOTIFY_ID) -> dict[str, Any]:
    return {"id": notify_id, "reference": reference, "content": {}, "uri": "", "template": {}}


def notification(reference: str, status: str = "sending", notify_id: str = NOTIFY_ID) -> dict[str, Any]:
    return {"id": notify_id, "reference": reference, "status": status, "type": "sms",
            "created_at": "2026-01-05T10:00:00.000000Z", "completed_at": None}


@pytest.fixture
def notify_key(app: Flask) -> Iterator[str]:
    """Send through a real NotifyGateway (mocked with `responses`), with a generous allowance."""
    previous = {name: app.config[name] for name in ("NOTIFY_API_KEY", "NOTIFY_RATE_LIMIT_PER_MINUTE")}
    app.config.update(NOTIFY_API_KEY=API_KEY, NOTIFY_RATE_LIMIT_PER_MINUTE=600_000)
    reset_gateway(app)
    reset_allowance(app)
    yield API_KEY
    app.config.update(previous)
    reset_gateway(app)
    reset_allowance(app)


@pytest.fixture
def make_message() -> Callable[..., Message]:
    def make(channel: Channel = Channel.SMS, **values: Any) -> Message:
        defaults: dict[str, Any] = {
            "kind": MessageKind.ALERT, "status": MessageStatus.QUEUED, "priority": PRIORITY_SEVERE,
            "recipient": "+447700900982" if channel == Channel.SMS else "resident@example.com",
            "subject": None if channel == Channel.SMS else "Disruption: bins in Weymouth",
            "body": "Bin collections are suspended.", "next_attempt_at_utc": utc_now() - dt.timedelta(seconds=1),
        }
        message = Message(channel=channel, **{**defaults, **values})
        db.session.add(message)
        db.session.commit()
        return message

    return make


@pytest.fixture
def simulated(app: Flask) -> Iterator[Callable[..., RunningSimulator]]:
    """simulated(**config) starts the project's Notify simulator and points this app at it."""
    names = ("NOTIFY_API_KEY", "NOTIFY_BASE_URL", "NOTIFY_SMS_TEMPLATE_ID", "NOTIFY_EMAIL_TEMPLATE_ID",
             "NOTIFY_RATE_LIMIT_PER_MINUTE")
    previous = {name: app.config.get(name) for name in names}
    running: list[RunningSimulator] = []

    def start(**overrides: object) -> RunningSimulator:
        simulator = start_simulator(SimulatorConfig(rate_limit_per_minute=None, receipt_delay_ms=0.0,
                                                    **overrides))  # type: ignore[arg-type]
        running.append(simulator)
        app.config.update(NOTIFY_API_KEY=simulator.api_key, NOTIFY_BASE_URL=simulator.base_url,
                          NOTIFY_SMS_TEMPLATE_ID=DEFAULT_SMS_TEMPLATE_ID,
                          NOTIFY_EMAIL_TEMPLATE_ID=DEFAULT_EMAIL_TEMPLATE_ID, NOTIFY_RATE_LIMIT_PER_MINUTE=600_000)
        reset_gateway(app)
        reset_allowance(app)
        return simulator

    yield start
    for simulator in running:
        simulator.stop()
    app.config.update(previous)
    reset_gateway(app)
    reset_allowance(app)
