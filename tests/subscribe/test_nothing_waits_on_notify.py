"""Nothing in a web request waits on Notify. Pages queue confirmations and manage links at the top
priority; the dispatcher sends them within a second."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from typing import Any

import responses
from flask import Flask

from alerts.data import outbox, outbox_claims
from alerts.delivery import dispatcher as dispatcher_module
from alerts.delivery.app_gateway import reset_gateway
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, MessageStatus, utc_now
from alerts.models.messages import PRIORITY_CONFIRMATION, PRIORITY_SEVERE
from alerts.services.signups import send_requested_manage_access
from tests.subscribe.conftest import API_KEY, EMAIL_URL, SMS_URL, dispatch_queued, walk_journey


def _slow_notify(request: Any) -> tuple[int, dict, str]:
    time.sleep(5)
    body = json.loads(request.body)
    return 201, {}, json.dumps({"id": str(uuid.uuid4()), "reference": body.get("reference"), "content": {},
                                "uri": "", "template": {}})


def test_sign_up_answers_in_well_under_a_second_while_notify_takes_five(client_request, app: Flask) -> None:
    app.config["NOTIFY_API_KEY"] = API_KEY
    reset_gateway(app)
    try:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add_callback(responses.POST, SMS_URL, callback=_slow_notify)
            client_request.get("/subscribe")
            client_request.post_form("/subscribe", {"postcode": "DT4 7TA"}, 302)
            client_request.post_form("/subscribe/postcodes", {"add_another": "no"}, 302)
            client_request.post_form("/subscribe/services", {"services": ["schools"]}, 302)
            client_request.post_form("/subscribe/how", {"channel": "sms"}, 302)
            client_request.post_form("/subscribe/contact", {"contact": "07700 900982", "website": ""}, 302)
            started = time.monotonic()
            client_request.post_form("/subscribe/check", {}, 302)  # "Accept and send"
            elapsed = time.monotonic() - started
            assert len(mock.calls) == 0
    finally:
        app.config["NOTIFY_API_KEY"] = None
        reset_gateway(app)
    # Generous for a shared machine; a request that waited on this Notify would take over 5 s.
    assert elapsed < 1, f"Accept and send took {elapsed:.2f}s"
    message = db.session.query(Message).one()
    assert (message.status, message.priority, message.kind) == (
        MessageStatus.QUEUED, PRIORITY_CONFIRMATION, MessageKind.CONFIRMATION)


def test_the_page_says_truthfully_that_the_code_is_on_its_way(client_request) -> None:
    walk_journey(client_request)
    page = client_request.get("/subscribe/confirm")
    assert "We’re sending a text message with a code to" in page.text


def test_manage_links_and_api_sign_ups_are_only_queued(client, client_request, factories, notify) -> None:
    factories.SubscriberFactory(contact="resident@example.com")
    client_request.post_form("/manage", {"contact": "resident@example.com", "website": ""}, 302)
    client.post("/api/v1/subscriptions", json={"channel": "email", "contact": "new@example.com",
                                               "postcode": "DT4 7TA"})
    assert len(notify.mock.calls) == 0, "nothing is sent inside the request"
    send_requested_manage_access()  # the scheduler's answer to the manage request, within a second
    queued = db.session.query(Message).all()
    assert sorted(m.kind for m in queued) == [MessageKind.CONFIRMATION, MessageKind.MANAGE_LINK]
    assert {m.priority for m in queued} == {PRIORITY_CONFIRMATION}
    assert sorted(body["email_address"] for _url, body in notify.requests) == [
        "new@example.com", "resident@example.com"], "the dispatcher sends both"


def test_the_dispatcher_claims_a_queued_code_before_alerts_queued_earlier(app: Flask) -> None:
    earlier = utc_now() - dt.timedelta(minutes=5)
    for _ in range(3):
        db.session.add(Message(kind=MessageKind.ALERT, channel=Channel.SMS, recipient="+447700900111", body="alert",
                               priority=PRIORITY_SEVERE, status=MessageStatus.QUEUED, next_attempt_at_utc=earlier))
    code = outbox.queue_direct_message(kind=MessageKind.CONFIRMATION, channel=Channel.SMS,
                                       recipient="+447700900982", body="Your code is 123456")
    db.session.commit()
    claimed = outbox_claims.claim_due_messages("test-worker", 1, dt.timedelta(minutes=1))
    assert [message.id for message in claimed] == [code.id]


def test_an_idle_dispatcher_looks_for_new_codes_at_least_twice_a_second() -> None:
    assert dispatcher_module.POLL_SECONDS <= 0.5


def test_a_queued_code_is_sent_by_the_dispatcher(client_request, notify, app: Flask) -> None:
    walk_journey(client_request)
    assert len(notify.mock.calls) == 0
    assert len(notify.texts()) == 1  # reading runs the dispatcher once, as the worker does within a poll
    assert dispatch_queued(app) == 0, "sent once only"
    assert EMAIL_URL not in [url for url, _ in notify.requests]
