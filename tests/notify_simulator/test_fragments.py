from __future__ import annotations

import pytest

from bench.notify_simulator import DEFAULT_SMS_TEMPLATE_ID

from .conftest import MakeClient, StartSimulator


@pytest.mark.parametrize(
    "body, fragments",
    [
        ("£" * 160, 1),  # £ is in GSM-7: one septet each
        (("[]" * 41)[:81], 2),  # 81 extension characters, 2 septets each: 162
        ("😀" + "a" * 150, 1),  # sent as "?"
        ("ŵ" + "a" * 70, 2),  # a Welsh letter outside GSM-7 makes the text Unicode
    ],
)
def test_a_text_bills_the_fragments_notify_bills(
    start: StartSimulator, make_client: MakeClient, body: str, fragments: int
) -> None:
    client = make_client(start(receipt_delay_ms=0))
    sent = client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": body})

    notification = client.get_notification_by_id(sent["id"])

    assert notification["cost_details"]["billable_sms_fragments"] == fragments
    assert notification["cost_in_pounds"] == round(fragments * notification["cost_details"]["sms_rate"], 4)
