from __future__ import annotations

import pytest
from notifications_python_client.errors import HTTP503Error

from bench.notify_simulator import DEFAULT_EMAIL_TEMPLATE_ID, DEFAULT_SMS_TEMPLATE_ID, CallbackConfig, FaultConfig

from .conftest import CallbackReceiver, MakeClient, StartSimulator

TOKEN = "a-callback-bearer-token"
PAYLOAD_KEYS = {
    "id", "reference", "to", "status", "created_at", "completed_at", "sent_at", "notification_type", "template_id",
    "template_version",
}  # fmt: skip


def test_receipts_are_posted_with_notifys_payload_and_the_bearer_token(
    start: StartSimulator, make_client: MakeClient, callback_receiver: CallbackReceiver
) -> None:
    simulator = start(callback=CallbackConfig(callback_receiver.url, TOKEN), receipt_delay_ms=20)
    client = make_client(simulator)
    sends = {
        "07700900123": "delivered",
        "07700900002": "permanent-failure",
        "07700 900 003": "temporary-failure",
    }
    ids = {
        client.send_sms_notification(number, DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}, reference=number)["id"]: status
        for number, status in sends.items()
    }
    for address, status in [("perm-fail@simulator.notify", "permanent-failure"), ("temp-fail@simulator.notify",
                            "temporary-failure"), ("resident@example.org", "delivered")]:  # fmt: skip
        sent = client.send_email_notification(address, DEFAULT_EMAIL_TEMPLATE_ID, {"subject": "s", "body": "b"})
        ids[sent["id"]] = status

    received = callback_receiver.wait_for(len(ids))

    assert {r.payload["id"]: r.payload["status"] for r in received} == ids
    for receipt in received:
        assert receipt.headers["Authorization"] == f"Bearer {TOKEN}"
        assert receipt.headers["Content-Type"] == "application/json"
        assert set(receipt.payload) == PAYLOAD_KEYS
        assert isinstance(receipt.payload["template_version"], int)
        assert receipt.payload["completed_at"].endswith("Z")
    by_reference = {r.payload["reference"]: r.payload for r in received if r.payload["notification_type"] == "sms"}
    assert by_reference["07700 900 003"]["to"] == "07700 900 003"
    assert by_reference["07700900123"]["template_id"] == DEFAULT_SMS_TEMPLATE_ID
    assert simulator.wait_for_callbacks(1.0)
    assert simulator.stats()["callbacks"]["delivered"] == len(ids)


def test_receipts_can_be_lost_or_duplicated_at_set_rates(
    start: StartSimulator, make_client: MakeClient, callback_receiver: CallbackReceiver
) -> None:
    callback = CallbackConfig(callback_receiver.url, TOKEN, lost_rate=0.3, duplicate_rate=0.3)
    simulator = start(callback=callback, receipt_delay_ms=0, seed=3)
    client = make_client(simulator)
    for n in range(60):
        client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}, reference=f"r{n}")

    assert simulator.wait_for_callbacks(1.5)
    counts = simulator.stats()["callbacks"]
    received = callback_receiver.wait_for(60 - counts["lost"] + counts["duplicated"], timeout_s=0.5)

    assert 8 <= counts["lost"] <= 30
    assert 5 <= counts["duplicated"] <= 25
    assert len(received) == 60 - counts["lost"] + counts["duplicated"]
    assert len({r.payload["id"] for r in received}) == 60 - counts["lost"]


def test_a_failing_receiver_is_retried_and_a_4xx_is_not(
    start: StartSimulator, make_client: MakeClient, callback_receiver: CallbackReceiver
) -> None:
    callback_receiver.status_code = 503
    callback = CallbackConfig(callback_receiver.url, TOKEN, max_retries=2, retry_delay_s=0.02)
    simulator = start(callback=callback, receipt_delay_ms=0)
    make_client(simulator).send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})

    assert len(callback_receiver.wait_for(3)) == 3
    assert simulator.wait_for_callbacks(1.0)
    assert simulator.stats()["callbacks"]["gave_up"] == 1

    callback_receiver.status_code = 401
    make_client(simulator).send_sms_notification("07700900124", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})
    assert simulator.wait_for_callbacks(1.0)
    assert simulator.stats()["callbacks"]["rejected"] == 1
    assert len(callback_receiver.received) == 4


def test_a_timed_out_send_still_gets_its_receipt(
    start: StartSimulator, make_client: MakeClient, callback_receiver: CallbackReceiver
) -> None:
    simulator = start(
        callback=CallbackConfig(callback_receiver.url, TOKEN),
        receipt_delay_ms=0,
        faults=FaultConfig(timeout_rate=1.0, timeout_sleep_s=1.0),
    )
    with pytest.raises(HTTP503Error):
        make_client(simulator, timeout=0.1).send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"})

    assert [r.payload["reference"] for r in callback_receiver.wait_for(1)] == [None]
