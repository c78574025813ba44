"""A county-wide notice goes to a second officer: the first cannot approve their own, and nothing is published or
sent until the second — emailed a link, and shown it first on their dashboard — signs in and approves it. The
notice page shows who wrote it, who asked and who approved. Audited with axe-core in three modes, like every journey.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from alerts.extensions import db
from alerts.models import Message, MessageKind, NoticeStatus, Role
from tests.e2e import outbox
from tests.e2e.browser import Journey
from tests.e2e.staff import OFFICER, SECOND_OFFICER, latest_notice, sign_in, sign_out, write_notice

pytestmark = pytest.mark.e2e


def staff_emails(email: str) -> list[MessageKind]:
    db.session.rollback()  # the live server wrote them in its own session
    return list(db.session.scalars(select(Message.kind).where(Message.recipient == email)))


def test_a_county_wide_notice_waits_for_a_second_officer_to_approve_it(journey: Journey, factories: Any) -> None:
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    factories.StaffUserFactory(email=SECOND_OFFICER, role=Role.OFFICER)
    resident = factories.SubscriberFactory(area_ids=["swanage"], contact="swanage.resident@example.com")

    sign_in(journey, OFFICER, start="/staff/notices/new")
    assert journey.heading() == "New notice", "sign-in returns to the page asked for"
    write_notice(journey, "Gritting teams out across the county", areas=["Whole county"],
                  service="Roads and gritting")
    assert "another officer must approve it" in journey.text()
    journey.press_button("Send for approval")
    assert "Notice sent for approval" in journey.text()
    assert "Waiting for approval" in journey.page.locator(".govuk-caption-l").inner_text()
    assert journey.page.get_by_role("button", name="Approve and publish").count() == 0, "not their own notice"
    assert "another officer must approve it" in journey.text()
    journey.screenshot("staff-awaiting-approval")
    assert latest_notice().status == NoticeStatus.AWAITING_APPROVAL
    assert outbox.messages_to(resident.contact) == [], "nothing is sent before approval"
    people = journey.page.locator("#people").inner_text()
    assert OFFICER in people and "Asked to publish" in people and "Approved by" not in people
    assert staff_emails(SECOND_OFFICER) == [MessageKind.APPROVAL_REQUEST], "the officer who can approve is emailed"
    assert staff_emails(OFFICER) == [], "the requester is not asked to approve their own"
    sign_out(journey)

    sign_in(journey, SECOND_OFFICER)
    assert journey.heading() == "Staff dashboard"
    assert journey.page.locator("main h2").first.inner_text() == "Waiting for your approval", "waiting items first"
    journey.follow_link("Gritting teams out across the county", within="main")
    assert journey.page.locator("#audience-total").inner_text() == "1 email and 0 texts"
    journey.press_button("Approve and publish")
    assert "Notice published" in journey.text()
    assert "Live" in journey.page.locator(".govuk-caption-l").inner_text()
    assert [m.kind for m in outbox.messages_to(resident.contact)] == [MessageKind.ALERT]
    assert latest_notice().status == NoticeStatus.ACTIVE
    people = journey.page.locator("#people").inner_text()
    assert OFFICER in people and "Asked to publish" in people
    assert "Approved by" in people and SECOND_OFFICER in people
