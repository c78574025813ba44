"""Requests that Notify, mail clients and impatient people repeat must change nothing the second time.

`assert_idempotent` is the shared check. The delivery-receipt and one-click unsubscribe tests first check that
their URL answers POST, and fail if it does not: a renamed route must not quietly leave its repeats untested.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.test import TestResponse

from alerts import links
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, MessageStatus, SubscriberStatus, utc_now

REPEATS = 5


def assert_idempotent(send: Callable[[], TestResponse], state: Callable[[], Any], *, ok: Callable[[int], bool]
                      = lambda status: 200 <= status < 400) -> list[TestResponse]:
    """Send the request REPEATS times: every answer is `ok`, and `state()` is the same after all as after the first."""
    responses = [send()]
    db.session.expire_all()  # the requests ran in their own sessions: read what they committed
    after_first = state()
    responses += [send() for _ in range(REPEATS - 1)]
    db.session.expire_all()
    assert state() == after_first, "repeating the request changed something"
    assert all(ok(response.status_code) for response in responses), [r.status_code for r in responses]
    return responses


def _require_post_route(app: Flask, path: str) -> None:
    try:
        app.url_map.bind("localhost").match(path, method="POST")
    except (NotFound, MethodNotAllowed):
        pytest.fail(f"POST {path} answers nothing: was the route renamed? Point this test at its new URL")


def test_repeating_a_conditional_get_answers_not_modified_every_time(client: FlaskClient, factories: Any) -> None:
    factories.NoticeFactory(area_ids=["weymouth"])
    etag = client.get("/api/v1/notices").headers["ETag"]
    responses = assert_idempotent(lambda: client.get("/api/v1/notices", headers={"If-None-Match": etag}),
                                  state=lambda: client.get("/api/v1/notices").get_data())
    assert {response.status_code for response in responses} == {304}


def test_a_repeated_delivery_receipt_is_recorded_once(app: Flask, client: FlaskClient, factories: Any) -> None:
    _require_post_route(app, "/callbacks/notify")
    subscriber = factories.SubscriberFactory(area_ids=["weymouth"])
    message = Message(kind=MessageKind.ALERT,
                      channel=Channel.EMAIL, status=MessageStatus.SENT, subscriber_id=subscriber.id,
                      recipient=subscriber.contact, body="Bins suspended", sent_at_utc=utc_now(),
                      notify_id="740e5834-3a29-46b4-9a6f-16142fde533a")
    db.session.add(message)
    db.session.commit()
    receipt = {"id": message.notify_id, "reference": message.id, "to": subscriber.contact, "status": "delivered",
               "created_at": "2026-11-26T06:00:00.000000Z", "completed_at": "2026-11-26T06:00:05.000000Z",
               "sent_at": "2026-11-26T06:00:01.000000Z", "notification_type": "email"}
    headers = {"Authorization": f"Bearer {app.config['NOTIFY_CALLBACK_TOKEN']}"}

    def state() -> tuple:
        row = db.session.get(Message, message.id)
        return row.status, row.notify_status, row.completed_at_utc, row.attempts

    assert_idempotent(lambda: client.post("/callbacks/notify", json=receipt, headers=headers), state)
    assert db.session.get(Message, message.id).status == MessageStatus.DELIVERED


def test_a_repeated_one_click_unsubscribe_unsubscribes_once(app: Flask, client: FlaskClient, factories: Any) -> None:
    subscriber = factories.SubscriberFactory(area_ids=["weymouth"])
    url = links.unsubscribe_url(subscriber.id, subscriber.token_version).removeprefix(app.config["BASE_URL"])
    _require_post_route(app, url)

    def state() -> tuple:
        row = db.session.get(type(subscriber), subscriber.id)
        return row.status, row.token_version

    # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no CSRF token, and may do it more than once.
    assert_idempotent(lambda: client.post(url, data={"List-Unsubscribe": "One-Click"}), state)
    assert db.session.get(type(subscriber), subscriber.id).status != SubscriberStatus.CONFIRMED
