"""A resident who signed up for texts replies STOP, through the Notify simulator's inbound callback.

The resident signs up by text in the browser and confirms with the code from the local outbox, then opens their
alerts with a manage code. Their STOP reply arrives as Notify sends it: the simulator's received text POSTs
Notify's inbound callback shape, with the bearer token, to the live server. Afterwards the manage page they had
open says they have unsubscribed, asking for a new manage code sends nothing (the page does not say whether the
number is signed up), and the outbox holds exactly one STOP confirmation text
(it is queued without a subscriber, so it is read by number and kind).
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, Subscriber, SubscriberStatus
from bench.notify_simulator import CallbackConfig
from bench.notify_simulator.inbound import ReceivedTexts
from tests.e2e import outbox
from tests.e2e.browser import Journey
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e

MOBILE = "07700 900 789"
MOBILE_E164 = "+447700900789"
NOTIFY_NUMBER = "07700900000"


def _subscriber() -> Subscriber:
    db.session.rollback()  # the live server changed it in its own session
    found = subscriber_data.find_subscriber(Channel.SMS, MOBILE_E164)
    assert found is not None
    return found


def _kinds(kind: MessageKind) -> list[str]:
    return [message.body for message in outbox.messages_to(MOBILE) if message.kind == kind]


@pytest.mark.usefixtures("quick_sign_up")
def test_a_resident_replies_stop_and_their_texts_end(journey: Journey, app: Flask, live_server: LiveServer) -> None:
    journey.visit("/subscribe")
    journey.fill("What is your postcode?", "DT4 7TA")
    journey.press_button("Continue")
    journey.choose("No")
    journey.press_button("Continue")
    journey.press_button("Continue")  # every service
    journey.choose("By text message")
    journey.press_button("Continue")
    journey.fill("What is your mobile phone number?", MOBILE)
    journey.press_button("Continue")
    assert journey.heading() == "Check your answers before signing up"
    journey.press_button("Accept and send")
    assert journey.heading() == "Check your phone"
    journey.fill("Enter the code", outbox.code_in(outbox.latest(MOBILE, MessageKind.CONFIRMATION)))
    journey.press_button("Continue")
    assert journey.path == "/subscribe/done"
    assert _subscriber().status == SubscriberStatus.CONFIRMED

    # The resident opens their alerts with a manage code texted to them.
    journey.visit("/manage")
    journey.fill("What is your email address or mobile phone number?", MOBILE)
    journey.press_button("Continue")
    assert journey.path == "/manage/code"
    journey.fill("Enter the code", outbox.code_in(outbox.latest(MOBILE, MessageKind.MANAGE_LINK)))
    journey.press_button("Continue")
    assert journey.heading() == "Your alerts"
    assert f"Text message to {MOBILE_E164}" in journey.text()
    manage_path = journey.path

    # They reply STOP: Notify (the simulator) POSTs its inbound callback to the live server, with the bearer token.
    texts = ReceivedTexts(CallbackConfig(url=f"{live_server.url}/callbacks/notify/inbound",
                                         bearer_token=app.config["NOTIFY_CALLBACK_TOKEN"]), NOTIFY_NUMBER)
    texts.receive(MOBILE_E164, "Stop")
    assert texts.callback_statuses == [204], "the callback was accepted"
    assert _subscriber().status == SubscriberStatus.UNSUBSCRIBED

    # The manage page they had open now says the alerts have stopped, and shows nothing to change.
    journey.visit(manage_path)
    assert "You’ve unsubscribed" in journey.text()
    assert "You will not get any more alerts from us" in journey.text()
    assert "Change services" not in journey.text()
    journey.screenshot("stop-reply-unsubscribed")

    # Asking for a new manage code: the same page as for anyone (it never says who is signed up), but no code is sent.
    journey.visit("/manage")
    journey.fill("What is your email address or mobile phone number?", MOBILE)
    journey.press_button("Continue")
    assert journey.path == "/manage/code"
    assert journey.heading() == "Check your phone"
    assert len(_kinds(MessageKind.MANAGE_LINK)) == 1, "no code for a number that has stopped its texts"

    db.session.rollback()
    stop_replies = db.session.scalars(select(Message).where(Message.recipient == MOBILE_E164,
                                                            Message.kind == MessageKind.STOP_REPLY)).all()
    assert len(stop_replies) == 1, "exactly one STOP confirmation text"
    assert "You will not get any more Dorset Council alerts by text" in stop_replies[0].body
    assert [m.kind for m in outbox.messages_to(MOBILE)].count(MessageKind.CONFIRMATION) == 1
