"""Notify's delivery receipts, fed garbage: parsed or refused with our own error, and never a 500 from the callback.

A 5xx makes Notify send the same receipt again five times, so a body we cannot read must get a 4xx (problem+json),
and a receipt we can read must be recorded whatever its timestamps or status say.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from alerts.delivery.receipts import InvalidReceipt, Receipt, parse_receipt
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, MessageStatus, utc_now

hostile_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3),
    max_leaves=8,
)
# Whole minutes, as real offsets are (Python's fromisoformat rounds an offset's microseconds).
offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(lambda m: dt.timedelta(minutes=m))
moments = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59))


def _notify_style(moment: dt.datetime) -> str:
    """How Notify's code writes a time (its docs show a space instead of the T)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


timestamps = (moments.map(_notify_style) | moments.map(lambda m: _notify_style(m).replace("T", " "))
              | st.builds(lambda m, o: m.replace(tzinfo=dt.timezone(o)).isoformat(), moments, offsets)
              | hostile_text | json_values)
statuses = st.sampled_from(["delivered", "permanent-failure", "temporary-failure", "technical-failure", "sending",
                            "pending", "sent"]) | hostile_text | json_values
receipts = st.fixed_dictionaries(
    {"id": st.uuids().map(str) | hostile_text | json_values, "status": statuses},
    optional={"reference": st.none() | st.uuids().map(str) | hostile_text | json_values, "completed_at": timestamps,
              "to": hostile_text, "notification_type": st.sampled_from(["email", "sms", "letter"]) | json_values},
)
RECEIPT = {"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "status": "delivered"}


@given(json_values | receipts)
@example({**RECEIPT, "completed_at": "0001-01-01T00:00:00+01:00"})
@example({**RECEIPT, "completed_at": "9999-12-31T23:59:59-01:00"})
@example({**RECEIPT, "reference": "\x00"})
@example({**RECEIPT, "status": "x" * 41})
def test_any_body_is_read_as_a_receipt_or_refused_with_a_reason(body: Any) -> None:
    try:
        receipt = parse_receipt(body)
    except InvalidReceipt as error:
        assert str(error)
        return
    assert isinstance(receipt, Receipt)
    assert receipt.notify_id == body["id"] and receipt.status == body["status"]
    assert receipt.reference == (body.get("reference") or None)
    assert receipt.completed_at is None or receipt.completed_at.utcoffset() == dt.timedelta(0)


@given(moments, offsets)
def test_a_timestamp_with_any_offset_is_read_as_the_same_instant_in_utc(moment: dt.datetime,
                                                                           offset: dt.timedelta) -> None:
    local = moment.replace(tzinfo=dt.timezone(offset))
    receipt = parse_receipt({**RECEIPT, "completed_at": local.isoformat()})
    try:
        expected = local.astimezone(dt.UTC)
    except OverflowError:
        assert receipt.completed_at is None, "an instant outside what a datetime can hold is treated as missing"
    else:
        assert receipt.completed_at == expected


def _sent_message() -> str:
    message = Message(kind=MessageKind.ALERT, channel=Channel.EMAIL, status=MessageStatus.SENT,
                      recipient="resident@example.com", body="Bins suspended", sent_at_utc=utc_now(),
                      notify_id="740e5834-3a29-46b4-9a6f-16142fde533a")
    db.session.add(message)
    db.session.commit()
    return message.id


@given(json_values | receipts, st.booleans())
@example({**RECEIPT, "completed_at": "0001-01-01T00:00:00+01:00"}, True)
@example({**RECEIPT, "reference": "\x00"}, False)
@example({**RECEIPT, "id": "\x00"}, False)
@example({**RECEIPT, "status": "x" * 41}, True)
@example({**RECEIPT, "id": "x" * 400}, False)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_callback_answers_any_receipt_without_a_server_error(app: Flask, body: Any, for_our_message: bool) -> None:
    if for_our_message and isinstance(body, dict):
        body = {**body, "reference": _sent_message()}  # a real message, so the receipt is recorded, not skipped
    response = app.test_client().post("/callbacks/notify", json=body,
                                      headers={"Authorization": f"Bearer {app.config['NOTIFY_CALLBACK_TOKEN']}"})
    assert response.status_code in (202, 204, 400), response.status_code
    if response.status_code == 400:
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["detail"]
