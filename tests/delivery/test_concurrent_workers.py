import json
import threading
import time
from collections import Counter

import pytest
import responses

from alerts.delivery.dispatcher import Dispatcher
from alerts.extensions import db
from alerts.models import Message, MessageStatus
from tests.delivery.conftest import SMS_URL

MESSAGES = 300


@pytest.mark.postgresql
def test_three_workers_on_one_outbox_never_claim_or_send_a_message_twice(app, notify_key, make_message) -> None:
    assert db.engine.dialect.name == "postgresql"
    ids = {make_message(body=f"Alert {n}").id for n in range(MESSAGES)}
    posts: Counter[str] = Counter()
    lock = threading.Lock()

    def notify(request):
        reference = json.loads(request.body)["reference"]
        with lock:
            posts[reference] += 1
        time.sleep(0.002)  # Notify's latency, so the workers' batches overlap
        return 201, {}, json.dumps({"id": reference, "reference": reference})

    claims: dict[str, list[str]] = {}
    start = threading.Barrier(3)

    def worker(name: str) -> None:
        dispatcher = Dispatcher(app, concurrency=3, batch_size=10, worker=name)
        claimed: list[str] = []
        start.wait()
        try:
            while batch := dispatcher.run_batch().claimed:
                claimed += batch
        finally:
            dispatcher.close()
        claims[name] = claimed

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, SMS_URL, callback=notify)
        threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    every_claim = [message_id for claimed in claims.values() for message_id in claimed]
    assert len(every_claim) == len(set(every_claim)) == MESSAGES, "no message is claimed twice"
    assert all(claims.values()), "every worker took a share"
    assert set(posts) == ids and set(posts.values()) == {1}, "each message is posted exactly once"
    db.session.expire_all()
    assert {message.status for message in db.session.query(Message)} == {MessageStatus.SENT}
