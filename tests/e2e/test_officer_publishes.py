"""An officer signs in, writes a notice for Weymouth, checks the preview and audience, publishes, posts an update
and resolves it.

Every page is audited with axe-core in three modes (mouse, JavaScript off, keyboard only). The messages publishing
writes are read back from the local outbox: exactly the matching confirmed subscribers, nobody else.
"""

from __future__ import annotations

from typing import Any

import pytest

from alerts.models import Channel, MessageKind, Role, SubscriberStatus
from tests.e2e import outbox
from tests.e2e.browser import Journey
from tests.e2e.staff import OFFICER, write_notice
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e



def test_an_officer_publishes_a_notice_for_weymouth_with_preview_then_updates_and_resolves_it(
    journey: Journey, factories: Any
) -> None:
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    email = factories.SubscriberFactory(area_ids=["weymouth"], contact="weymouth.resident@example.com")
    text = factories.SubscriberFactory(area_ids=["weymouth"], channel=Channel.SMS, contact="+447700900111")
    factories.SubscriberFactory(area_ids=["sherborne"], contact="sherborne.resident@example.com")
    factories.SubscriberFactory(area_ids=["weymouth"], contact="pending@example.com", status=SubscriberStatus.PENDING,
                                confirmed_at_utc=None)

    journey.visit("/staff/")
    assert journey.path.startswith("/staff/sign-in")
    journey.fill("Email address", OFFICER)
    journey.fill("Password", PASSWORD + " typo")
    journey.press_button("Sign in", expected_status=400)
    assert "Enter a correct email address and password" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.screenshot("staff-sign-in-error")
    journey.fill("Password", PASSWORD)
    journey.press_button("Sign in")
    assert journey.heading() == "Staff dashboard"

    journey.follow_link("Publish a new notice")
    journey.press_button("Save and check", expected_status=400)
    errors = journey.page.locator(".govuk-error-summary").inner_text()
    assert "Enter a title" in errors and "Select at least one area, or Whole county" in errors
    journey.screenshot("staff-notice-form-errors")
    write_notice(journey, "Bin collections suspended in Weymouth", areas=["Weymouth"])

    assert journey.heading() == "Bin collections suspended in Weymouth"
    assert "Draft" in journey.page.locator(".govuk-caption-l").inner_text()
    assert journey.page.locator("#audience-total").inner_text() == "1 email and 1 text", "confirmed subscribers only"
    assert "Weymouth" in journey.page.locator("#audience").inner_text()
    email_preview = journey.page.locator("#email-preview")
    assert "Bin collections suspended in Weymouth" in email_preview.inner_text()
    # As Notify's email shows its Markdown: the impact as inset text and a rule, never "^" or "---".
    assert "disruption" in email_preview.locator(".govuk-inset-text").inner_text()
    shown = email_preview.inner_text()
    assert email_preview.locator("hr").count() == 1 and "^ " not in shown and "---" not in shown
    sms = journey.page.locator("#sms-preview").inner_text()
    # Council, title, impact and a short personal link fit one GSM-7 fragment.
    assert "Bin collections suspended in Weymouth" in sms and "/s/" in sms and len(sms) <= 160
    length = journey.page.locator("#sms-length").inner_text()
    assert length.startswith(f"{len(sms)} characters, 1 fragment (GSM-7"), length
    assert journey.page.locator("#texts-when").inner_text() == "Texts and emails sent now go at once.", \
        "a severe notice is texted at once, at any hour"
    journey.screenshot("staff-notice-preview")
    assert outbox.messages_to("weymouth.resident@example.com") == [], "nothing is sent before Publish"

    journey.press_button("Publish")
    assert "Notice published" in journey.text()
    assert "Live" in journey.page.locator(".govuk-caption-l").inner_text()
    assert [m.kind for m in outbox.messages_to(email.contact)] == [MessageKind.ALERT]
    assert [m.kind for m in outbox.messages_to(text.contact)] == [MessageKind.ALERT]
    assert outbox.messages_to("sherborne.resident@example.com") == [], "another area hears nothing"
    assert outbox.messages_to("pending@example.com") == [], "an unconfirmed contact gets nothing"

    journey.follow_link("Post an update")
    journey.press_button("Post update", expected_status=400)
    assert "Enter what has changed" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.fill("What has changed", "Crews will try the main roads this afternoon.")
    journey.press_button("Post update")
    assert "Update posted" in journey.text()
    assert "Crews will try the main roads this afternoon." in journey.page.locator("ol").inner_text()
    assert len(outbox.messages_to(email.contact)) == 2, "emails go out for every notified update"
    assert len(outbox.messages_to(text.contact)) == 1, "texts only on publish and resolve"

    assert outbox.dispatch() == 3, "the first email and text, and the update"
    journey.follow_link("Resolve")
    assert journey.page.locator("#texts-when").inner_text() == "Texts and emails sent now go at once."
    journey.fill("What residents need to know", "Collections are back to normal from tomorrow.")
    journey.press_button("Resolve notice")
    assert "Notice resolved" in journey.text()
    assert "Resolved" in journey.page.locator(".govuk-caption-l").inner_text()
    assert len(outbox.messages_to(text.contact)) == 2

    journey.follow_link("See the public page")
    assert journey.heading() == "Bin collections suspended in Weymouth"
    assert "Collections are back to normal from tomorrow." in journey.text()
