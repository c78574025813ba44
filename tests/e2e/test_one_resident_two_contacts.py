"""One person, two ways to reach them, in all three modes with axe at 375 and 1280 px: a sign-up by email and text
whose done pages say truthfully what is confirmed and what waits, managed from either contact (both shown, both
changed), how they get alerts (each contact to change or stop, and the daily email chosen while texts carry
on), then the texts stopped while the email carries on, and everything stopped from the email's link."""

from __future__ import annotations

import pytest

from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel, MessageKind, Subscriber, SubscriberStatus
from tests.e2e import outbox
from tests.e2e.browser import Journey, assert_no_sideways_scroll

pytestmark = pytest.mark.e2e

EMAIL = "one.person@example.com"
MOBILE = "07700 900 654"
MOBILE_E164 = "+447700900654"


def _subscriber(channel: Channel, contact: str) -> Subscriber:
    db.session.rollback()
    found = subscriber_data.find_subscriber(channel, contact)
    assert found is not None
    return found


def _areas(channel: Channel, contact: str) -> set[str]:
    return {s.area_id for s in _subscriber(channel, contact).subscriptions}


@pytest.mark.usefixtures("quick_sign_up")
def test_one_person_signs_up_by_email_and_text_and_manages_both_from_either(journey: Journey) -> None:
    journey.visit("/subscribe")
    journey.fill("What is your postcode?", "DT4 7TA")
    journey.press_button("Continue")
    journey.choose("No")
    journey.press_button("Continue")
    journey.press_button("Continue")  # every service
    journey.choose("By email and by text message")
    journey.press_button("Continue")
    journey.fill("What is your email address?", EMAIL)
    journey.press_button("Continue")
    journey.fill("What is your mobile phone number?", MOBILE)
    journey.press_button("Continue")
    journey.press_button("Accept and send")

    # The text is confirmed first: the done page says so, and that the email still waits.
    journey.fill("Enter the code", outbox.code_in(outbox.latest(MOBILE_E164, MessageKind.CONFIRMATION)))
    journey.press_button("Continue")
    assert "We’ll text you" in journey.text()
    assert ("We’ve emailed o***@example.com a link. Your email alerts start once you open it and confirm."
            in journey.text())
    journey.screenshot("resident-done-email-waits")

    # Then the email: the done page no longer says it waits, and names the texts as well.
    journey.visit(outbox.path_of_link_in(outbox.latest(EMAIL, MessageKind.CONFIRMATION)))
    journey.press_button("Confirm and get alerts")
    assert "We’ll email you" in journey.text() and "open it and confirm" not in journey.text()
    assert "You’ll also get alerts at +44 77** ***654" in journey.text()
    email, text = _subscriber(Channel.EMAIL, EMAIL), _subscriber(Channel.SMS, MOBILE_E164)
    assert email.resident_id == text.resident_id is not None

    # Managed from the mobile: both contacts shown, and a place added reaches both.
    journey.visit("/manage")
    journey.fill("What is your email address or mobile phone number?", MOBILE)
    journey.press_button("Continue")
    journey.fill("Enter the code", outbox.code_in(outbox.latest(MOBILE_E164, MessageKind.MANAGE_LINK)))
    journey.press_button("Continue")
    assert journey.heading() == "Your alerts"
    assert f"Email to {EMAIL}" in journey.text() and f"Text message to {MOBILE_E164}" in journey.text()
    journey.follow_link("Add a place")
    journey.fill("Add a postcode", "DT5 1AA")
    journey.press_button("Add postcode")
    assert journey.heading() == "Your alerts"
    assert _areas(Channel.EMAIL, EMAIL) == _areas(Channel.SMS, MOBILE_E164) == {"weymouth", "portland"}
    journey.screenshot("resident-manage-both")
    assert_no_sideways_scroll(journey)

    # Managed from the email: the same alerts; the texts are stopped and the page says the email carries on.
    journey.visit("/manage")
    journey.fill("What is your email address or mobile phone number?", EMAIL)
    journey.press_button("Continue")
    journey.visit(outbox.path_of_link_in(outbox.latest(EMAIL, MessageKind.MANAGE_LINK)))
    assert "Portland" in journey.text() and f"Text message to {MOBILE_E164}" in journey.text()

    # How they get alerts: each contact to change or stop, and how often emails come (texts carry on, and say so).
    journey.follow_link(f"Change how you get alerts by email to {EMAIL}")
    assert journey.heading() == "How you get alerts"
    assert not journey.page.get_by_label("By text message").count(), "no choice that replaces the other contact"
    journey.screenshot("resident-channel-both")
    assert_no_sideways_scroll(journey)
    journey.choose("One email a day")
    journey.press_button("Save")
    assert journey.heading() == "Your alerts"
    assert (f"You’ll get one email a day, at about 6pm. Your text messages to {MOBILE_E164} carry on as before."
            in journey.text())
    assert _subscriber(Channel.EMAIL, EMAIL).digest
    assert _subscriber(Channel.SMS, MOBILE_E164).status == SubscriberStatus.CONFIRMED
    journey.follow_link(f"Stop text messages to {MOBILE_E164}")
    assert journey.heading() == f"Stop alerts by text message to {MOBILE_E164}?"
    assert f"You’ll still get alerts by email to {EMAIL}." in journey.text()
    journey.press_button("Stop these alerts")
    assert journey.heading() == "Your alerts"
    assert (f"Alerts by text message to {MOBILE_E164} have stopped. You’ll still get alerts by email to {EMAIL}."
            in journey.text())
    assert f"Text message to {MOBILE_E164}" not in journey.text()
    assert _subscriber(Channel.SMS, MOBILE_E164).status == SubscriberStatus.UNSUBSCRIBED
    assert _subscriber(Channel.EMAIL, EMAIL).status == SubscriberStatus.CONFIRMED
    journey.screenshot("resident-one-channel-stopped")

    # The email's own link now stops the rest: with one contact left, that is every alert.
    journey.follow_link("Unsubscribe from all alerts")
    journey.press_button("Stop my alerts")
    assert journey.heading() == "You’ve unsubscribed"
    assert _subscriber(Channel.EMAIL, EMAIL).status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.usefixtures("quick_sign_up")
def test_an_unsubscribe_link_stops_one_contact_and_offers_stop_all(journey: Journey) -> None:
    from alerts import links
    from alerts.data.subscribers import AreaChoice
    from alerts.services import signups
    from alerts.services.signups import SignUp

    area = [AreaChoice("weymouth", "DT4 7TA")]
    recorded = signups.record_sign_ups([
        SignUp(channel=Channel.EMAIL, contact=EMAIL, areas=area, service_ids=None, source="web"),
        SignUp(channel=Channel.SMS, contact=MOBILE_E164, areas=area, service_ids=None, source="web")])
    for subscriber in recorded:
        signups.apply_confirmation(subscriber)
    db.session.commit()
    text_id, version = recorded[1].id, recorded[1].token_version
    journey.visit("/unsubscribe/" + links.make_token(links.UNSUBSCRIBE, text_id, version))
    assert journey.heading() == "Are you sure you want to stop alerts by text message to +44 77** ***654?"
    assert "You’ll still get alerts by email to o***@example.com" in journey.text()
    journey.press_button("Stop these alerts")
    assert journey.heading() == "Alerts by text message to +44 77** ***654 have stopped"
    assert "You’ll still get alerts by email to o***@example.com" in journey.text()
    assert "You will not get any more alerts" not in journey.text()
    journey.screenshot("resident-unsubscribed-one")
    journey.press_button("Stop all alerts")
    assert journey.heading() == "You’ve unsubscribed"
    assert _subscriber(Channel.EMAIL, EMAIL).status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.usefixtures("quick_sign_up")
def test_a_number_added_on_the_manage_page_is_said_to_be_added(journey: Journey) -> None:
    from alerts import links
    from alerts.data.subscribers import AreaChoice
    from alerts.services import signups
    from alerts.services.signups import SignUp

    [alone] = signups.record_sign_ups([SignUp(channel=Channel.EMAIL, contact=EMAIL, service_ids=None, source="web",
                                              areas=[AreaChoice("weymouth", "DT4 7TA")])])
    signups.apply_confirmation(alone)
    db.session.commit()
    journey.visit("/manage/" + links.make_token(links.MANAGE, alone.id, alone.token_version))
    journey.follow_link("Add a mobile number for text messages")
    journey.fill("What is your mobile phone number?", MOBILE)
    journey.press_button("Continue")
    journey.fill("Enter the code", outbox.code_in(outbox.latest(MOBILE_E164, MessageKind.CONFIRMATION)))
    journey.press_button("Continue")
    assert journey.heading() == "Mobile number added to your alerts"
    assert "+44 77** ***654 is confirmed" in journey.text() and "signed up" not in journey.text()
    journey.screenshot("resident-number-added")
    assert _subscriber(Channel.SMS, MOBILE_E164).resident_id == _subscriber(Channel.EMAIL, EMAIL).resident_id
