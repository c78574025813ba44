"""A resident signs up for alerts by text and by email, confirms, changes what they get, and stops the alerts.

Codes and links are read from the local outbox, as the resident would read them on their phone. The sign-up
defences stay on: the minimum fill time is lowered for the live server (a browser driven by a test is faster than
any person), and one journey first meets it set to an hour, so it refuses whatever the browser's speed, to see the
refusal page. Rate limits keep their real values: each test's few sign-ups are well inside them.
"""

from __future__ import annotations

import pytest
from flask import Flask

from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel, MessageKind, Notice, Subscriber, SubscriberStatus
from tests.e2e import outbox
from tests.e2e.browser import Journey

pytestmark = pytest.mark.e2e

MOBILE = "07700 900 123"
EMAIL = "Sam.Resident@example.com"


def _subscriber(channel: Channel, contact: str) -> Subscriber:
    db.session.rollback()  # the live server changed it in its own session
    found = subscriber_data.find_subscriber(channel, contact)
    assert found is not None
    return found


@pytest.mark.usefixtures("quick_sign_up")
def test_a_resident_signs_up_by_text_for_two_postcodes_and_confirms_with_the_code(journey: Journey) -> None:
    journey.visit("/")
    journey.follow_link("Get an email or text message")
    assert journey.path == "/subscribe"
    assert journey.heading() == "What is your postcode?"

    journey.press_button("Continue")
    assert "Enter a postcode" in journey.page.locator(".govuk-error-summary").inner_text()
    assert journey.title().startswith("Error: ")
    journey.fill("What is your postcode?", "dt4 7ta")
    journey.press_button("Continue")

    assert journey.heading() == "You have added 1 postcode"
    assert "DT4 7TA" in journey.text() and "Weymouth" in journey.text()
    journey.press_button("Continue")
    assert "Select yes if you want to add another postcode" in journey.text(), "the question needs an answer"
    journey.choose("Yes")
    journey.press_button("Continue")
    journey.fill("What is your postcode?", "DT9 3AA")
    journey.press_button("Continue")
    assert journey.heading() == "You have added 2 postcodes"
    journey.choose("No")
    journey.press_button("Continue")

    assert journey.heading() == "Which services do you want alerts about?"
    assert journey.page.get_by_label("Bins and recycling", exact=True).is_checked(), "every service by default"
    journey.press_button("Continue")

    journey.choose("By text message")
    journey.press_button("Continue")
    journey.fill("What is your mobile phone number?", "01305 251010")
    journey.press_button("Continue")
    assert "Enter a UK mobile number" in journey.page.locator(".govuk-error-summary").inner_text(), "no landlines"
    journey.screenshot("subscribe-mobile-error")
    journey.fill("What is your mobile phone number?", MOBILE)
    journey.press_button("Continue")

    assert journey.heading() == "Check your answers before signing up"
    answers = journey.text()
    assert "DT4 7TA (Weymouth)" in answers and "DT9 3AA (Sherborne)" in answers
    assert "All services" in answers and MOBILE in answers, "the number as the resident typed it"
    journey.screenshot("subscribe-check-answers")
    journey.press_button("Accept and send")

    assert journey.path == "/subscribe/confirm"
    assert journey.heading() == "Check your phone"
    code = outbox.code_in(outbox.latest(MOBILE, MessageKind.CONFIRMATION))
    wrong = "000000" if code != "000000" else "111111"
    journey.fill("Enter the code", wrong)
    journey.press_button("Continue")
    assert "The code is not correct" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.screenshot("subscribe-wrong-code")
    assert _subscriber(Channel.SMS, "+447700900123").status == SubscriberStatus.PENDING

    journey.fill("Enter the code", code)
    journey.press_button("Continue")
    assert journey.path == "/subscribe/done"
    assert "You’ve signed up for alerts" in journey.text()
    journey.screenshot("subscribe-done")
    subscriber = _subscriber(Channel.SMS, "+447700900123")
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert sorted(s.area_id for s in subscriber.subscriptions) == ["sherborne", "weymouth"]
    assert [m.kind for m in outbox.messages_to(MOBILE)] == [MessageKind.CONFIRMATION], "only the code was sent"


def test_a_resident_signs_up_by_email_changes_their_services_and_unsubscribes(
    journey: Journey, demo_notices: list[Notice], app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slowly the browser goes, this resident is "too fast" the first time: an hour's minimum.
    monkeypatch.setitem(app.config, "SIGNUP_MIN_FILL_SECONDS", 3600)
    journey.visit("/notices?postcode=DT4+7TA")
    journey.follow_link("Get alerts for Weymouth")
    assert journey.page.get_by_label("What is your postcode?").input_value() == "DT4 7TA", "the postcode carries on"
    journey.press_button("Continue")
    journey.choose("No")
    journey.press_button("Continue")
    for service in ("Schools", "Libraries"):
        journey.set_checked(service, False)
    journey.press_button("Continue")
    journey.choose("By email, for each alert")
    journey.press_button("Continue")
    journey.fill("What is your email address?", EMAIL)
    journey.press_button("Continue")
    assert "sam.resident@example.com" in journey.text()

    # Faster than a person could answer five questions: refused, with a way back that keeps the answers.
    journey.press_button("Accept and send", expected_status=429)
    assert journey.heading() == "Sorry, we could not accept your request"
    assert outbox.messages_to(EMAIL) == [], "nothing is sent to a refused sign-up"
    journey.screenshot("subscribe-too-fast")
    monkeypatch.setitem(app.config, "SIGNUP_MIN_FILL_SECONDS", 0)
    journey.follow_link("Check your answers")
    journey.press_button("Accept and send")

    assert journey.heading() == "Check your email"
    assert "s***@example.com" in journey.text() or "example.com" in journey.text()
    confirm = outbox.latest(EMAIL, MessageKind.CONFIRMATION)
    journey.visit(outbox.path_of_link_in(confirm))
    assert journey.heading() == "Confirm your email address"
    assert _subscriber(Channel.EMAIL, "sam.resident@example.com").status == SubscriberStatus.PENDING, \
        "opening the link (as a mail scanner does) confirms nothing"
    journey.press_button("Confirm and get alerts")
    assert "You’ve signed up for alerts" in journey.text()

    # Later: the resident asks for a link to manage their alerts.
    journey.follow_link("manage your alerts", within="main")
    assert journey.heading() == "Manage your alerts"
    journey.fill("What is your email address or mobile phone number?", "sam.resident@")
    journey.press_button("Continue")
    assert journey.title().startswith("Error: ")
    journey.fill("What is your email address or mobile phone number?", EMAIL)
    journey.press_button("Continue")
    assert journey.path == "/manage/check-email"
    manage_path = outbox.path_of_link_in(outbox.latest(EMAIL, MessageKind.MANAGE_LINK))
    journey.visit(manage_path)

    assert journey.heading() == "Your alerts"
    assert "Weymouth (DT4 7TA)" in journey.text()
    assert "Schools" not in journey.text() and "Bins and recycling" in journey.text()
    journey.screenshot("manage")
    journey.follow_link("Change services")
    journey.set_checked("Bins and recycling", False)
    for service in ("Household recycling centres", "School and SEND transport", "Roads and gritting",
                    "Buses and public transport", "Adult social care", "Council offices", "Other"):
        journey.set_checked(service, False)
    journey.press_button("Continue")
    assert "Select at least one service" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.set_checked("Roads and gritting")
    journey.press_button("Continue")
    assert journey.heading() == "Your alerts"
    services = journey.page.locator(".govuk-summary-list__row", has_text="Services").inner_text()
    assert "Roads and gritting" in services and "Bins and recycling" not in services
    assert [s.id for s in _subscriber(Channel.EMAIL, "sam.resident@example.com").services] == ["roads-and-gritting"]

    journey.follow_link("Unsubscribe from all alerts")
    assert journey.heading() == "Are you sure you want to stop your alerts?"
    assert _subscriber(Channel.EMAIL, "sam.resident@example.com").status == SubscriberStatus.CONFIRMED, \
        "the GET only asks"
    journey.press_button("Stop my alerts")
    journey.screenshot("unsubscribed")
    assert _subscriber(Channel.EMAIL, "sam.resident@example.com").status == SubscriberStatus.UNSUBSCRIBED
    journey.visit(manage_path)
    assert journey.heading() == "You’ve unsubscribed", "the old manage link now says the alerts have stopped"
