"""A caller asks for a copy of everything the council holds about them, then for it to be erased. The agent finds
them by a posted look-up (their number never reaches a URL), downloads their data as JSON and CSV with a recorded
reason, and erases it after a warning. Audited with axe-core in three modes, like every journey.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from alerts.extensions import db
from alerts.models import AuditEvent, Channel, Message, MessageKind, MessageStatus, Role, Subscriber
from tests.e2e.browser import Journey
from tests.e2e.staff import AGENT, sign_in

pytestmark = pytest.mark.e2e


def test_an_agent_exports_a_callers_data_and_erases_it_with_a_reason(journey: Journey, factories: Any) -> None:
    factories.StaffUserFactory(email=AGENT, role=Role.CONTACT_CENTRE)
    notice = factories.NoticeFactory(title="Bin collections suspended in Weymouth", area_ids=["weymouth"])
    caller = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900456", area_ids=["weymouth"])
    db.session.add_all([
        Message(kind=MessageKind.ALERT, channel=Channel.SMS, subscriber_id=caller.id, notice_id=notice.id,
                recipient=caller.contact, body="Dorset Council: Bin collections suspended in Weymouth.",
                status=MessageStatus.DELIVERED),
        Message(kind=MessageKind.MANAGE_LINK, channel=Channel.SMS, subscriber_id=caller.id, recipient=caller.contact,
                body="Your Dorset Council alerts security code is 570264.", status=MessageStatus.NOT_SENT),
    ])
    db.session.commit()
    caller_id, public_id = caller.id, caller.public_id

    sign_in(journey, AGENT, start="/staff/lookup")
    journey.fill("Email address or mobile number", "07700 900 456")
    journey.press_button("Find subscriber")
    assert journey.path == "/staff/lookup", "the number is posted, never put in the address"
    journey.follow_link("07700 900456")  # as staff pages show numbers
    assert journey.path == f"/staff/lookup/subscribers/{public_id}"
    messages = journey.page.locator("#messages").inner_text()
    assert "570264" not in messages and "•••• 64" in messages, "staff never see a live code"

    journey.follow_link("Export their data")
    journey.press_button("Download their data", expected_status=400)
    assert journey.title().startswith("Error: ")
    errors = journey.page.locator(".govuk-error-summary").inner_text()
    assert "Enter why you are exporting their data" in errors and "Select a format" in errors
    journey.fill("Why are you exporting their data?", "Subject access request SAR-2026-041")
    journey.choose("JSON (for another system)")
    as_json = journey.download("Download their data")
    assert as_json.suggested_filename == f"subscriber-{public_id}.json"
    held = json.loads(Path(as_json.path()).read_text())
    assert held["subscriber"]["contact"] == "+447700900456" and held["subscriptions"][0]["area"] == "Weymouth"
    assert "570264" not in json.dumps(held, ensure_ascii=False)
    journey.choose("CSV (opens in a spreadsheet)")
    as_csv = journey.download("Download their data")
    rows = list(csv.reader(io.StringIO(Path(as_csv.path()).read_text())))
    assert ["subscriber", "1", "contact", "+447700900456"] in rows
    journey.screenshot("staff-subject-access-export")

    journey.follow_link("Back")
    journey.follow_link("Erase their data")
    assert "You cannot undo this" in journey.page.locator(".govuk-warning-text").inner_text()
    journey.press_button("Erase", expected_status=400)
    assert "Enter why you are erasing their data" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.screenshot("staff-subject-access-erase")
    journey.fill("Why are you erasing their data?", "Erasure request ER-2026-007")
    journey.press_button("Erase")

    assert journey.path == f"/staff/lookup/subscribers/{public_id}"
    assert journey.heading() == "Erased subscriber"
    assert "Their personal data has been erased" in journey.text() and "07700 900456" not in journey.text()
    db.session.rollback()  # the live server changed it in its own session
    assert db.session.get(Subscriber, caller_id).contact is None
    kept = db.session.scalar(select(Message).where(Message.notice_id == notice.id))
    assert kept.status == MessageStatus.DELIVERED and kept.recipient is None and kept.subscriber_id is None
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.target_id == str(caller_id), AuditEvent.action.in_(["subscriber.exported", "subscriber.erased"])))
    reasons = {event.action: event.details for event in events}
    assert reasons["subscriber.exported"]["reason"] == "Subject access request SAR-2026-041"
    assert reasons["subscriber.erased"]["reason"] == "Erasure request ER-2026-007"
