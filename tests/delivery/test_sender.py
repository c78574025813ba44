"""A resident's confirmation code, queued ahead of bulk alerts, goes out through the dispatcher like every message."""

import json

import responses

from alerts.data import outbox
from alerts.delivery.app_gateway import reset_gateway
from alerts.delivery.dispatcher import Dispatcher
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, MessageStatus

API_KEY = "test_key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
SMS_URL = "https://api.notifications.service.gov.uk/v2/notifications/sms"


def queue_code(recipient: str = "+447700900982") -> str:
    message = outbox.queue_direct_message(kind=MessageKind.CONFIRMATION, channel=Channel.SMS,
                                          recipient=recipient, body="Your code is 123456")
    db.session.commit()
    return message.id


def send_due(app) -> None:
    """What the dispatcher's loop does for a code a web request has just queued: claim it and send it."""
    dispatcher = Dispatcher(app, concurrency=1)
    try:
        dispatcher.run_batch()
    finally:
        dispatcher.close()
        db.session.expire_all()


def test_without_a_notify_key_a_message_is_kept_in_the_local_outbox_marked_not_sent(app) -> None:
    message_id = queue_code()
    with responses.RequestsMock(assert_all_requests_are_fired=False):  # any HTTP call would fail the test
        send_due(app)
    message = db.session.get(Message, message_id)
    assert message.status == MessageStatus.NOT_SENT
    assert message.notify_id is None and message.attempts == 1


def test_with_a_key_the_message_goes_to_notify_with_its_id_as_reference(app) -> None:
    app.config["NOTIFY_API_KEY"] = API_KEY
    reset_gateway(app)
    try:
        message_id = queue_code()
        with responses.RequestsMock() as mock:
            mock.post(SMS_URL, status=201, json={"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "reference": message_id,
                                                 "content": {}, "uri": "", "template": {}})
            send_due(app)
            sent = json.loads(mock.calls[0].request.body)
        assert sent == {"phone_number": "+447700900982", "template_id": app.config["NOTIFY_SMS_TEMPLATE_ID"],
                        "personalisation": {"body": "Your code is 123456"}, "reference": message_id}
        message = db.session.get(Message, message_id)
        assert message.status == MessageStatus.SENT
        assert message.notify_id == "740e5834-3a29-46b4-9a6f-16142fde533a"
    finally:
        app.config["NOTIFY_API_KEY"] = None
        reset_gateway(app)


def test_a_notify_outage_leaves_the_message_queued_for_a_retry(app) -> None:
    app.config["NOTIFY_API_KEY"] = API_KEY
    reset_gateway(app)
    try:
        message_id = queue_code()
        with responses.RequestsMock() as mock:
            mock.post(SMS_URL, status=500, json={"status_code": 500, "errors": [{"error": "Exception",
                                                                                  "message": "Internal server error"}]})
            send_due(app)
        message = db.session.get(Message, message_id)
        assert message.status == MessageStatus.QUEUED
        assert message.outcome_unknown, "a 500 may have been persisted: look it up before resending"
    finally:
        app.config["NOTIFY_API_KEY"] = None
        reset_gateway(app)


def test_a_message_already_claimed_is_not_sent_again(app) -> None:
    message_id = queue_code()
    send_due(app)
    send_due(app)
    assert db.session.get(Message, message_id).attempts == 1
