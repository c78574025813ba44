"""Residents stop texts by replying STOP, through Notify's inbound callback or, when that is down, the
scheduler's poll of GET /v2/received-text-messages. Checked against the Notify simulator end to end."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from alerts.delivery.dispatcher import Dispatcher
from alerts.extensions import db
from alerts.models import InboundText, Message, MessageKind, Subscriber, SubscriberStatus
from alerts.notify.inbound import ReplyAction, reply_action
from alerts.services.text_replies import poll_received_texts
from bench import harness
from bench.notify_simulator import (
    CallbackConfig,
)

TOKEN = "test-callback-token"


@pytest.mark.parametrize("message", ["STOP", "stop", " Stop. ", "STOP ALL", "stop  all!", "Unsubscribe", "END",
                                     "cancel", "QUIT", "'stop'"])
def test_stop_and_its_synonyms_in_any_case_with_surrounding_punctuation_stop(message: str) -> None:
    assert reply_action(message) == ReplyAction.STOP


@pytest.mark.parametrize("message", ["please stop the bins", "STOPPED", "", "thanks", "stop it"])
def test_other_replies_are_left_for_a_person(message: str) -> None:
    assert reply_action(message) == ReplyAction.IGNORED


def test_start_restarts(client) -> None:
    assert reply_action(" start ") == ReplyAction.START


def _inbound(text_id: str, number: str, message: str) -> dict:
    return {"id": text_id, "source_number": number.lstrip("+"), "destination_number": "07700900456",
            "message": message, "date_received": "2026-11-29T21:00:00.000000Z"}


def _texter(factories, number: str) -> Subscriber:
    from alerts.models import Channel

    return factories.SubscriberFactory(channel=Channel.SMS, contact=number)


def test_the_inbound_callback_needs_the_bearer_token(client) -> None:
    response = client.post("/callbacks/notify/inbound", json=_inbound("a", "+447700900111", "STOP"),
                           headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_a_stop_reply_ends_that_numbers_texts_once_with_one_confirmation(client, factories) -> None:
    stopping, other = _texter(factories, "+447700900111"), _texter(factories, "+447700900222")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = _inbound("7d3c4a52-0000-4000-8000-000000000001", "+447700900111", "Stop!")

    first = client.post("/callbacks/notify/inbound", json=body, headers=headers)
    again = client.post("/callbacks/notify/inbound", json=body, headers=headers)

    assert (first.status_code, again.status_code) == (204, 200)
    db.session.expire_all()
    assert db.session.get(Subscriber, stopping.id).status == SubscriberStatus.UNSUBSCRIBED
    assert db.session.get(Subscriber, other.id).status == SubscriberStatus.CONFIRMED
    replies = db.session.scalars(select(Message).where(Message.kind == MessageKind.STOP_REPLY)).all()
    assert [(m.recipient, m.body) for m in replies] == [(
        "+447700900111",
        "You will not get any more Dorset Council alerts by text. Changed your mind? Reply START within 28 days.")]


def test_start_within_the_retention_period_restores_what_stop_ended_and_nothing_else(client, factories) -> None:
    from alerts.data.insight import UnsubscribeVia
    from alerts.data.subscribers import unsubscribe

    stopped = _texter(factories, "+447700900111")
    left_on_the_web = _texter(factories, "+447700900333")
    unsubscribe(left_on_the_web, "Unsubscribed on the manage page", via=UnsubscribeVia.LINK)
    db.session.commit()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    client.post("/callbacks/notify/inbound", json=_inbound("id-1", "+447700900111", "STOP"), headers=headers)
    client.post("/callbacks/notify/inbound", json=_inbound("id-2", "+447700900111", "start"), headers=headers)
    client.post("/callbacks/notify/inbound", json=_inbound("id-3", "+447700900333", "START"), headers=headers)

    db.session.expire_all()
    assert db.session.get(Subscriber, stopped.id).status == SubscriberStatus.CONFIRMED
    assert db.session.get(Subscriber, left_on_the_web.id).status == SubscriberStatus.UNSUBSCRIBED
    replies = select(func.count()).select_from(Message).where(Message.kind == MessageKind.STOP_REPLY)
    assert db.session.scalar(replies) == 2


def test_texts_say_reply_stop_only_when_the_service_has_an_inbound_number(app, factories) -> None:
    from alerts.data.fanouts import preview_for

    notice = factories.NoticeFactory(title="Bins", summary="Late.")
    assert "Reply STOP" not in preview_for(notice).sms_body
    app.config["NOTIFY_INBOUND_NUMBER"] = "07700900456"
    try:
        assert preview_for(notice).sms_body.endswith("Reply STOP to stop")
    finally:
        app.config["NOTIFY_INBOUND_NUMBER"] = None


# Through the simulator --------------------------------------------------------------------------------------

@pytest.fixture
def app_server(app: Flask) -> Iterator[str]:
    """This app on 127.0.0.1, so the simulator can post replies to it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _dispatch_all(app: Flask) -> None:
    dispatcher = Dispatcher(app)
    try:
        deadline = time.monotonic() + 20
        while harness.outbox_counts(app)["queued"] + harness.outbox_counts(app)["sending"]:
            assert time.monotonic() < deadline, "messages still unsent"
            if not dispatcher.run_until_idle():
                time.sleep(0.05)
    finally:
        dispatcher.close()


def test_through_the_simulator_a_stop_reply_stops_the_next_alert_to_that_number_and_no_other(
        app: Flask, simulated, app_server) -> None:
    simulator = simulated(inbound_callback=CallbackConfig(url=f"{app_server}/callbacks/notify/inbound",
                                                          bearer_token=TOKEN))
    harness.seed_subscribers(app, 4, sms_share=0.5)  # two texts (+447400000000, +447400000001), two emails
    harness.publish(app)
    harness.expand(app)
    _dispatch_all(app)
    assert len(simulator.accepted()) == 4

    reply = simulator.receive_text("+447400000000", "STOP")
    assert simulator.simulator.received_texts.callback_statuses == [204]
    simulator.simulator.received_texts.redeliver(reply)  # Notify retries: the same id changes nothing
    assert simulator.simulator.received_texts.callback_statuses == [204, 200]

    before = len(simulator.accepted())
    harness.publish(app)
    harness.expand(app)
    _dispatch_all(app)

    sent = simulator.accepted()[before:]
    alert_texts = [n.recipient for n in sent if "@" not in n.recipient and "Reply START" not in n.body]
    assert alert_texts == ["+447400000001"]
    assert sum(1 for n in simulator.accepted() if "Reply START" in n.body) == 1, "one confirmation, sent once"
    assert len([n for n in sent if "@" in n.recipient]) == 2, "emails are not touched"


def test_when_callbacks_are_down_the_poll_finds_the_reply_once_and_remembers_where_it_left_off(
        app: Flask, simulated, factories) -> None:
    simulator = simulated()  # no inbound callback configured: callbacks are down
    texter = _texter(factories, "+447700900111")
    simulator.receive_text("+447700900999", "hello")  # a number we don't text: recorded, nothing happens
    simulator.receive_text("+447700900111", "stop")

    assert poll_received_texts(app) == 2
    assert poll_received_texts(app) == 0
    db.session.expire_all()
    assert db.session.get(Subscriber, texter.id).status == SubscriberStatus.UNSUBSCRIBED
    assert db.session.scalar(select(func.count()).select_from(InboundText)) == 2

    simulator.receive_text("+447700900111", "START")
    assert poll_received_texts(app) == 1
    db.session.expire_all()
    assert db.session.get(Subscriber, texter.id).status == SubscriberStatus.CONFIRMED
