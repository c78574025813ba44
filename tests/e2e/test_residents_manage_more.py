"""A resident changes their alerts from the manage page (adds and removes a postcode, one email a day, then texts
instead of emails), and another asks for a manage code by text and uses it.

Codes are read from the local outbox, as the resident would read them on their phone. Every page is audited with
axe-core in three modes (mouse, JavaScript off, keyboard only).
"""

from __future__ import annotations

from typing import Any

import pytest

from alerts import links
from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel, MessageKind, Subscriber, SubscriberStatus
from tests.e2e import outbox
from tests.e2e.browser import Journey

pytestmark = pytest.mark.e2e

EMAIL = "alex.resident@example.com"
MOBILE = "07700 900 456"
MOBILE_E164 = "+447700900456"


def _subscriber(channel: Channel, contact: str) -> Subscriber:
    db.session.rollback()  # the live server changed it in its own session
    found = subscriber_data.find_subscriber(channel, contact)
    assert found is not None
    return found


def _manage_path(subscriber: Subscriber) -> str:
    """The path of the link at the end of every alert (its address is what an email would hold)."""
    return "/manage/" + links.make_token(links.MANAGE, subscriber.id, subscriber.token_version)


@pytest.mark.usefixtures("quick_sign_up")
def test_a_resident_adds_and_removes_a_postcode_and_changes_how_they_get_alerts(
    journey: Journey, factories: Any
) -> None:
    resident = factories.SubscriberFactory(contact=EMAIL, area_ids=["weymouth"])
    journey.visit(_manage_path(resident))
    assert journey.heading() == "Your alerts"
    assert f"Email to {EMAIL}" in journey.text()

    journey.follow_link("Change areas")
    assert journey.heading() == "Your areas"
    journey.fill("Add a postcode", "dt9 3aa")
    journey.press_button("Add postcode")
    assert journey.heading() == "Your alerts"
    areas = journey.page.locator(".govuk-summary-list__row", has_text="Areas").inner_text()
    assert "Weymouth" in areas and "Sherborne (DT9 3AA)" in areas
    assert sorted(s.area_id for s in _subscriber(Channel.EMAIL, EMAIL).subscriptions) == ["sherborne", "weymouth"]

    journey.follow_link("Change areas")
    journey.press_button("Remove Weymouth")
    assert journey.heading() == "Your areas"
    assert "Weymouth" not in journey.page.locator("#areas").inner_text()
    assert [s.area_id for s in _subscriber(Channel.EMAIL, EMAIL).subscriptions] == ["sherborne"]
    journey.press_button("Remove Sherborne", expected_status=400)
    assert "You need at least one area" in journey.page.locator(".govuk-error-summary").inner_text()
    assert journey.title().startswith("Error: ")
    journey.screenshot("manage-last-area")
    assert [s.area_id for s in _subscriber(Channel.EMAIL, EMAIL).subscriptions] == ["sherborne"], "the last stays"
    journey.follow_link("Back to your alerts")

    journey.follow_link("Change how you get alerts")
    assert journey.page.get_by_label("By email, for each alert", exact=True).is_checked(), "what they have now"
    journey.choose("By email, once a day")
    journey.press_button("Continue")
    assert journey.heading() == "Your alerts"
    assert f"Email to {EMAIL}, once a day" in journey.text(), "the same address: nothing to confirm"
    assert _subscriber(Channel.EMAIL, EMAIL).digest

    journey.follow_link("Change how you get alerts")
    journey.choose("By text message")
    journey.press_button("Continue")
    journey.fill("What is your mobile phone number?", MOBILE)
    journey.press_button("Continue")
    assert journey.path == "/subscribe/confirm"
    assert journey.heading() == "Check your phone"
    assert _subscriber(Channel.EMAIL, EMAIL).status == SubscriberStatus.CONFIRMED, "email goes on until confirmed"
    journey.fill("Enter the code", outbox.code_in(outbox.latest(MOBILE, MessageKind.CONFIRMATION)))
    journey.press_button("Continue")
    assert journey.path == "/subscribe/done"

    texted = _subscriber(Channel.SMS, MOBILE_E164)
    assert texted.status == SubscriberStatus.CONFIRMED
    assert [s.area_id for s in texted.subscriptions] == ["sherborne"], "the areas move to the new number"
    assert _subscriber(Channel.EMAIL, EMAIL).status == SubscriberStatus.UNSUBSCRIBED, "no alerts to both"
    journey.visit(_manage_path(texted))
    assert f"Text message to {MOBILE_E164}" in journey.text()


@pytest.mark.usefixtures("quick_sign_up")
def test_a_resident_asks_for_a_manage_code_by_text_and_uses_it(journey: Journey, factories: Any) -> None:
    factories.SubscriberFactory(channel=Channel.SMS, contact=MOBILE_E164, area_ids=["weymouth"])
    journey.visit("/manage")
    assert journey.heading() == "Manage your alerts"
    journey.fill("What is your email address or mobile phone number?", MOBILE)
    journey.press_button("Continue")

    assert journey.path == "/manage/code"
    assert journey.heading() == "Check your phone"
    code = outbox.code_in(outbox.latest(MOBILE, MessageKind.MANAGE_LINK))
    journey.fill("Enter the code", "000000" if code != "000000" else "111111")
    journey.press_button("Continue")
    assert "The code is not correct" in journey.page.locator(".govuk-error-summary").inner_text()
    assert journey.title().startswith("Error: ")
    journey.screenshot("manage-code-wrong")

    journey.fill("Enter the code", code)
    journey.press_button("Continue")
    assert journey.heading() == "Your alerts"
    assert journey.path.startswith("/manage/") and journey.path != "/manage/code"
    assert f"Text message to {MOBILE_E164}" in journey.text() and "Weymouth" in journey.text()
    journey.follow_link("Change services")
    assert journey.heading() == "Which services do you want alerts about?", "the page it opened works"
