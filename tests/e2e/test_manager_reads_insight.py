"""A service manager reads the insight dashboard — charts with their numbers beside them, a date range
with an error they can fix, a CSV of each table — and the public Open data page. Audited in all three modes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from alerts.data import insight
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, MessageStatus, Role
from tests.e2e.browser import Journey, assert_no_sideways_scroll
from tests.e2e.staff import sign_in

pytestmark = pytest.mark.e2e

MANAGER = "manager@dorsetcouncil.example"


@pytest.fixture
def known_data(factories: Any) -> None:
    factories.StaffUserFactory(email=MANAGER, role=Role.MANAGER)
    for number in range(3):
        factories.SubscriberFactory(channel=Channel.SMS, contact=f"+44770090010{number}", area_ids=["weymouth"])
    factories.SubscriberFactory(contact="resident@example.com", area_ids=["dorchester"])
    notice = factories.NoticeFactory(title="Bin collections suspended in Weymouth")
    for seconds in (40, 90, None):
        db.session.add(Message(
            kind=MessageKind.ALERT, channel=Channel.SMS, notice_id=notice.id, notice_update_id=notice.updates[0].id,
            status=MessageStatus.DELIVERED if seconds else MessageStatus.FAILED, body="x",
            notify_status="delivered" if seconds else "permanent-failure", cost_in_pounds=Decimal("0.0227"),
            completed_at_utc=notice.published_at_utc + dt.timedelta(seconds=seconds) if seconds else None))
    insight.bump(insight.Metric.SIGNUP_STARTED, "sms", 5)
    insight.bump(insight.Metric.SIGNUP_CONFIRMED, "sms", 3)
    insight.bump(insight.Metric.POSTCODE_LOOKUP, "DT4", 12)
    db.session.commit()
    insight.roll_up()
    db.session.commit()


def test_a_manager_reads_who_signs_up_whom_a_notice_reached_and_what_it_cost(journey: Journey,
                                                                             known_data: None) -> None:
    sign_in(journey, MANAGER)
    journey.follow_link("Insight: sign-ups, reach, delivery and cost")
    assert journey.heading() == "Insight"
    text = journey.text()
    assert "Bin collections suspended in Weymouth" in text and "66.7%" in text
    assert journey.page.locator("svg[role=img] title").count() >= 5
    journey.screenshot("insight-dashboard")
    assert_no_sideways_scroll(journey)

    # Chart labels are in the page's font, not the browser's default serif.
    label_font = journey.page.evaluate(
        "getComputedStyle(document.querySelector('svg.insight-chart text')).fontFamily")
    page_font = journey.page.evaluate("getComputedStyle(document.querySelector('.govuk-body')).fontFamily")
    assert label_font == page_font and "sans-serif" in label_font

    journey.fill("Month", "13", within="From")
    journey.press_button("Show these dates", expected_status=400)
    assert journey.title().startswith("Error: ")
    assert "The start date must be a real date" in journey.page.locator(".govuk-error-summary").inner_text()
    start = insight.today() - dt.timedelta(days=6)
    for label, value in (("Day", start.day), ("Month", start.month), ("Year", start.year)):
        journey.fill(label, str(value), within="From")
    journey.press_button("Show these dates")
    assert journey.heading() == "Insight"
    csv_link = journey.page.locator("#postcode-lookups a[download]")
    assert "/staff/insight/postcode-lookups.csv?from=" in (csv_link.get_attribute("href") or "")
    assert "Postcode look-ups by postcode district" in csv_link.inner_text()


def test_the_open_data_page_is_linked_from_the_footer(journey: Journey) -> None:
    journey.visit("/")
    journey.follow_link("Open data", within="footer")
    assert journey.heading() == "Open data"
    assert "/api/v1/statistics" in journey.text()
