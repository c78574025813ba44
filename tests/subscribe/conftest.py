"""Fixtures for the sign-up tests: a mocked GOV.UK Notify, and the journey walked the way a browser walks it."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import responses
from flask import Flask

from alerts.delivery.app_gateway import reset_gateway
from alerts.delivery.dispatcher import Dispatcher
from alerts.extensions import db
from alerts.services.signups import send_requested_manage_access
from tests.pages import Page, PageClient

API_KEY = "test_key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
NOTIFY = "https://api.notifications.service.gov.uk"
SMS_URL = f"{NOTIFY}/v2/notifications/sms"
EMAIL_URL = f"{NOTIFY}/v2/notifications/email"
ALL_SERVICES = ["adult-social-care", "bins-and-recycling"]  # a sample; the journey default is every service


def dispatch_queued(app: Flask) -> int:
    """Answer manage requests and run the dispatcher until nothing is due, as the scheduler does within a second or
    two of a page recording a request or queueing a message: pages only record and queue, so what a resident
    "receives" is what the dispatcher sent."""
    with app.app_context():
        send_requested_manage_access()
    dispatcher = Dispatcher(app, concurrency=1)
    try:
        return dispatcher.run_until_idle(expand=False)
    finally:
        dispatcher.close()
        db.session.expire_all()


class NotifyMock:
    """Every request our code makes to Notify, as parsed JSON bodies, with the URL it went to. Reading them first
    lets the dispatcher send whatever pages have queued."""

    def __init__(self, mock: responses.RequestsMock, app: Flask) -> None:
        self.mock = mock
        self.app = app

    @property
    def requests(self) -> list[tuple[str, dict[str, Any]]]:
        dispatch_queued(self.app)
        return [(call.request.url, json.loads(call.request.body)) for call in self.mock.calls]

    def texts(self) -> list[dict[str, Any]]:
        return [body for url, body in self.requests if url == SMS_URL]

    def emails(self) -> list[dict[str, Any]]:
        return [body for url, body in self.requests if url == EMAIL_URL]

    def last_code(self) -> str:
        found = re.search(r"\b(\d{6})\b", self.texts()[-1]["personalisation"]["body"])
        assert found, "the text has no code"
        return found[1]

    def last_link(self) -> str:
        found = re.search(r"http://localhost(/\S+)", self.emails()[-1]["personalisation"]["body"])
        assert found, "the email has no link"
        return found[1]


def _accepted(request: Any) -> tuple[int, dict, str]:
    body = json.loads(request.body)
    return 201, {}, json.dumps({"id": str(uuid.uuid4()), "reference": body.get("reference"), "content": {},
                                "uri": "", "template": {}})


@pytest.fixture(autouse=True)
def dispatcher_reads_the_tests_clock(database_clock_follows_freezegun: None) -> None:
    """These tests freeze time around the pages and the dispatcher that sends what they queue; the dispatcher's
    claims read the database's clock, which freezegun cannot stop (tests/delivery covers that clock itself)."""


@pytest.fixture(autouse=True)
def quick_journeys(app: Flask) -> Iterator[None]:
    """Tests answer faster than any person: the minimum fill time has its own test."""
    saved = app.config["SIGNUP_MIN_FILL_SECONDS"]
    app.config["SIGNUP_MIN_FILL_SECONDS"] = 0
    yield
    app.config["SIGNUP_MIN_FILL_SECONDS"] = saved


@pytest.fixture
def config(app: Flask) -> Iterator[dict[str, Any]]:
    """app.config, with every change made by the test undone afterwards."""
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)


@pytest.fixture
def notify(app: Flask) -> Iterator[NotifyMock]:
    """A Notify API key is configured, and every Notify request is answered by `responses` (201 accepted)."""
    app.config["NOTIFY_API_KEY"] = API_KEY
    reset_gateway(app)
    try:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add_callback(responses.POST, SMS_URL, callback=_accepted)
            mock.add_callback(responses.POST, EMAIL_URL, callback=_accepted)
            yield NotifyMock(mock, app)
    finally:
        app.config["NOTIFY_API_KEY"] = None
        reset_gateway(app)


def walk_journey(client_request: PageClient, *, channel: str = "sms", contact: str = "07700 900982",
                 postcodes: tuple[str, ...] = ("DT4 7TA",), services: list[str] | None = None,
                 expected_status: int = 302) -> Page:
    """Answer every question, then select "Accept and send" on the check answers page."""
    client_request.get("/subscribe")
    for index, postcode in enumerate(postcodes):
        if index:
            client_request.post_form("/subscribe/postcodes", {"add_another": "yes"}, 302)
        client_request.post_form("/subscribe", {"postcode": postcode}, 302)
    client_request.post_form("/subscribe/postcodes", {"add_another": "no"}, 302)
    if services is None:
        page = client_request.get("/subscribe/services")
        services = [box["value"] for box in page.select("input[name=services][checked]")]
    client_request.post_form("/subscribe/services", {"services": services}, 302)
    client_request.post_form("/subscribe/how", {"channel": channel}, 302)
    client_request.post_form("/subscribe/contact", {"contact": contact, "website": ""}, 302)
    return client_request.post_form("/subscribe/check", {}, expected_status)
