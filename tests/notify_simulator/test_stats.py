from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests
from notifications_python_client import NotificationsAPIClient

from bench.notify_simulator import DEFAULT_SMS_TEMPLATE_ID, RunningSimulator


def test_references_accepted_more_than_once_are_counted_as_duplicates(
    client: NotificationsAPIClient, simulator: RunningSimulator
) -> None:
    for reference in ["alert-1", "alert-2", "alert-1", "alert-1", "alert-3", "alert-3"]:
        client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}, reference=reference)

    stats = requests.get(f"{simulator.base_url}/_simulator/stats", timeout=2).json()

    assert stats["accepted"] == 6
    assert stats["per_reference"] == {"alert-1": 3, "alert-2": 1, "alert-3": 2}
    assert stats["duplicates"] == {"alert-1": 3, "alert-3": 2}
    assert stats["duplicate_count"] == 3
    assert stats["requests_total"] == 6
    assert stats["responses_by_status"] == {"201": 6}


def test_the_accepted_record_holds_what_was_sent(client: NotificationsAPIClient, simulator: RunningSimulator) -> None:
    sent = client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "Road closed"}, reference="a")

    [record] = simulator.accepted()

    assert (record.id, record.recipient, record.body, record.reference) == (
        sent["id"],
        "07700900123",
        "Road closed",
        "a",
    )
    assert record.personalisation == {"body": "Road closed"}
    over_http = requests.get(f"{simulator.base_url}/_simulator/notifications", timeout=2).json()
    assert over_http["notifications"][0]["id"] == sent["id"]


def test_reset_clears_the_record_and_counters(client: NotificationsAPIClient, simulator: RunningSimulator) -> None:
    client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}, reference="a")

    response = requests.post(f"{simulator.base_url}/_simulator/reset", timeout=2)

    assert response.status_code == 200
    assert simulator.accepted() == []
    assert simulator.stats()["requests_total"] == 0


def test_stats_can_leave_out_the_per_reference_map(client: NotificationsAPIClient, simulator: RunningSimulator) -> None:
    client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}, reference="a")

    stats = requests.get(f"{simulator.base_url}/_simulator/stats?per_reference=0", timeout=2).json()

    assert "per_reference" not in stats
    assert stats["distinct_references"] == 1


def test_concurrent_sends_are_all_recorded(simulator: RunningSimulator) -> None:
    def send_batch(batch: int) -> None:
        client = NotificationsAPIClient(simulator.api_key, base_url=simulator.base_url, timeout=2)
        for n in range(25):
            client.send_sms_notification(
                "07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}, reference=f"{batch}-{n}"
            )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(send_batch, range(8)))

    stats = simulator.stats()
    assert stats["accepted"] == 200
    assert stats["duplicates"] == {}
