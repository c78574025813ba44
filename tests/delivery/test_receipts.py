import datetime as dt

import responses

from alerts.delivery.receipts import reconcile_sent_messages
from alerts.extensions import db
from alerts.models import Message, MessageStatus, Subscriber, SubscriberStatus, utc_now
from tests.delivery.conftest import NOTIFY, NOTIFY_ID

AUTH = {"Authorization": "Bearer test-callback-token"}


def receipt(reference: str | None, status: str, completed_at: str = "2026-01-05T10:00:10.000000Z",
            notify_id: str = NOTIFY_ID) -> dict:
    return {"id": notify_id, "reference": reference, "to": "07700900982", "status": status,
            "created_at": "2026-01-05T10:00:00.000000Z", "completed_at": completed_at,
            "sent_at": "2026-01-05T10:00:01.000000Z", "notification_type": "sms",
            "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a", "template_version": 3}


def sent_message(make_message, **values) -> Message:
    return make_message(**{"status": MessageStatus.SENT, "notify_id": NOTIFY_ID, "sent_at_utc": utc_now(),
                           "attempts": 1, **values})


def reload(message_id: str) -> Message:
    db.session.expire_all()
    return db.session.get(Message, message_id)


def test_a_delivered_receipt_marks_the_message_delivered(client, make_message) -> None:
    message = sent_message(make_message)
    response = client.post("/callbacks/notify", json=receipt(message.id, "delivered"), headers=AUTH)
    assert response.status_code == 204
    delivered = reload(message.id)
    assert (delivered.status, delivered.notify_status) == (MessageStatus.DELIVERED, "delivered")
    assert delivered.completed_at_utc == dt.datetime(2026, 1, 5, 10, 0, 10, tzinfo=dt.UTC)


def test_each_failure_status_fails_the_message_and_keeps_notifys_status(client, make_message) -> None:
    for status in ("permanent-failure", "temporary-failure", "technical-failure"):
        message = sent_message(make_message, notify_id=None)
        assert client.post("/callbacks/notify", json=receipt(message.id, status), headers=AUTH).status_code == 204
        failed = reload(message.id)
        assert (failed.status, failed.notify_status) == (MessageStatus.FAILED, status)
        assert failed.last_error.startswith("Notify: ")


def test_a_duplicate_receipt_changes_nothing(client, make_message) -> None:
    message = sent_message(make_message)
    client.post("/callbacks/notify", json=receipt(message.id, "delivered"), headers=AUTH)
    updated_at = reload(message.id).updated_at_utc
    assert client.post("/callbacks/notify", json=receipt(message.id, "delivered"), headers=AUTH).status_code == 204
    assert reload(message.id).updated_at_utc == updated_at


def test_an_earlier_receipt_arriving_late_never_overwrites_a_final_status(client, make_message) -> None:
    message = sent_message(make_message)
    client.post("/callbacks/notify", json=receipt(message.id, "delivered"), headers=AUTH)
    client.post("/callbacks/notify", json=receipt(message.id, "sending", completed_at=None), headers=AUTH)
    client.post("/callbacks/notify", json=receipt(message.id, "temporary-failure",
                                                  completed_at="2026-01-05T10:00:05.000000Z"), headers=AUTH)
    kept = reload(message.id)
    assert (kept.status, kept.notify_status) == (MessageStatus.DELIVERED, "delivered")


def test_a_receipt_before_the_send_is_recorded_is_kept_when_the_send_is_recorded(client, make_message) -> None:
    from alerts.data import outbox_claims

    message = make_message(status=MessageStatus.SENDING, attempts=1)
    client.post("/callbacks/notify", json=receipt(message.id, "delivered"), headers=AUTH)
    outbox_claims.record_sent(message.id, NOTIFY_ID, local_outbox=False)
    assert reload(message.id).status == MessageStatus.DELIVERED


def test_a_receipt_without_our_reference_is_matched_by_notify_id(client, make_message) -> None:
    message = sent_message(make_message)
    client.post("/callbacks/notify", json=receipt(None, "delivered"), headers=AUTH)
    assert reload(message.id).status == MessageStatus.DELIVERED


def test_a_receipt_for_an_unknown_message_is_acknowledged_so_notify_does_not_retry(client) -> None:
    response = client.post("/callbacks/notify", json=receipt("no-such-message", "delivered",
                                                             notify_id="00000000-0000-0000-0000-000000000000"),
                           headers=AUTH)
    assert response.status_code == 202


def test_a_wrong_or_missing_token_is_refused_with_a_problem(client, make_message) -> None:
    message = sent_message(make_message)
    for headers in ({"Authorization": "Bearer wrong-token"}, {}, {"Authorization": "test-callback-token"}):
        response = client.post("/callbacks/notify", json=receipt(message.id, "delivered"), headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.json["title"] == "Unauthorized"
    assert reload(message.id).status == MessageStatus.SENT


def test_without_a_configured_token_every_receipt_is_refused(app, client, make_message) -> None:
    app.config["NOTIFY_CALLBACK_TOKEN"] = None
    try:
        message = sent_message(make_message)
        assert client.post("/callbacks/notify", json=receipt(message.id, "delivered"),
                           headers={"Authorization": "Bearer "}).status_code == 401
    finally:
        app.config["NOTIFY_CALLBACK_TOKEN"] = "test-callback-token"


def test_a_retired_callback_token_is_accepted_while_it_is_a_fallback(app, client, make_message, monkeypatch) -> None:
    # Notify's callback settings are changed by hand after the new token is live: both work in between.
    monkeypatch.setitem(app.config, "NOTIFY_CALLBACK_TOKEN", "test-new-callback-token")
    monkeypatch.setitem(app.config, "NOTIFY_CALLBACK_TOKEN_FALLBACKS", ["test-callback-token"])
    message = sent_message(make_message)
    assert client.post("/callbacks/notify", json=receipt(message.id, "delivered"), headers=AUTH).status_code == 204
    assert client.post("/callbacks/notify/inbound", json={}, headers={"Authorization": "Bearer wrong"}
                       ).status_code == 401
    assert client.post("/callbacks/notify/inbound", json={}, headers=AUTH).status_code == 400, "past the token"
    monkeypatch.setitem(app.config, "NOTIFY_CALLBACK_TOKEN_FALLBACKS", [])
    assert client.post("/callbacks/notify", json=receipt(message.id, "delivered"), headers=AUTH).status_code == 401


def test_a_body_that_is_not_a_receipt_is_a_bad_request(client) -> None:
    response = client.post("/callbacks/notify", json={"status": "delivered"}, headers=AUTH)
    assert response.status_code == 400
    assert response.json["detail"] == "id is missing"


def test_three_permanent_failures_in_a_row_suspend_the_subscriber_with_the_reason(client, make_message,
                                                                                 factories) -> None:
    subscriber = factories.SubscriberFactory(channel="sms", contact="+447700900002")
    messages = [sent_message(make_message, subscriber_id=subscriber.id, notify_id=None) for _ in range(3)]
    for number, message in enumerate(messages, start=1):
        client.post("/callbacks/notify", json=receipt(message.id, "permanent-failure"), headers=AUTH)
        client.post("/callbacks/notify", json=receipt(message.id, "permanent-failure"), headers=AUTH)  # duplicate
        db.session.expire_all()
        found = db.session.get(Subscriber, subscriber.id)
        assert found.permanent_failures == number
        assert (found.status == SubscriberStatus.SUSPENDED) is (number == 3)
    assert found.suspended_reason == ("GOV.UK Notify reported 3 permanent failures in a row: the mobile number "
                                      "cannot receive messages")


def test_a_delivery_resets_the_run_of_permanent_failures(client, make_message, factories) -> None:
    subscriber = factories.SubscriberFactory()
    first, second = (sent_message(make_message, subscriber_id=subscriber.id, notify_id=None) for _ in range(2))
    client.post("/callbacks/notify", json=receipt(first.id, "permanent-failure"), headers=AUTH)
    client.post("/callbacks/notify", json=receipt(second.id, "delivered"), headers=AUTH)
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).permanent_failures == 0


def test_reconcile_asks_notify_about_messages_still_sent_an_hour_on(app, notify_key, make_message) -> None:
    stale = sent_message(make_message, sent_at_utc=utc_now() - dt.timedelta(hours=2))
    recent = sent_message(make_message, notify_id="11111111-1111-4111-8111-111111111111")
    expired = sent_message(make_message, notify_id="22222222-2222-4222-8222-222222222222",
                           sent_at_utc=utc_now() - dt.timedelta(days=8))
    with responses.RequestsMock() as mock:
        mock.get(f"{NOTIFY}/v2/notifications/{NOTIFY_ID}",
                 json={"id": NOTIFY_ID, "reference": stale.id, "status": "delivered",
                       "completed_at": "2026-01-05T10:00:10.000000Z"})
        assert reconcile_sent_messages(app) == 1
        assert reconcile_sent_messages(app) == 0  # already checked: not asked again within the hour
        assert len(mock.calls) == 1
    assert reload(stale.id).status == MessageStatus.DELIVERED
    assert reload(recent.id).status == MessageStatus.SENT
    assert reload(expired.id).status == MessageStatus.SENT


def test_reconcile_marks_a_message_notify_no_longer_has_as_checked(app, notify_key, make_message) -> None:
    stale = sent_message(make_message, sent_at_utc=utc_now() - dt.timedelta(hours=2))
    with responses.RequestsMock() as mock:
        mock.get(f"{NOTIFY}/v2/notifications/{NOTIFY_ID}", status=404,
                 json={"status_code": 404, "errors": [{"error": "NoResultFound", "message": "No result found"}]})
        assert reconcile_sent_messages(app) == 0
    checked = reload(stale.id)
    assert (checked.status, checked.reconciled_at_utc is not None) == (MessageStatus.SENT, True)
