"""Notify's own cost for each text, fetched by the reconcile job from Notify's paged list of texts
(`GET /v2/notifications?template_type=sms`, 250 a page, newest first), one request per 250 texts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import responses
from responses import matchers

from alerts.delivery.app_gateway import get_gateway
from alerts.delivery.costs import record_costs
from alerts.extensions import db
from alerts.models import Channel, Message, MessageStatus, utc_now
from tests.delivery.conftest import LIST_URL, NOTIFY, NOTIFY_ID

OTHER_ID = "33333333-3333-4333-8333-333333333333"
NEWER_ID = "55555555-5555-4555-8555-555555555555"
OLDER_ID = "66666666-6666-4666-8666-666666666666"


def notification(notify_id: str, reference: str | None, *, ready: bool, cost: float | None,
                 created_at: dt.datetime | None = None) -> dict:
    """Notify's notification object (serialize_with_cost_data), trimmed to what we read."""
    created = (created_at or utc_now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {"id": notify_id, "reference": reference, "type": "sms", "status": "delivered", "created_at": created,
            "completed_at": created, "is_cost_data_ready": ready, "cost_in_pounds": cost,
            "cost_details": {"billable_sms_fragments": 1, "international_rate_multiplier": 1, "sms_rate": 0.0197}
            if ready else {}}


def page(notifications: list[dict], query: str = "template_type=sms") -> dict:
    links = {"current": f"{LIST_URL}?{query}"}
    if notifications:  # Notify: `next` whenever the page is not empty, so the last page is always an empty one
        links["next"] = f"{LIST_URL}?older_than={notifications[-1]['id']}&template_type=sms"
    return {"notifications": notifications, "links": links}


def list_page(mock: responses.RequestsMock, query: dict[str, str], body: dict) -> None:
    mock.get(LIST_URL, json=body, match=[matchers.query_param_matcher(query, strict_match=True)])


def test_the_reconcile_job_reads_costs_from_notifys_list_of_texts(app, notify_key, make_message) -> None:
    an_hour_ago = utc_now() - dt.timedelta(hours=1)
    priced = make_message(status=MessageStatus.DELIVERED, notify_id=NOTIFY_ID, sent_at_utc=an_hour_ago)
    not_ready = make_message(status=MessageStatus.FAILED, notify_id=OTHER_ID, sent_at_utc=an_hour_ago)
    email = make_message(Channel.EMAIL, status=MessageStatus.DELIVERED, notify_id="4" * 36, sent_at_utc=an_hour_ago)
    just_sent = make_message(status=MessageStatus.DELIVERED, notify_id=NEWER_ID, sent_at_utc=utc_now())
    with responses.RequestsMock() as mock:
        list_page(mock, {"template_type": "sms"}, page([
            notification(NEWER_ID, just_sent.id, ready=False, cost=None, created_at=utc_now()),
            notification(NOTIFY_ID, priced.id, ready=True, cost=0.0394),
            notification(OTHER_ID, not_ready.id, ready=False, cost=None)]))
        assert record_costs(app) == 1
        assert [call.request.url for call in mock.calls] == [f"{LIST_URL}?template_type=sms"]
        assert record_costs(app) == 0  # the one not ready yet is asked again only after an hour
        assert len(mock.calls) == 1
    db.session.expire_all()
    assert db.session.get(Message, priced.id).cost_in_pounds == Decimal("0.0394")
    assert db.session.get(Message, not_ready.id).cost_in_pounds is None
    assert db.session.get(Message, not_ready.id).cost_checked_at_utc is not None
    assert db.session.get(Message, email.id).cost_checked_at_utc is None
    assert db.session.get(Message, just_sent.id).cost_checked_at_utc is None


def test_the_walk_follows_older_than_to_the_empty_last_page(app, notify_key, make_message) -> None:
    an_hour_ago = utc_now() - dt.timedelta(hours=1)
    first = make_message(status=MessageStatus.DELIVERED, notify_id=NOTIFY_ID, sent_at_utc=an_hour_ago)
    gone = make_message(status=MessageStatus.DELIVERED, notify_id=OTHER_ID, sent_at_utc=an_hour_ago)
    with responses.RequestsMock() as mock:
        list_page(mock, {"template_type": "sms"},
                  page([notification(NOTIFY_ID, first.id, ready=True, cost=0.0197)]))
        list_page(mock, {"template_type": "sms", "older_than": NOTIFY_ID},
                  page([], query=f"older_than={NOTIFY_ID}&template_type=sms"))
        assert record_costs(app) == 1
        assert len(mock.calls) == 2, "no look-up by id: Notify lists every text it still keeps"
    db.session.expire_all()
    assert db.session.get(Message, first.id).cost_in_pounds == Decimal("0.0197")
    unknown = db.session.get(Message, gone.id)
    assert unknown.cost_in_pounds is None and unknown.cost_checked_at_utc is not None


def test_the_walk_stops_once_past_the_oldest_text_waiting_for_its_cost(app, notify_key, make_message) -> None:
    waiting = make_message(status=MessageStatus.DELIVERED, notify_id=NOTIFY_ID,
                           sent_at_utc=utc_now() - dt.timedelta(hours=1))
    missing = make_message(status=MessageStatus.DELIVERED, notify_id=OTHER_ID,
                           sent_at_utc=utc_now() - dt.timedelta(hours=2))
    with responses.RequestsMock() as mock:
        list_page(mock, {"template_type": "sms"}, page([
            notification(NOTIFY_ID, waiting.id, ready=True, cost=0.0197),
            notification(OLDER_ID, None, ready=True, cost=0.0197, created_at=utc_now() - dt.timedelta(days=1))]))
        assert record_costs(app) == 1
        assert len(mock.calls) == 1, "a page older than every text waiting ends the walk"
    db.session.expire_all()
    assert db.session.get(Message, missing.id).cost_checked_at_utc is not None


def test_texts_beyond_the_pages_a_run_may_read_are_asked_for_one_by_one(app, notify_key, make_message) -> None:
    oldest = make_message(status=MessageStatus.DELIVERED, notify_id=OTHER_ID,
                          sent_at_utc=utc_now() - dt.timedelta(days=3))
    with responses.RequestsMock() as mock:
        list_page(mock, {"template_type": "sms"}, page([notification(NEWER_ID, None, ready=True, cost=0.0197)]))
        mock.get(f"{NOTIFY}/v2/notifications/{OTHER_ID}",
                 json=notification(OTHER_ID, oldest.id, ready=True, cost=0.0591))
        assert record_costs(app, pages=1) == 1
        assert [call.request.url for call in mock.calls] == [f"{LIST_URL}?template_type=sms",
                                                             f"{NOTIFY}/v2/notifications/{OTHER_ID}"]
    db.session.expire_all()
    assert db.session.get(Message, oldest.id).cost_in_pounds == Decimal("0.0591")


def test_a_failing_notify_stops_the_cost_run_without_marking_anything(app, notify_key, make_message) -> None:
    message = make_message(status=MessageStatus.DELIVERED, notify_id=NOTIFY_ID,
                           sent_at_utc=utc_now() - dt.timedelta(hours=1))
    with responses.RequestsMock() as mock:
        mock.get(LIST_URL, status=500,
                 json={"status_code": 500, "errors": [{"error": "Exception", "message": "Internal server error"}]})
        assert record_costs(app) == 0
    db.session.expire_all()
    assert db.session.get(Message, message.id).cost_checked_at_utc is None


def test_through_the_simulator_260_texts_cost_three_list_requests(app, simulated, make_message) -> None:
    simulator = simulated()
    gateway = get_gateway(app)
    sent = {}
    for n in range(260):
        body = "Bins late in Weymouth." if n % 2 else "Road closed. " * 20  # 1 and 2 fragments
        result = gateway.send_sms(phone_number=f"+447400{n:06d}", body=body, reference=f"text-{n}")
        sent[make_message(status=MessageStatus.DELIVERED, notify_id=result.notify_id, body=body,
                          sent_at_utc=utc_now()).id] = Decimal("0.0227") * (1 if n % 2 else 2)
    long_gone = make_message(status=MessageStatus.DELIVERED, notify_id=OTHER_ID,
                             sent_at_utc=utc_now() - dt.timedelta(days=6))

    assert record_costs(app, now=utc_now() + dt.timedelta(minutes=11)) == 260

    requests = simulator.simulator.stats()["requests_by_endpoint"]
    assert requests["GET /v2/notifications"] == 3, "250, then 10, then the empty last page"
    assert "GET /v2/notifications/{id}" not in requests
    db.session.expire_all()
    assert {message_id: db.session.get(Message, message_id).cost_in_pounds for message_id in sent} == sent
    assert db.session.get(Message, long_gone.id).cost_checked_at_utc is not None
