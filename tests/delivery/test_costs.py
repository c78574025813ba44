"""Issue 15: Notify's own cost for each text, fetched by the reconcile job."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import responses

from alerts.delivery.costs import record_costs
from alerts.extensions import db
from alerts.models import Channel, Message, MessageStatus, utc_now
from tests.delivery.conftest import NOTIFY, NOTIFY_ID

OTHER_ID = "33333333-3333-4333-8333-333333333333"


def notification(notify_id: str, reference: str, *, ready: bool, cost: float | None) -> dict:
    """Notify's GET /v2/notifications/<id> (serialize_with_cost_data), trimmed to what we read."""
    return {"id": notify_id, "reference": reference, "type": "sms", "status": "delivered",
            "completed_at": "2026-01-05T10:00:10.000000Z", "is_cost_data_ready": ready, "cost_in_pounds": cost,
            "cost_details": {"billable_sms_fragments": 1, "international_rate_multiplier": 1, "sms_rate": 0.0197}
            if ready else {}}


def test_the_reconcile_job_stores_what_notify_charged_for_each_finished_text(app, notify_key, make_message) -> None:
    an_hour_ago = utc_now() - dt.timedelta(hours=1)
    priced = make_message(status=MessageStatus.DELIVERED, notify_id=NOTIFY_ID, sent_at_utc=an_hour_ago)
    not_ready = make_message(status=MessageStatus.FAILED, notify_id=OTHER_ID, sent_at_utc=an_hour_ago)
    email = make_message(Channel.EMAIL, status=MessageStatus.DELIVERED, notify_id="4" * 36, sent_at_utc=an_hour_ago)
    just_sent = make_message(status=MessageStatus.DELIVERED, notify_id="5" * 36, sent_at_utc=utc_now())
    with responses.RequestsMock() as mock:
        mock.get(f"{NOTIFY}/v2/notifications/{NOTIFY_ID}",
                 json=notification(NOTIFY_ID, priced.id, ready=True, cost=0.0394))
        mock.get(f"{NOTIFY}/v2/notifications/{OTHER_ID}",
                 json=notification(OTHER_ID, not_ready.id, ready=False, cost=None))
        assert record_costs(app) == 1
        assert record_costs(app) == 0  # the one not ready yet is asked again only after an hour
        assert len(mock.calls) == 2
    db.session.expire_all()
    assert db.session.get(Message, priced.id).cost_in_pounds == Decimal("0.0394")
    assert db.session.get(Message, not_ready.id).cost_in_pounds is None
    assert db.session.get(Message, not_ready.id).cost_checked_at_utc is not None
    assert db.session.get(Message, email.id).cost_checked_at_utc is None
    assert db.session.get(Message, just_sent.id).cost_checked_at_utc is None


def test_a_failing_notify_stops_the_cost_run_without_marking_anything(app, notify_key, make_message) -> None:
    message = make_message(status=MessageStatus.DELIVERED, notify_id=NOTIFY_ID,
                           sent_at_utc=utc_now() - dt.timedelta(hours=1))
    with responses.RequestsMock() as mock:
        mock.get(f"{NOTIFY}/v2/notifications/{NOTIFY_ID}", status=500,
                 json={"status_code": 500, "errors": [{"error": "Exception", "message": "Internal server error"}]})
        assert record_costs(app) == 0
    db.session.expire_all()
    assert db.session.get(Message, message.id).cost_checked_at_utc is None
