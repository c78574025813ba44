"""Points where the simulator follows GOV.UK Notify's own code, each pinned with Notify's value."""

from __future__ import annotations

import time

import pytest
from notifications_python_client.errors import HTTPError

from bench.notify_simulator import DEFAULT_EMAIL_TEMPLATE_ID, DEFAULT_SMS_TEMPLATE_ID, ApiKey, CallbackConfig
from bench.notify_simulator.config import FaultConfig, full_key_string

from .conftest import MakeClient, StartSimulator

LIVE_KEY = ApiKey("7e57e57e-0000-4000-8000-000000000009", "normal")


def test_a_texts_cost_is_ready_while_it_is_sending(client) -> None:
    sent = client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "£" * 160})

    notification = client.get_notification_by_id(sent["id"])

    assert notification["status"] == "sending"
    assert (notification["is_cost_data_ready"], notification["cost_in_pounds"]) == (True, 0.0227)
    assert notification["cost_details"] == {"billable_sms_fragments": 1, "international_rate_multiplier": 1,
                                            "sms_rate": 0.0227}


def test_an_email_costs_nothing_and_its_cost_is_always_ready(client) -> None:
    sent = client.send_email_notification("a@example.org", DEFAULT_EMAIL_TEMPLATE_ID, {"subject": "s", "body": "b"})

    notification = client.get_notification_by_id(sent["id"])

    assert (notification["is_cost_data_ready"], notification["cost_in_pounds"], notification["cost_details"]) == (
        True, 0.0, {})


def test_the_rate_limit_is_checked_before_the_message(start: StartSimulator, make_client: MakeClient) -> None:
    simulator = start(api_keys=[LIVE_KEY], bucket_size=1, clock=lambda: 0.0)
    client = make_client(simulator)
    client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})

    with pytest.raises(HTTPError) as limited:
        client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": ""})

    assert limited.value.status_code == 429
    assert limited.value.message[0]["error"] == "RateLimitError"


def test_test_key_sends_never_count_towards_the_daily_limit(start: StartSimulator, make_client: MakeClient) -> None:
    simulator = start(daily_limits={"sms": 1})
    client = make_client(simulator)  # the simulator's default key is a test key

    sent = [client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}) for _ in range(3)]

    assert len({s["id"] for s in sent}) == 3
    assert simulator.stats()["daily_limited_429"] == 0


def test_a_null_body_is_missing_personalisation(client) -> None:
    with pytest.raises(HTTPError) as refused:
        client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": None})

    assert refused.value.status_code == 400
    assert refused.value.message == [{"error": "BadRequestError", "message": "Missing personalisation: body"}]


def test_older_than_comes_last_in_the_next_link(client) -> None:
    sent = client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})

    page = client.get_all_notifications(template_type="sms")

    assert page["links"]["next"].endswith(f"/v2/notifications?template_type=sms&older_than={sent['id']}")


@pytest.mark.parametrize("phone_number", ["07700 90012", "07700900123\u200b"])
def test_numbers_notify_accepts_are_accepted(client, phone_number: str) -> None:
    sent = client.send_sms_notification(phone_number, DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})

    assert sent["id"]


def test_the_918_character_limit_counts_the_text_after_sanitising(client) -> None:
    # Zero-width spaces go before the count: 930 characters typed, 900 sent.
    sent = client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "a" * 900 + "\u200b" * 30})

    with pytest.raises(HTTPError) as refused:
        client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "a" * 918 + "…"})

    assert sent["id"]
    assert refused.value.message[0]["message"] == (
        "Your message is too long. Text messages cannot be longer than 918 characters. "
        "Your message is 921 characters long.")


def test_the_list_shows_only_notifications_sent_with_the_same_kind_of_key(
        start: StartSimulator, make_client: MakeClient) -> None:
    test_key = ApiKey("7e57e57e-0000-4000-8000-000000000001")
    simulator = start(api_keys=[test_key, LIVE_KEY])
    by_test = make_client(simulator, api_key=full_key_string(simulator.service_id, test_key))
    by_live = make_client(simulator, api_key=full_key_string(simulator.service_id, LIVE_KEY))
    tested = by_test.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})
    live = by_live.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})

    assert [n["id"] for n in by_test.get_all_notifications()["notifications"]] == [tested["id"]]
    assert [n["id"] for n in by_live.get_all_notifications()["notifications"]] == [live["id"]]


def test_get_shows_created_then_sending_then_pending_before_the_receipt(start: StartSimulator,
                                                                        make_client: MakeClient) -> None:
    simulator = start(created_ms=400, pending_after_ms=400, receipt_delay_ms=1_600)
    client = make_client(simulator)
    sent = client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})

    def seen_at(offset_s: float) -> dict:
        time.sleep(max(0.0, began + offset_s - time.monotonic()))
        return client.get_notification_by_id(sent["id"])

    began = time.monotonic()
    created, sending, pending, delivered = seen_at(0.0), seen_at(0.6), seen_at(1.0), seen_at(1.9)
    # Notify: a text "created" has no billable units yet, so its cost is not ready (serialize_with_cost_data).
    assert (created["status"], created["is_cost_data_ready"], created["cost_in_pounds"],
            created["cost_details"]) == ("created", False, None, {})
    assert (sending["status"], sending["is_cost_data_ready"], sending["cost_in_pounds"]) == ("sending", True, 0.0227)
    assert (pending["status"], pending["completed_at"]) == ("pending", None)
    assert delivered["status"] == "delivered" and delivered["completed_at"]


def test_a_technical_failure_is_created_then_technical_failure_unbilled_and_never_called_back(
        start: StartSimulator, make_client: MakeClient, callback_receiver) -> None:
    simulator = start(receipt_delay_ms=200, faults=FaultConfig(technical_failure_rate=1.0),
                      callback=CallbackConfig(callback_receiver.url, "secret", retry_delay_s=0.05))
    client = make_client(simulator)
    sent = client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})

    assert client.get_notification_by_id(sent["id"])["status"] == "created"
    time.sleep(0.5)
    failed = client.get_notification_by_id(sent["id"])
    assert (failed["status"], failed["is_cost_data_ready"], failed["cost_in_pounds"]) == (
        "technical-failure", True, 0.0)
    assert failed["cost_details"]["billable_sms_fragments"] == 0
    assert callback_receiver.received == []


@pytest.mark.parametrize(("typed", "notify_body"), [
    # SMSMessageTemplate.__str__: SanitiseSMS.encode after the template's layout.
    ("Crematorium closed – Façade repairs at Poole", "Crematorium closed - Facade repairs at Poole"),
    ("Bin collections suspended 🚫 in Weymouth", "Bin collections suspended ? in Weymouth"),
    ("Road  closed ,  Wool\n\n\n\nDetours", "Road closed, Wool\n\nDetours"),
    ("Ffordd ar gau ŵ", "Ffordd ar gau ŵ"),  # Welsh letters are kept
])
def test_a_texts_content_body_is_what_notify_sends(client, typed: str, notify_body: str) -> None:
    sent = client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": typed})

    assert sent["content"]["body"] == notify_body
    assert client.get_notification_by_id(sent["id"])["body"] == notify_body


def test_an_emails_content_body_is_not_sanitised(client) -> None:
    sent = client.send_email_notification("a@example.org", DEFAULT_EMAIL_TEMPLATE_ID,
                                          {"subject": "s", "body": "Façade – 🚫"})

    assert sent["content"]["body"] == "Façade – 🚫"
