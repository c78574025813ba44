"""A resolved notice can't be misread, and staff tables reflow instead of scrolling sideways.

Each page is audited with axe-core in all three modes and saved at 375 and 1280 px (journey.screenshot), and at
both widths nothing is wider than the window.
"""

from __future__ import annotations

from typing import Any

import pytest

from alerts.extensions import db
from alerts.models import (
    AuditEvent,
    Channel,
    Message,
    MessageKind,
    MessageStatus,
    NoticeStatus,
    NoticeUpdate,
    Role,
    UpdateKind,
)
from tests.e2e.browser import Journey, assert_no_sideways_scroll
from tests.e2e.staff import sign_in

pytestmark = pytest.mark.e2e

ADMIN = "admin@dorsetcouncil.example"


def test_a_resolved_notice_says_so_first_and_its_advice_reads_as_past(journey: Journey, factories: Any) -> None:
    notice = factories.NoticeFactory(title="Household Recycling Centre closed", status=NoticeStatus.RESOLVED,
                                     summary="The centre is closed to cars today.",
                                     advice="Please do not visit today.")
    notice.updates.append(NoticeUpdate(kind=UpdateKind.RESOLVED, summary="The centre reopened at 2pm."))
    db.session.commit()

    journey.visit(f"/notices/{notice.id}")

    banner = journey.page.locator(".govuk-notification-banner")
    assert "This disruption has been resolved" in banner.inner_text()
    assert "The centre reopened at 2pm." in banner.inner_text()
    text = journey.text()
    assert text.index("This disruption has been resolved") < text.index("The centre is closed to cars today.")
    assert "What residents were asked to do" in text and "What you should do" not in text
    assert_no_sideways_scroll(journey)
    journey.screenshot("resolved-notice")


def test_staff_tables_reflow_at_phone_and_desktop_widths(journey: Journey, factories: Any) -> None:
    admin = factories.StaffUserFactory(email=ADMIN, role=Role.ADMIN)
    for n in range(3):
        factories.StaffUserFactory(email=f"a.very.long.officer.address.number.{n}@dorsetcouncil.example",
                                   role=Role.OFFICER)
    long_detail = "reason: " + "the caller asked us to stop all alerts for this address " * 4
    db.session.add_all([
        AuditEvent(staff_user_id=admin.id, actor=ADMIN, action="subscriber.unsubscribed", target_type="subscriber",
                   target_id="Zx8K2mQv9LwP4rT1", ip_address="2001:db8:85a3:8d3:1319:8a2e:370:7348",
                   details={"reason": long_detail}),
        Message(kind=MessageKind.ALERT, channel=Channel.EMAIL, recipient="someone.with.a.long.address@example.com",
                subject="Disruption: bins", status=MessageStatus.DELIVERED,
                body="More: https://alerts.dorsetcouncil.example/notices/12345678901234567890?utm=a-long-query-string"),
    ])
    db.session.commit()

    sign_in(journey, ADMIN, start="/staff/audit")
    for path, name in (("/staff/audit", "audit"), ("/staff/outbox", "outbox"), ("/staff/users", "users"),
                       ("/staff/api-tokens", "tokens")):
        journey.visit(path)
        assert_no_sideways_scroll(journey)
        journey.screenshot(f"staff-{name}-reflowed")
