"""The simulator's received text messages, read with the official client, and its inbound callback."""

from __future__ import annotations

import time

from bench.notify_simulator import CallbackConfig
from bench.notify_simulator.inbound import PAGE_SIZE


def test_received_texts_are_listed_newest_first_and_page_with_older_than(start, make_client) -> None:
    simulator = start()
    sent = [simulator.receive_text("+447700900111", f"reply {n}") for n in range(PAGE_SIZE + 2)]
    client = make_client(simulator)

    first = client.get_received_texts()
    assert len(first["received_text_messages"]) == PAGE_SIZE
    assert first["received_text_messages"][0] == {
        "id": sent[-1].id, "user_number": "447700900111", "notify_number": "07700900456",
        "created_at": sent[-1].created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "service_id": simulator.service_id, "content": f"reply {PAGE_SIZE + 1}"}
    assert [t["id"] for t in client.get_received_texts_iterator()] == [t.id for t in reversed(sent)]


def test_a_reply_is_posted_to_the_inbound_callback_in_notifys_shape(start, callback_receiver) -> None:
    simulator = start(inbound_callback=CallbackConfig(url=callback_receiver.url, bearer_token="secret"))
    text = simulator.receive_text("+447700900111", "STOP")
    [received] = callback_receiver.wait_for(1)
    assert received.headers["Authorization"] == "Bearer secret"
    assert received.payload == {"id": text.id, "source_number": "447700900111", "destination_number": "07700900456",
                                "message": "STOP", "date_received": text.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    simulator.receive_text("+447700900111", "STOP", deliver_callback=False)
    assert len(callback_receiver.wait_for(2, timeout_s=0.3)) == 1, "callbacks down: only the poll finds it"


def test_a_reply_from_a_national_number_is_given_as_notify_gives_it(start) -> None:
    simulator = start()

    numbers = [simulator.receive_text(number, "STOP").user_number
               for number in ("07700900111", "07700 900111", "+447700900111", "447700900111")]

    assert numbers == ["447700900111"] * 4


def test_an_inbound_callback_answered_429_or_5xx_is_tried_again_as_notify_does(start, callback_receiver) -> None:
    # Notify's send-inbound-sms task: max_retries=5, 300 s apart, on a connection error, a 5xx or a 429.
    simulator = start(inbound_callback=CallbackConfig(url=callback_receiver.url, bearer_token="secret",
                                                      retry_delay_s=0.05))
    callback_receiver.status_code = 429
    text = simulator.receive_text("07700900111", "STOP")
    callback_receiver.wait_for(2)
    callback_receiver.status_code = 200
    received = callback_receiver.wait_for(4, timeout_s=1.0)
    time.sleep(0.2)

    assert len(callback_receiver.received) == 3, "a 2xx ends the retries"
    assert {r.payload["id"] for r in received} == {text.id}
    assert received[0].payload["source_number"] == "447700900111"


def test_an_inbound_callback_gives_up_after_five_retries_and_never_retries_a_4xx(start, callback_receiver) -> None:
    simulator = start(inbound_callback=CallbackConfig(url=callback_receiver.url, bearer_token="secret",
                                                      retry_delay_s=0.02))
    callback_receiver.status_code = 503
    simulator.receive_text("+447700900111", "STOP")
    assert len(callback_receiver.wait_for(7, timeout_s=1.0)) == 6  # the first try and five retries

    callback_receiver.received.clear()
    callback_receiver.status_code = 400
    simulator.receive_text("+447700900111", "START")
    assert len(callback_receiver.wait_for(2, timeout_s=0.3)) == 1
