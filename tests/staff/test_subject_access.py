"""A resident asks the council for their data, then for its erasure: an agent exports it and erases it, each step
audited with the agent's reason, and the service's counts still add up afterwards."""

import csv
import io
import json

from sqlalchemy import func, select

from alerts.data.delivery_reports import delivery_progress
from alerts.extensions import db
from alerts.models import AuditEvent, Channel, Message, MessageKind, MessageStatus, Role, Subscriber


def _export(client_request, base: str, data: dict):
    token = client_request.csrf_token(f"{base}/export")
    return client_request.client.post(f"{base}/export", data={"csrf_token": token, **data})


def test_an_agent_exports_a_callers_data_then_erases_it_and_the_counts_still_add_up(
        client_request, sign_in_as, factories) -> None:
    agent = sign_in_as(Role.CONTACT_CENTRE)
    notice = factories.NoticeFactory(title="Weymouth bins")
    caller = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900456", area_ids=["weymouth"])
    neighbour = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900457")
    db.session.add_all([
        Message(kind=MessageKind.ALERT, channel=Channel.SMS, notice_id=notice.id, subscriber_id=caller.id,
                recipient=caller.contact, body="Bins not collected.", status=MessageStatus.DELIVERED),
        Message(kind=MessageKind.ALERT, channel=Channel.SMS, notice_id=notice.id, subscriber_id=neighbour.id,
                recipient=neighbour.contact, body="Bins not collected.", status=MessageStatus.DELIVERED),
    ])
    db.session.commit()
    base = f"/staff/lookup/subscribers/{caller.public_id}"
    page = client_request.get(base)
    assert [a["href"] for a in page.select("a") if a.get_text(strip=True) in ("Export their data", "Erase their data")
            ] == [f"{base}/export", f"{base}/erase"]

    refused = client_request.post_form(f"{base}/export", {"reason": "", "format": ""}, expected_status=400)
    assert refused.error_summary() == ["Enter why you are exporting their data", "Select a format"]
    as_json = _export(client_request, base, {"reason": "SAR-2026-041", "format": "json"})
    assert as_json.mimetype == "application/json"
    assert as_json.headers["Content-Disposition"] == f'attachment; filename="subscriber-{caller.public_id}.json"'
    held = json.loads(as_json.get_data(as_text=True))
    assert held["subscriber"]["contact"] == "+447700900456" and held["subscriptions"][0]["area"] == "Weymouth"
    assert [m["status"] for m in held["messages"]] == ["delivered"]
    assert "subscriber.viewed" in [event["action"] for event in held["audit_events"]]
    as_csv = _export(client_request, base, {"reason": "SAR-2026-041", "format": "csv"})
    assert as_csv.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert ["subscriber", "1", "contact", "+447700900456"] in rows

    confirm = client_request.get(f"{base}/erase")
    assert "You cannot undo this" in confirm.soup.select_one(".govuk-warning-text").get_text()
    button = confirm.soup.select_one("form button[type=submit]")
    assert button.get_text(strip=True) == "Erase" and "govuk-button--warning" in button["class"]
    assert client_request.post_form(f"{base}/erase", {"reason": ""}, expected_status=400).error_summary() == [
        "Enter why you are erasing their data"]
    assert db.session.scalar(select(Subscriber.contact).where(Subscriber.id == caller.id)) == "+447700900456"
    before = delivery_progress(notice.id)

    token = client_request.csrf_token(f"{base}/erase")
    response = client_request.client.post(f"{base}/erase", data={"csrf_token": token, "reason": "ER-2026-007"})
    assert response.status_code == 302 and response.headers["Location"] == base
    erased_page = client_request.get(base)
    assert erased_page.h1 == "Erased subscriber" and "Their personal data has been erased" in erased_page.text
    assert "+447700900456" not in erased_page.response.get_data(as_text=True)

    db.session.expire_all()
    after = delivery_progress(notice.id)
    assert (after["total"], after["delivered"]) == (before["total"], before["delivered"]) == (2, 2)
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.recipient == "+447700900456")) == 0
    events = {event.action: event for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_id == str(caller.id)).order_by(AuditEvent.id))}  # latest wins
    assert events["subscriber.exported"].details == {"reason": "SAR-2026-041", "format": "csv"}
    assert events["subscriber.erased"].details["reason"] == "ER-2026-007"
    assert events["subscriber.erased"].staff_user_id == agent.id
    again = json.loads(_export(client_request, base, {"reason": "Check", "format": "json"}).get_data(as_text=True))
    assert again["subscriber"]["contact"] is None and again["messages"] == []
