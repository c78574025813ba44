from __future__ import annotations

from typing import Any

import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from bench.notify_simulator import DEFAULT_EMAIL_TEMPLATE_ID, DEFAULT_SMS_TEMPLATE_ID, ApiKey, SimulatorConfig
from bench.notify_simulator.bucket import TokenBucket

from .conftest import MakeClient, StartSimulator


def send(client: NotificationsAPIClient, reference: str = "r") -> dict[str, Any]:
    return client.send_sms_notification("07700900123", DEFAULT_SMS_TEMPLATE_ID, {"body": "x"}, reference=reference)


@pytest.mark.parametrize(("rate", "bucket"), [(3000, 1000), (60, 21), (300, 101), (6000, 1000)])
def test_the_default_bucket_size_follows_notifys_formula(rate: int, bucket: int) -> None:
    assert SimulatorConfig(rate_limit_per_minute=rate).effective_bucket_size() == bucket


def test_the_bucket_refills_at_the_per_minute_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate_per_minute=60, capacity=2, clock=lambda: now[0])

    assert [bucket.try_take() for _ in range(3)] == [True, True, False]
    now[0] = 0.99
    assert bucket.try_take() is False
    now[0] = 1.0
    assert bucket.try_take() is True
    now[0] = 100.0
    assert bucket.tokens() == 2


def test_a_429_with_notifys_body_once_the_burst_is_used_then_the_bucket_refills(
    start: StartSimulator, make_client: MakeClient
) -> None:
    # 600/min refills one token every 0.1 s. The clock moves only when the test says, so a slow machine
    # cannot refill the bucket between the sends.
    now = [0.0]
    simulator = start(rate_limit_per_minute=600, bucket_size=5, clock=lambda: now[0])
    client = make_client(simulator)
    for n in range(5):
        send(client, f"ok-{n}")

    with pytest.raises(HTTPError) as limited:
        send(client, "too-many")
    now[0] += 0.1
    send(client, "after-refill")

    assert limited.value.status_code == 429
    assert limited.value.response.json() == {
        "status_code": 429,
        "errors": [
            {
                "error": "RateLimitError",
                "message": "Exceeded rate limit for key type TEST of 600 requests per 60 seconds",
            }
        ],
    }
    stats = simulator.stats()
    assert stats["accepted"] == 6
    assert stats["rate_limited_429"] == 1
    assert stats["sent_429"] == 1


def test_the_429_names_the_key_type_live_for_a_normal_key(start: StartSimulator, make_client: MakeClient) -> None:
    # A stopped clock: at 3,000 a minute a token refills every 20 ms, sooner than a loaded machine sends twice.
    simulator = start(api_keys=[ApiKey("7e57e57e-0000-4000-8000-000000000009", "normal")], bucket_size=1,
                      clock=lambda: 0.0)
    client = make_client(simulator)
    send(client)

    with pytest.raises(HTTPError) as limited:
        send(client)

    assert (
        limited.value.message[0]["message"] == "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"
    )


def test_reads_are_not_rate_limited(start: StartSimulator, make_client: MakeClient) -> None:
    simulator = start(bucket_size=1, clock=lambda: 0.0)
    client = make_client(simulator)
    sent = send(client)

    for _ in range(5):
        client.get_notification_by_id(sent["id"])


def test_unlimited_never_429s(start: StartSimulator, make_client: MakeClient) -> None:
    simulator = start(rate_limit_per_minute=None)
    client = make_client(simulator)

    for n in range(50):
        send(client, str(n))

    assert simulator.stats()["sent_429"] == 0


def test_a_daily_limit_per_channel_gives_too_many_requests(start: StartSimulator, make_client: MakeClient) -> None:
    # A live key: Notify never holds test-key sends to the daily limit.
    simulator = start(daily_limits={"sms": 2}, api_keys=[ApiKey("7e57e57e-0000-4000-8000-000000000009", "normal")])
    client = make_client(simulator)
    send(client)
    send(client)

    with pytest.raises(HTTPError) as over:
        send(client)
    email = client.send_email_notification("a@example.org", DEFAULT_EMAIL_TEMPLATE_ID, {"subject": "s", "body": "b"})

    assert over.value.status_code == 429
    assert over.value.message == [
        {"error": "TooManyRequestsError", "message": "Exceeded send limits (sms: 2) for today"}
    ]
    assert email["id"]
    assert simulator.stats()["daily_limited_429"] == 1
