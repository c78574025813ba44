"""Managing one person's alerts from any of their contacts: both shown, both changed, one stopped while the other
carries on (and says so), stop all, and a contact added only once it is confirmed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from alerts import links
from alerts.data.subscribers import AreaChoice
from alerts.extensions import db
from alerts.models import Channel, Subscriber, SubscriberStatus
from alerts.services import signups
from alerts.services.signups import SignUp


@pytest.fixture
def pair() -> tuple[Subscriber, Subscriber]:
    """One person signed up by email and by text, both confirmed."""
    area = [AreaChoice("weymouth", "DT4 7TA")]
    recorded = signups.record_sign_ups([
        SignUp(channel=Channel.EMAIL, contact="pair@example.com", areas=area, service_ids=None, source="web",
               digest=False),
        SignUp(channel=Channel.SMS, contact="+447700900444", areas=area, service_ids=None, source="web")])
    for subscriber in recorded:
        signups.apply_confirmation(subscriber)
    db.session.commit()
    return recorded[0], recorded[1]


def _manage(subscriber: Subscriber) -> str:
    db.session.refresh(subscriber)
    return "/manage/" + links.make_token(links.MANAGE, subscriber.id, subscriber.token_version)


def _named(token: str) -> int:
    return links.read_token(links.MANAGE, token).subscriber_id


def _unsubscribe(subscriber: Subscriber) -> str:
    return "/unsubscribe/" + links.make_token(links.UNSUBSCRIBE, subscriber.id, subscriber.token_version)


def _sent_to(page) -> list[str]:
    return [row.select("dd")[0].get_text(strip=True) for row in page.select(".govuk-summary-list__row")
            if "ent to" in row.select("dt")[0].get_text()]


@pytest.mark.parametrize("from_channel", [Channel.EMAIL, Channel.SMS])
def test_managing_from_either_contact_shows_both_and_changes_both(client_request, pair, from_channel) -> None:
    email, text = pair
    acting = email if from_channel == Channel.EMAIL else text
    page = client_request.get(_manage(acting))
    assert _sent_to(page) == ["Email to pair@example.com", "Text message to +447700900444"]
    client_request.post_form(_manage(acting) + "/postcodes", {"postcode": "DT5 1AA"}, 302)
    for contact in (email, text):
        db.session.refresh(contact)
        assert {s.area_id for s in contact.subscriptions} == {"weymouth", "portland"}
    services = ["bins-and-recycling"]
    client_request.post_form(_manage(acting) + "/services", {"services": services}, 302)
    for contact in (email, text):
        db.session.refresh(contact)
        assert [s.id for s in contact.services] == services and not contact.all_services


def test_a_contact_on_its_own_is_managed_as_before(client_request, factories) -> None:
    alone = factories.SubscriberFactory(contact="alone@example.com")
    page = client_request.get(_manage(alone))
    assert _sent_to(page) == ["Email to alone@example.com"]
    assert page.select("a[href$='/add/sms']")[0].text == "Add a mobile number for text messages"
    assert "Unsubscribe from all alerts" in page.text


def test_stopping_one_contact_on_the_manage_page_says_the_other_continues(client_request, pair) -> None:
    email, text = pair
    question = client_request.get(f"{_manage(email)}/contacts/{text.public_id}/stop")
    assert question.h1 == "Stop alerts by text message to +447700900444?"
    assert question.select("#carry-on")[0].text == "You’ll still get alerts by email to pair@example.com."
    response = client_request.post_form(f"{_manage(email)}/contacts/{text.public_id}/stop", {}, 302)
    page = client_request.get(response.response.headers["Location"])
    assert ("Saved. Alerts by text message to +447700900444 have stopped. You’ll still get alerts by email to "
            "pair@example.com.") in page.text
    assert _sent_to(page) == ["Email to pair@example.com"]
    db.session.refresh(text)
    assert text.status == SubscriberStatus.UNSUBSCRIBED


def test_stopping_the_contact_whose_link_is_open_carries_on_from_the_other(client_request, pair) -> None:
    email, text = pair
    response = client_request.post_form(f"{_manage(text)}/contacts/{text.public_id}/stop", {}, 302)
    assert response.response.headers["Location"] == _manage(email)


def test_stop_all_from_the_manage_page_stops_every_contact(client_request, pair) -> None:
    email, text = pair
    question = client_request.get(f"{_manage(text)}/stop")
    assert [li.text for li in question.select("#stopping li")] == [
        "email to pair@example.com", "text message to +447700900444"]
    done = client_request.post_form(f"{_manage(text)}/stop", {})
    assert done.h1 == "You’ve unsubscribed"
    db.session.refresh(email)
    db.session.refresh(text)
    assert {email.status, text.status} == {SubscriberStatus.UNSUBSCRIBED}


def test_unsubscribing_by_a_text_link_names_the_email_that_carries_on_and_offers_stop_all(client_request,
                                                                                           pair) -> None:
    email, text = pair
    question = client_request.get(_unsubscribe(text))
    assert question.h1 == "Are you sure you want to stop alerts by text message to +44 77** ***444?"
    assert "You’ll still get alerts by email to p***@example.com" in question.select("#carry-on")[0].text
    done = client_request.post(_unsubscribe(text), {})
    assert done.h1 == "Alerts by text message to +44 77** ***444 have stopped"
    assert "You’ll still get alerts by email to p***@example.com" in done.select(".govuk-panel")[0].text
    assert "You will not get any more alerts" not in done.text
    db.session.refresh(email)
    assert email.status == SubscriberStatus.CONFIRMED
    token = done.select("input[name=csrf_token]")[0]["value"]
    everything = client_request.post("/unsubscribe/others", {"csrf_token": token})
    assert everything.h1 == "You’ve unsubscribed"
    db.session.refresh(email)
    assert email.status == SubscriberStatus.UNSUBSCRIBED


def test_stop_all_after_an_unsubscribe_link_needs_that_browser(client, client_request, pair) -> None:
    email, _text = pair
    token = client_request.csrf_token("/subscribe")
    client_request.post("/unsubscribe/others", {"csrf_token": token}, 302)  # nothing stopped in this browser
    db.session.refresh(email)
    assert email.status == SubscriberStatus.CONFIRMED


def test_a_contact_added_on_the_manage_page_is_linked_only_once_confirmed(client_request, factories,
                                                                          notify) -> None:
    alone = factories.SubscriberFactory(contact="solo@example.com", area_ids=["weymouth", "portland"])
    assert client_request.get(_manage(alone) + "/add/sms").h1 == "What is your mobile phone number?"
    response = client_request.post_form(_manage(alone) + "/add/sms", {"contact": "07700 900 555", "website": ""},
                                        302)
    assert response.response.headers["Location"].endswith("/subscribe/confirm")
    added = db.session.scalar(select(Subscriber).where(Subscriber.contact == "+447700900555"))
    assert added is not None and added.status == SubscriberStatus.PENDING and added.resident_id is None
    assert _sent_to(client_request.get(_manage(alone))) == ["Email to solo@example.com"]  # not until confirmed
    texts = notify.texts()
    assert texts[-1]["phone_number"] == "+447700900555"
    client_request.post_form("/subscribe/confirm", {"code": notify.last_code()}, 302)
    db.session.refresh(added)
    assert added.status == SubscriberStatus.CONFIRMED and added.resident_id is not None
    assert {s.area_id for s in added.subscriptions} == {"weymouth", "portland"}
    assert _sent_to(client_request.get(_manage(alone))) == [
        "Email to solo@example.com", "Text message to +447700900555"]
    done = client_request.get("/subscribe/done")
    assert "You’ll also get alerts at s***@example.com" in done.select("#also-on")[0].text


@pytest.mark.parametrize("from_channel", [Channel.EMAIL, Channel.SMS])
def test_the_channel_page_for_two_contacts_shows_each_with_change_and_stop(client_request, pair,
                                                                           from_channel) -> None:
    email, text = pair
    acting = email if from_channel == Channel.EMAIL else text
    page = client_request.get(_manage(acting) + "/channel")
    assert page.h1 == "How you get alerts"
    rows = page.select(".govuk-summary-list__row")
    assert [row.select("dd")[0].get_text(strip=True) for row in rows] == ["pair@example.com", "+447700900444"]
    actions = [(a.get_text(" ", strip=True), a["href"].split("/")) for a in
               page.select(".govuk-summary-list__actions a")]
    # Each contact is changed through its own manage link, and stopped (after a question) through this one.
    assert [(words, _named(href[2]), href[3:]) for words, href in actions] == [
        ("Change email address pair@example.com", email.id, ["contact?channel=email"]),
        ("Stop alerts by email to pair@example.com", acting.id, ["contacts", email.public_id, "stop"]),
        ("Change mobile number +447700900444", text.id, ["contact?channel=sms"]),
        ("Stop alerts by text message to +447700900444", acting.id, ["contacts", text.public_id, "stop"])]
    assert [r["value"] for r in page.select("input[name=frequency]")] == ["each", "daily"]
    assert page.select("input[name=frequency][value=each]")[0].has_attr("checked")
    assert not page.select("input[name=channel]"), "no choice that would silently replace or keep a contact"
    assert not page.select("a[href*='/add/']"), "they have both already"


def test_the_daily_email_chosen_on_the_two_contact_page_keeps_the_texts_and_says_so(client_request, pair) -> None:
    email, text = pair
    response = client_request.post_form(_manage(text) + "/channel", {"frequency": "daily"}, 302)
    db.session.refresh(email)
    db.session.refresh(text)
    assert (email.digest, text.status) == (True, SubscriberStatus.CONFIRMED)
    page = client_request.get(response.response.headers["Location"])
    assert ("Saved. You’ll get one email a day, at about 6pm. Your text messages to +447700900444 carry on as "
            "before.") in page.text


def test_text_messages_only_from_an_older_page_stops_the_email_and_says_so(client_request, pair, notify) -> None:
    """A choice for one channel only (from the page as it was when they had one contact) keeps the number they
    have, rather than asking for a new one, and stops the email rather than leaving it going."""
    email, text = pair
    response = client_request.post_form(_manage(email) + "/channel", {"channel": "sms"}, 302)
    assert response.response.headers["Location"] == _manage(text)
    db.session.refresh(email)
    db.session.refresh(text)
    assert (email.status, text.status) == (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.CONFIRMED)
    assert db.session.scalar(select(Subscriber).where(Subscriber.status == SubscriberStatus.PENDING)) is None
    assert notify.texts() == []
    page = client_request.get(response.response.headers["Location"])
    assert ("Saved. Alerts by email to pair@example.com have stopped. You’ll get alerts by text message to "
            "+447700900444.") in page.text
    assert _sent_to(page) == ["Text message to +447700900444"]


def test_the_daily_email_only_from_an_older_page_stops_the_texts_and_says_so(client_request, pair) -> None:
    email, text = pair
    response = client_request.post_form(_manage(text) + "/channel", {"channel": "email_digest"}, 302)
    assert response.response.headers["Location"] == _manage(email)
    db.session.refresh(email)
    db.session.refresh(text)
    assert (email.digest, email.status, text.status) == (True, SubscriberStatus.CONFIRMED,
                                                         SubscriberStatus.UNSUBSCRIBED)
    page = client_request.get(response.response.headers["Location"])
    assert ("Saved. Alerts by text message to +447700900444 have stopped. You’ll get alerts by email to "
            "pair@example.com, one email a day at about 6pm.") in page.text


def test_email_only_from_an_older_page_by_a_person_with_two_addresses_stops_nothing(client_request) -> None:
    area = [AreaChoice("weymouth", "DT4 7TA")]
    recorded = signups.record_sign_ups([
        SignUp(channel=Channel.EMAIL, contact=f"{name}@example.com", areas=area, service_ids=None, source="web",
               digest=False) for name in ("home", "work")])
    for subscriber in recorded:
        signups.apply_confirmation(subscriber)
    db.session.commit()
    response = client_request.post_form(_manage(recorded[0]) + "/channel", {"channel": "email_digest"}, 302)
    page = client_request.get(response.response.headers["Location"])
    assert "Saved. You’ll get one email a day, at about 6pm." in page.text and "have stopped" not in page.text
    for contact in recorded:
        db.session.refresh(contact)
        assert (contact.status, contact.digest) == (SubscriberStatus.CONFIRMED, True)


def test_a_new_number_for_one_contact_joins_the_same_person(client_request, pair, notify) -> None:
    email, text = pair
    client_request.post_form(_manage(text) + "/contact?channel=sms", {"contact": "07700 900 666", "website": ""},
                             302)
    client_request.post_form("/subscribe/confirm", {"code": notify.last_code()}, 302)
    new = db.session.scalar(select(Subscriber).where(Subscriber.contact == "+447700900666"))
    db.session.refresh(text)
    assert text.status == SubscriberStatus.UNSUBSCRIBED
    assert _sent_to(client_request.get(_manage(email))) == [
        "Email to pair@example.com", "Text message to +447700900666"]
    assert new is not None and new.resident_id == email.resident_id


def test_choosing_email_and_text_on_the_manage_page_adds_the_missing_contact(client_request, factories) -> None:
    alone = factories.SubscriberFactory(contact="solo@example.com")
    response = client_request.post_form(_manage(alone) + "/channel", {"channel": "both"}, 302)
    assert response.response.headers["Location"].endswith("/add/sms")


def test_the_done_page_after_adding_a_number_says_it_was_added_and_is_confirmed(client_request, factories,
                                                                                notify) -> None:
    alone = factories.SubscriberFactory(contact="solo@example.com")
    client_request.post_form(_manage(alone) + "/add/sms", {"contact": "07700 900 556", "website": ""}, 302)
    client_request.post_form("/subscribe/confirm", {"code": notify.last_code()}, 302)
    done = client_request.get("/subscribe/done")
    assert done.h1 == "Mobile number added to your alerts"
    panel = done.select(".govuk-panel__body")[0].get_text(" ", strip=True)
    assert panel == "+44 77** ***556 is confirmed. We’ll text it the same alerts as your other contacts"
    assert "signed up" not in done.text


def test_the_done_page_after_adding_an_email_says_it_was_added_and_is_confirmed(client_request, factories) -> None:
    alone = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900557")
    client_request.post_form(_manage(alone) + "/add/email", {"contact": "added@example.com", "website": ""}, 302)
    waiting = client_request.get("/subscribe/check-email")
    assert "Your email address is added to your alerts once you confirm it" in waiting.text
    added = db.session.scalar(select(Subscriber).where(Subscriber.contact == "added@example.com"))
    assert added is not None
    link = "/subscribe/confirm-email/" + links.make_token(links.CONFIRM_EMAIL, added.id, added.token_version)
    client_request.post_form(link, {}, 302)
    done = client_request.get("/subscribe/done")
    assert done.h1 == "Email address added to your alerts"
    panel = done.select(".govuk-panel__body")[0].get_text(" ", strip=True)
    assert panel == "a***@example.com is confirmed. We’ll email it the same alerts as your other contacts"
