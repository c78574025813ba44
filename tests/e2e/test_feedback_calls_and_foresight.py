"""Residents say whether a notice helped, the contact centre counts its calls, a manager sees both on insight, and
a new warning's card offers what the council published in last winter's warnings of the same kind. Audited with
axe-core in all three modes, like every journey."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from alerts.data import calls as call_data
from alerts.data import demo_history
from alerts.data import feedback as feedback_data
from alerts.data.warnings import current_warnings
from alerts.extensions import db
from alerts.models import InsightCount, Role, WeatherWarning, utc_now
from tests.e2e.browser import Journey
from tests.e2e.staff import AGENT, OFFICER, sign_in

pytestmark = pytest.mark.e2e

MANAGER = "manager@dorsetcouncil.example"


def _counts(metric: str) -> dict[str, int]:
    db.session.rollback()  # the live server counted in its own session
    return dict(db.session.execute(select(InsightCount.key, InsightCount.count)
                                   .where(InsightCount.metric == metric)).tuples().all())


def test_a_resident_answers_yes_on_a_notice_page(journey: Journey, factories: Any) -> None:
    notice = factories.NoticeFactory(title="Bin collections suspended in Weymouth", area_ids=["weymouth"])
    journey.visit(f"/notices/{notice.id}")
    assert "Was this useful?" in journey.text()
    journey.press_button("Yes")
    assert journey.heading() == "Thank you for your feedback"
    assert journey.path == f"/notices/{notice.id}/thank-you"
    assert _counts("feedback") == {f"{notice.id}|yes|page": 1}


def test_an_agent_logs_a_call_from_the_callers_postcode_and_from_the_dashboard(journey: Journey,
                                                                               factories: Any) -> None:
    factories.StaffUserFactory(email=AGENT, role=Role.CONTACT_CENTRE)
    notice = factories.NoticeFactory(title="Bin collections suspended in Weymouth", area_ids=["weymouth"])
    sign_in(journey, AGENT)
    journey.select("What was the call about?", "Roads and gritting")
    journey.press_button("Passed to the service")
    assert "Call logged: passed to the service." in journey.text()
    journey.follow_link("Contact centre lookup")
    journey.fill("Postcode", "DT4 7TA")
    journey.press_button("Find disruption")
    journey.press_button("Answered from the notice Bin collections suspended in Weymouth")
    assert "Call logged: answered from the notice." in journey.text()
    assert journey.page.locator("#postcode-result").count() == 1, "back on the caller's results"
    assert _counts("call") == {"roads-and-gritting||passed_on": 1,
                               f"bins-and-recycling|{notice.id}|answered": 1}


def test_a_manager_sees_feedback_and_calls_on_insight(journey: Journey, factories: Any) -> None:
    factories.StaffUserFactory(email=MANAGER, role=Role.MANAGER)
    notice = factories.NoticeFactory(title="Bin collections suspended in Weymouth", area_ids=["weymouth"])
    feedback_data.count_answer(notice.id, feedback_data.Answer.YES, feedback_data.AskedOn.PAGE, by=14)
    feedback_data.count_answer(notice.id, feedback_data.Answer.NO, feedback_data.AskedOn.EMAIL, by=3)
    call_data.count_call("bins-and-recycling", notice.id, call_data.CallOutcome.ANSWERED, by=9)
    db.session.commit()
    sign_in(journey, MANAGER)
    journey.follow_link("Insight: sign-ups, reach, delivery and cost")
    feedback = journey.page.locator("#feedback-by-notice-table").inner_text()
    assert "Bin collections suspended in Weymouth" in feedback and "14" in feedback
    calls = journey.page.locator("#calls-and-notices-table").inner_text()
    assert "9" in calls


def test_a_new_warnings_card_offers_last_winters_notices_with_audience_and_cost(journey: Journey,
                                                                                 factories: Any) -> None:
    factories.StaffUserFactory(email=OFFICER, role=Role.OFFICER)
    factories.SubscriberFactory(contact="resident@example.com", area_ids=["weymouth"])
    now = utc_now()
    db.session.add(WeatherWarning(
        id="new-snow", level="yellow", hazards=["snow", "ice"], title="Yellow warning of snow, ice",
        description="", areas=["Dorset"], link="https://www.metoffice.gov.uk/", valid_from_utc=now,
        valid_to_utc=now + dt.timedelta(hours=12), is_current=True))
    db.session.commit()
    assert demo_history.load_last_winter(current_warnings()) == 3
    db.session.commit()

    sign_in(journey, OFFICER)
    card = journey.page.locator(".weather-warning .app-foresight").inner_text()
    assert "Bin collections suspended in Weymouth and Portland" in card
    assert "Predicted audience: 1 email and 0 texts" in card and "Text cost: £0.00" in card
    journey.follow_link("Start a draft from “Bin collections suspended in Weymouth and Portland”")
    assert journey.page.get_by_label("Title", exact=True).input_value() == \
        "Bin collections suspended in Weymouth and Portland"
    journey.press_button("Save and check")
    assert "1 email" in journey.text()
