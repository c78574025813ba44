"""A contact-centre agent helps a caller: the disruption at their postcode (with the notes only staff see), then
the caller's own alerts, found by a mobile number typed the way the caller said it (posted, so it never reaches a
URL), and unsubscribes them with a recorded reason. Audited with axe-core in three modes, like every journey.
"""

from __future__ import annotations

from typing import Any

import pytest

from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel, Impact, Message, MessageKind, MessageStatus, Role, Subscriber, SubscriberStatus
from tests.e2e import outbox
from tests.e2e.browser import Journey
from tests.e2e.staff import AGENT, sign_in

pytestmark = pytest.mark.e2e


def test_an_agent_finds_a_callers_disruption_and_alerts_and_unsubscribes_them(journey: Journey, factories: Any) -> None:
    factories.StaffUserFactory(email=AGENT, role=Role.CONTACT_CENTRE)
    factories.NoticeFactory(title="Bin collections suspended in Weymouth", area_ids=["weymouth"],
                            internal_notes="Depot direct line: extension 4411", impact=Impact.SEVERE)
    factories.NoticeFactory(title="Sherborne Primary School closed today", area_ids=["sherborne"],
                            service_id="schools", impact=Impact.MINOR)
    caller = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900456",
                                         area_ids=["weymouth", "portland"])
    db.session.add(Message(kind=MessageKind.ALERT, channel=Channel.SMS, subscriber_id=caller.id,
                           recipient=caller.contact, body="Dorset Council: Bin collections suspended in Weymouth.",
                           status=MessageStatus.NOT_SENT))
    db.session.commit()

    sign_in(journey, AGENT)
    assert journey.heading() == "Staff dashboard"
    live = journey.page.locator("#live-disruption")
    assert live.locator(".govuk-summary-card__title").all_inner_texts() == [
        "Bin collections suspended in Weymouth", "Sherborne Primary School closed today"], "most serious first"
    journey.screenshot("staff-dashboard-live-disruption")
    assert journey.page.get_by_role("link", name="Publish a new notice").count() == 0, "agents cannot publish"
    journey.follow_link("Contact centre lookup")

    journey.fill("Postcode", "DT4 7")
    journey.press_button("Find disruption", expected_status=400)
    assert journey.title().startswith("Error: ")
    journey.screenshot("staff-lookup-error")
    journey.fill("Postcode", "dt4 7ta")
    journey.press_button("Find disruption")
    assert journey.page.locator("#postcode-result").inner_text() == "DT4 7TA – Weymouth: 1 live notice"
    found = journey.text()
    assert "Bin collections suspended in Weymouth" in found and "Sherborne Primary School" not in found
    assert "Notes for staff: Depot direct line: extension 4411" in found

    journey.fill("Email address or mobile number", "+44 (0)7700 900 456")
    journey.press_button("Find subscriber")
    assert journey.path == "/staff/lookup", "the number is posted, never put in the address"
    assert journey.page.get_by_label("Email address or mobile number").input_value() == "+44 (0)7700 900 456"
    journey.follow_link("07700 900456")
    assert journey.path == f"/staff/lookup/subscribers/{caller.public_id}"

    assert journey.heading() == "07700 900456", "numbers read as people say them"
    details = journey.text()
    assert "Text message" in details and "Weymouth" in details and "Portland" in details
    assert "Dorset Council: Bin collections suspended in Weymouth." in journey.page.locator("#messages").inner_text()
    journey.screenshot("staff-subscriber")

    journey.follow_link("Unsubscribe", within="main")
    journey.press_button("Unsubscribe", expected_status=400)
    assert "Enter the reason" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.fill("Why are they unsubscribing?", "Caller moved away from Dorset")
    journey.press_button("Unsubscribe")

    assert "They have been unsubscribed from all alerts" in journey.text()
    assert "Unsubscribed (Caller moved away from Dorset)" in journey.text()
    db.session.rollback()  # the live server changed it in its own session
    stopped = db.session.get(Subscriber, caller.id)
    assert stopped is not None and stopped.status == SubscriberStatus.UNSUBSCRIBED
    assert stopped.unsubscribe_reason == "Caller moved away from Dorset"


def test_an_agent_signs_up_a_caller_for_two_postcodes_by_email_and_text(journey: Journey, factories: Any) -> None:
    factories.StaffUserFactory(email=AGENT, role=Role.CONTACT_CENTRE)
    sign_in(journey, AGENT, start="/staff/lookup")
    journey.follow_link("Sign up a caller by phone")
    journey.fill("Caller's postcodes", "DT1 1XJ\nSW1A 1AA")
    journey.choose("One email a day at about 6pm, with severe disruption sent at once")
    journey.press_button("Sign up and send the confirmation", expected_status=400)
    summary = journey.page.locator(".govuk-error-summary").inner_text()
    assert "Enter the caller's email address or mobile number" in summary
    assert "SW1A 1AA is outside Dorset Council’s area" in summary
    assert "Confirm that the caller agreed" in summary
    journey.screenshot("staff-assisted-sign-up-errors")

    journey.fill("Caller's email address", "Caller.Two@Example.com")
    journey.fill("Caller's mobile number", "07700 900 654")
    journey.fill("Caller's postcodes", "DT1 1XJ\nDT4 7TA")
    journey.set_checked("Libraries", False)
    journey.set_checked("I read the caller the statement above and they agreed")
    journey.press_button("Sign up and send the confirmation")
    assert "We have also emailed them a link" in journey.text()
    details = journey.page.locator(".govuk-summary-list").inner_text()
    assert "Dorchester (DT1 1XJ), Weymouth (DT4 7TA), once they confirm" in details, "what the agent typed"
    assert journey.heading() == "07700 900654"
    journey.screenshot("staff-assisted-sign-up-pending")

    journey.fill("Code the caller reads out from their text",
                 outbox.code_in(outbox.latest("07700 900 654", MessageKind.CONFIRMATION)))
    journey.press_button("Confirm")
    assert "Confirmed: the caller will get alerts" in journey.text()
    db.session.rollback()  # the live server wrote these in its own session
    text = subscriber_data.find_subscriber(Channel.SMS, "+447700900654")
    email = subscriber_data.find_subscriber(Channel.EMAIL, "caller.two@example.com")
    assert text is not None and email is not None
    assert text.status == SubscriberStatus.CONFIRMED
    assert sorted(s.area_id for s in text.subscriptions) == ["dorchester", "weymouth"]
    assert "libraries" not in {service.id for service in text.services} and not text.all_services
    assert email.status == SubscriberStatus.PENDING, "the email confirms by its own link"
    assert email.pending_request is not None and email.pending_request["digest"] is True
