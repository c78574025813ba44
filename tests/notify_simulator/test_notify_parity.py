"""Points where the simulator follows GOV.UK Notify's own code, each pinned with Notify's value."""

from __future__ import annotations

import pytest
from notifications_python_client.errors import HTTPError

from bench.notify_simulator import DEFAULT_EMAIL_TEMPLATE_ID, DEFAULT_SMS_TEMPLATE_ID, ApiKey
from bench.notify_simulator.config import full_key_string

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
