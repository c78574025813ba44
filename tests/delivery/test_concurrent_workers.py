import datetime as dt
import json
import threading
import time
from collections import Counter

import pytest
import responses
from sqlalchemy import event

from alerts.data import outbox_claims
from alerts.delivery.dispatcher import Dispatcher
from alerts.extensions import db
from alerts.models import Message, MessageStatus
from alerts.models.messages import PRIORITY_CONFIRMATION
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


@pytest.fixture
def nested_loop_plans(app):
    """Make PostgreSQL choose the plan it picks on its own when statistics say the outbox is tiny: a nested-loop
    semi join that reruns the claim's candidate query for each outer row. SET LOCAL ends with the transaction."""
    def force(conn, cursor, statement, parameters, context, executemany) -> None:
        if "FOR UPDATE SKIP LOCKED" in statement:
            for setting in ("enable_hashagg", "enable_hashjoin", "enable_mergejoin", "enable_material",
                            "enable_bitmapscan", "enable_indexscan"):
                cursor.execute(f"SET LOCAL {setting} = off")

    event.listen(db.engine, "before_cursor_execute", force)
    yield
    event.remove(db.engine, "before_cursor_execute", force)


@pytest.mark.postgresql
def test_a_claim_never_takes_more_than_its_batch_whatever_plan_postgresql_chooses(app, make_message,
                                                                                 nested_loop_plans) -> None:
    code = make_message(priority=PRIORITY_CONFIRMATION)
    alerts = [make_message() for _ in range(5)]
    claimed = outbox_claims.claim_due_messages("worker-1", 2, dt.timedelta(minutes=5))
    assert len(claimed) == 2
    assert claimed[0].id == code.id
    db.session.expire_all()
    left = {message.id for message in db.session.query(Message).filter_by(status=MessageStatus.QUEUED)}
    assert len(left & {alert.id for alert in alerts}) == 4
