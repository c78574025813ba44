"""More ways to sign up, in all three modes with axe: email and text in one sign-up, the daily email, and
the contact centre signing up a caller by phone (the caller still confirms with the code they read out)."""

from __future__ import annotations

from typing import Any

import pytest

from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel, MessageKind, Role, Subscriber, SubscriberStatus
from tests.e2e import outbox
from tests.e2e.browser import Journey
from tests.e2e.staff import AGENT, sign_in

pytestmark = pytest.mark.e2e

EMAIL = "both.channels@example.com"
MOBILE = "07700 900 321"


def _subscriber(channel: Channel, contact: str) -> Subscriber:
    db.session.rollback()
    found = subscriber_data.find_subscriber(channel, contact)
    assert found is not None
    return found


def _first_questions(journey: Journey, how: str) -> None:
    journey.visit("/subscribe")
    journey.fill("What is your postcode?", "DT4 7TA")
    journey.press_button("Continue")
    journey.choose("No")
    journey.press_button("Continue")
    journey.press_button("Continue")  # every service
    journey.choose(how)
    journey.press_button("Continue")


@pytest.mark.usefixtures("quick_sign_up")
def test_a_resident_signs_up_for_email_and_text_at_once_and_confirms_each(journey: Journey) -> None:
    _first_questions(journey, "By email and by text message")
    journey.fill("What is your email address?", EMAIL)
    journey.press_button("Continue")
    journey.fill("What is your mobile phone number?", MOBILE)
    journey.press_button("Continue")
    assert journey.heading() == "Check your answers before signing up"
    assert "Email and text message" in journey.text() and MOBILE in journey.text()
    journey.screenshot("both-channels-check-answers")
    journey.press_button("Accept and send")

    journey.fill("Enter the code", outbox.code_in(outbox.latest(MOBILE, MessageKind.CONFIRMATION)))
    journey.press_button("Continue")
    assert "Your email alerts start once you open it and confirm" in journey.text()
    assert _subscriber(Channel.SMS, "+447700900321").status == SubscriberStatus.CONFIRMED
    assert _subscriber(Channel.EMAIL, EMAIL).status == SubscriberStatus.PENDING, "the email is confirmed on its own"

    journey.visit(outbox.path_of_link_in(outbox.latest(EMAIL, MessageKind.CONFIRMATION)))
    journey.press_button("Confirm and get alerts")
    assert _subscriber(Channel.EMAIL, EMAIL).status == SubscriberStatus.CONFIRMED


@pytest.mark.usefixtures("quick_sign_up")
def test_a_resident_chooses_one_email_a_day(journey: Journey) -> None:
    _first_questions(journey, "By email, once a day")
    journey.fill("What is your email address?", "daily@example.com")
    journey.press_button("Continue")
    assert "Email, once a day at 6pm" in journey.text()
    journey.press_button("Accept and send")
    journey.visit(outbox.path_of_link_in(outbox.latest("daily@example.com", MessageKind.CONFIRMATION)))
    journey.press_button("Confirm and get alerts")
    found = _subscriber(Channel.EMAIL, "daily@example.com")
    assert (found.status, found.digest) == (SubscriberStatus.CONFIRMED, True)


def test_the_contact_centre_signs_up_a_caller_by_phone_who_confirms_with_the_code(
        journey: Journey, factories: Any) -> None:
    factories.StaffUserFactory(email=AGENT, role=Role.CONTACT_CENTRE)
    sign_in(journey, AGENT, start="/staff/lookup")
    journey.follow_link("Sign up a caller by phone")
    journey.press_button("Sign up and send the confirmation", expected_status=400)
    assert "Confirm that the caller agreed" in journey.page.locator(".govuk-error-summary").inner_text()
    journey.fill("Caller's mobile number", MOBILE)
    journey.fill("Caller's postcodes", "DT4 7TA")
    journey.set_checked("I read the caller the statement above and they agreed")
    journey.fill("What the caller said (optional)", "Yes, texts please")
    journey.press_button("Sign up and send the confirmation")
    assert "Ask the caller to read you the code from the text" in journey.text()
    journey.screenshot("staff-phone-sign-up")

    journey.fill("Code the caller reads out from their text",
                 outbox.code_in(outbox.latest(MOBILE, MessageKind.CONFIRMATION)))
    journey.press_button("Confirm")
    assert "Confirmed: the caller will get alerts" in journey.text()
    caller = _subscriber(Channel.SMS, "+447700900321")
    assert caller.status == SubscriberStatus.CONFIRMED and "Yes, texts please" in (caller.consent_record or "")
