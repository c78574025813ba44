import jwt
from freezegun import freeze_time

from alerts.data import subscribers as subscriber_data
from alerts.extensions import db
from alerts.models import Channel, Message, MessageKind, Role, SubscriberStatus
from tests.pages import PageClient
from tests.staff.conftest import post_form, sign_in
from tests.subscribe.conftest import SERVICE_ID, SMS_URL, dispatch_queued, walk_journey


def subscriber(channel: Channel, contact: str):
    db.session.expire_all()
    return subscriber_data.find_subscriber(channel, contact)


def test_the_postcode_from_a_notices_page_link_fills_in_the_first_question(client_request) -> None:
    page = client_request.get("/subscribe?postcode=DT4%207TA")
    assert page.h1 == "What is your postcode?"
    assert page.soup.select_one("#postcode")["value"] == "DT4 7TA"
    assert page.select("a.govuk-back-link")


def test_a_postcode_outside_dorset_gets_a_clear_error_on_the_postcode_question(client_request) -> None:
    client_request.get("/subscribe")
    page = client_request.post_form("/subscribe", {"postcode": "BA1 1AA"})
    assert page.error_summary() == [
        "BA1 1AA is outside Dorset Council’s area. It is covered by Somerset Council. Enter a postcode in Dorset"]
    assert page.title.startswith("Error: What is your postcode?")


def test_an_invalid_postcode_gets_the_gov_uk_message(client_request) -> None:
    client_request.get("/subscribe")
    assert client_request.post_form("/subscribe", {"postcode": "DT99"}).error_summary() == [
        "Enter a full UK postcode, like DT1 1XJ"]


def test_every_service_is_ticked_by_default(client_request) -> None:
    client_request.get("/subscribe")
    client_request.post_form("/subscribe", {"postcode": "DT4 7TA"}, 302)
    page = client_request.get("/subscribe/services")
    assert len(page.select("input[name=services]")) == 10
    assert len(page.select("input[name=services][checked]")) == 10


def test_a_landline_is_refused_with_the_gov_uk_message(client_request) -> None:
    client_request.get("/subscribe")
    client_request.post_form("/subscribe", {"postcode": "DT4 7TA"}, 302)
    client_request.post_form("/subscribe/how", {"channel": "sms"}, 302)
    page = client_request.post_form("/subscribe/contact", {"contact": "01305 221000"})
    assert page.error_summary() == ["Enter a UK mobile number, like 07700 900 982"]


def test_check_your_answers_shows_the_number_the_resident_gave(client_request) -> None:
    # Found by the browser journey: the layout's contact details once hid a page's own `contact`.
    client_request.get("/subscribe")
    client_request.post_form("/subscribe", {"postcode": "DT4 7TA"}, 302)
    client_request.post_form("/subscribe/how", {"channel": "sms"}, 302)
    client_request.post_form("/subscribe/contact", {"contact": "07700 900982", "website": ""}, 302)
    page = client_request.get("/subscribe/check")
    rows = {row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(strip=True)
            for row in page.select(".govuk-summary-list__row")}
    assert rows["Mobile phone number"] == "07700 900982", "as the resident typed it"


def test_a_text_sign_up_sends_exactly_one_confirmation_text_and_nothing_else(client_request, notify, app) -> None:
    walk_journey(client_request, postcodes=("DT4 7TA", "dt1 1xj"))
    [(url, body)] = notify.requests
    assert url == SMS_URL
    message = db.session.query(Message).one()
    assert body == {
        "phone_number": "+447700900982",
        "template_id": app.config["NOTIFY_SMS_TEMPLATE_ID"],
        "personalisation": {"body": f"Your Dorset Council alerts confirmation code is {notify.last_code()}. "
                                    "It expires in 10 minutes. If you did not ask for alerts, ignore this text."},
        "reference": message.id,
    }
    token = notify.mock.calls[0].request.headers["Authorization"].removeprefix("Bearer ")
    assert jwt.decode(token, options={"verify_signature": False})["iss"] == SERVICE_ID
    assert message.kind == MessageKind.CONFIRMATION and message.priority == 0
    found = subscriber(Channel.SMS, "+447700900982")
    assert found.status == SubscriberStatus.PENDING
    assert found.subscriptions == [], "nothing is followed until the number is confirmed"
    assert notify.last_code() not in (found.code_hash or ""), "the code is stored hashed"


def test_the_right_code_confirms_the_sign_up_with_its_areas_and_services(client_request, notify) -> None:
    walk_journey(client_request, postcodes=("DT4 7TA", "DT1 1XJ"), services=["bins-and-recycling", "libraries"])
    page = client_request.get("/subscribe/confirm")
    assert page.h1 == "Check your phone" and "+44 77** ***982" in page.text
    client_request.post_form("/subscribe/confirm", {"code": notify.last_code()}, 302)
    assert client_request.get("/subscribe/done").h1 == "You’ve signed up for alerts"
    found = subscriber(Channel.SMS, "+447700900982")
    assert found.status == SubscriberStatus.CONFIRMED and found.confirmed_at_utc is not None
    assert sorted((s.area_id, s.postcode) for s in found.subscriptions) == [
        ("dorchester", "DT1 1XJ"), ("weymouth", "DT4 7TA")]
    assert not found.all_services and sorted(s.id for s in found.services) == ["bins-and-recycling", "libraries"]
    assert found.consent_source == "web" and found.code_hash is None
    assert len(notify.requests) == 1, "confirming sends nothing"


def test_five_wrong_codes_lock_the_code_and_the_right_one_no_longer_works(client_request, notify) -> None:
    walk_journey(client_request)
    right = notify.last_code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(4):
        page = client_request.post_form("/subscribe/confirm", {"code": wrong})
        assert page.error_summary() == ["The code is not correct. Check the text message and try again"]
    page = client_request.post_form("/subscribe/confirm", {"code": wrong})
    assert "wrong code too many times" in page.error_summary()[0]
    page = client_request.post_form("/subscribe/confirm", {"code": right})
    assert "wrong code too many times" in page.error_summary()[0]
    assert subscriber(Channel.SMS, "+447700900982").status == SubscriberStatus.PENDING


def test_a_code_expires_after_ten_minutes(client_request, notify) -> None:
    with freeze_time("2026-12-07 06:00:00"):
        walk_journey(client_request)
    with freeze_time("2026-12-07 06:10:01"):
        page = client_request.post_form("/subscribe/confirm", {"code": notify.last_code()})
    assert page.error_summary() == ["The code has expired. Ask for a new code"]


def test_a_new_code_replaces_the_old_one(client_request, notify) -> None:
    walk_journey(client_request)
    first = notify.last_code()
    client_request.post_form("/subscribe/confirm/resend", {}, 302, token_from="/subscribe/confirm")
    assert len(notify.texts()) == 2
    second = notify.last_code()
    if first != second:
        assert client_request.post_form("/subscribe/confirm", {"code": first}).error_summary()
    client_request.post_form("/subscribe/confirm", {"code": second}, 302)
    assert subscriber(Channel.SMS, "+447700900982").status == SubscriberStatus.CONFIRMED


def test_an_email_sign_up_confirms_through_the_link(client_request, notify, app) -> None:
    walk_journey(client_request, channel="email", contact="Resident@Example.com")
    assert client_request.get("/subscribe/check-email").h1 == "Check your email"
    [body] = notify.emails()
    message = db.session.query(Message).one()
    assert body == {
        "email_address": "resident@example.com",
        "template_id": app.config["NOTIFY_EMAIL_TEMPLATE_ID"],
        "personalisation": {"subject": "Confirm your email address for Dorset Council alerts",
                            "body": message.body},
        "reference": message.id,
    }
    link = notify.last_link()
    assert link.startswith("/subscribe/confirm-email/")
    page = client_request.get(link)
    assert page.h1 == "Confirm your email address"
    assert subscriber(Channel.EMAIL, "resident@example.com").status == SubscriberStatus.PENDING, (
        "opening the link (as mail scanners do) confirms nothing")
    client_request.post_form(link, {}, 302)
    found = subscriber(Channel.EMAIL, "resident@example.com")
    assert found.status == SubscriberStatus.CONFIRMED
    assert [s.area_id for s in found.subscriptions] == ["weymouth"] and found.all_services
    assert len(notify.requests) == 1


def test_an_expired_email_link_says_so(client_request, notify) -> None:
    with freeze_time("2026-12-07 06:00:00"):
        walk_journey(client_request, channel="email", contact="resident@example.com")
    with freeze_time("2026-12-08 06:00:01"):
        page = client_request.get(notify.last_link(), expected_status=404)
    assert page.h1 == "This link has expired or is not valid"


def test_signing_up_again_with_a_confirmed_contact_adds_to_the_same_subscriber(client_request, notify,
                                                                              factories) -> None:
    existing = factories.SubscriberFactory(channel=Channel.SMS, contact="+447700900982", area_ids=["weymouth"],
                                           all_services=False)
    subscriber_data.set_services(existing, ["libraries"])
    db.session.commit()
    existing_id = existing.id
    walk_journey(client_request, postcodes=("DT6 3AA",), services=["schools"])
    found = subscriber(Channel.SMS, "+447700900982")
    assert [s.area_id for s in found.subscriptions] == ["weymouth"], "nothing changes before confirmation"
    client_request.post_form("/subscribe/confirm", {"code": notify.last_code()}, 302)
    found = subscriber(Channel.SMS, "+447700900982")
    assert found.id == existing_id
    assert sorted(s.area_id for s in found.subscriptions) == ["bridport", "weymouth"]
    assert sorted(s.id for s in found.services) == ["libraries", "schools"]


def test_the_honeypot_refuses_the_sign_up_with_a_clear_page(client_request, notify) -> None:
    client_request.get("/subscribe")
    client_request.post_form("/subscribe", {"postcode": "DT4 7TA"}, 302)
    client_request.post_form("/subscribe/how", {"channel": "sms"}, 302)
    page = client_request.get("/subscribe/contact")
    [trap] = page.select("input[name=website]")
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
    assert page.soup.select_one("label[for=website]").text == "Leave this field empty"
    assert trap.find_parent(class_="govuk-visually-hidden")
    page = client_request.post_form("/subscribe/contact", {"contact": "07700900982", "website": "http://spam"}, 400)
    assert page.h1 == "Sorry, we could not accept your request"
    assert notify.requests == []


def test_a_sign_up_sent_faster_than_a_person_could_is_refused(client_request, notify, config) -> None:
    config["SIGNUP_MIN_FILL_SECONDS"] = 60
    page = walk_journey(client_request, expected_status=429)
    assert "faster than a person" in page.text
    assert notify.requests == [] and db.session.query(Message).count() == 0


def test_without_a_notify_key_the_code_is_in_the_local_outbox_and_the_log(client_request, caplog, app) -> None:
    import logging
    import re

    import responses

    with caplog.at_level(logging.INFO), responses.RequestsMock(assert_all_requests_are_fired=False):
        walk_journey(client_request)  # any HTTP call would fail the test
        dispatch_queued(app)
    message = db.session.query(Message).one()
    assert message.status == "not_sent"
    code = re.search(r"confirmation code is (\d{6})", message.body)[1]
    assert f"confirmation code is {code}" in caplog.text and "+44 77** ***982" in caplog.text
    client_request.post_form("/subscribe/confirm", {"code": code}, 302)
    assert subscriber(Channel.SMS, "+447700900982").status == SubscriberStatus.CONFIRMED


def test_a_code_resent_by_the_contact_centre_confirms_the_resident_on_their_confirm_page(
        client_request, notify, app, factories) -> None:
    walk_journey(client_request)  # the resident waits on "Check your phone"; the first text never arrives
    first = notify.last_code()
    pending = subscriber(Channel.SMS, "+447700900982")
    agent = PageClient(app.test_client())
    sign_in(agent, factories.StaffUserFactory(role=Role.CONTACT_CENTRE))
    post_form(agent, f"/staff/lookup/subscribers/{pending.public_id}/resend-confirmation", {})

    assert len(notify.texts()) == 2 and notify.texts()[-1]["phone_number"] == "+447700900982"
    resent = notify.last_code()
    if resent != first:
        assert client_request.post_form("/subscribe/confirm", {"code": first}).error_summary() == [
            "The code is not correct. Check the text message and try again"], "the new code replaces the old"
    client_request.post_form("/subscribe/confirm", {"code": resent}, 302)
    assert client_request.get("/subscribe/done").h1 == "You’ve signed up for alerts"
    found = subscriber(Channel.SMS, "+447700900982")
    assert found.status == SubscriberStatus.CONFIRMED and [s.area_id for s in found.subscriptions] == ["weymouth"]


def test_a_link_resent_by_the_contact_centre_confirms_the_resident(client_request, notify, app, factories) -> None:
    walk_journey(client_request, channel="email", contact="resident@example.com")
    pending = subscriber(Channel.EMAIL, "resident@example.com")
    agent = PageClient(app.test_client())
    sign_in(agent, factories.StaffUserFactory(role=Role.CONTACT_CENTRE))
    post_form(agent, f"/staff/lookup/subscribers/{pending.public_id}/resend-confirmation", {})

    assert len(notify.emails()) == 2 and notify.emails()[-1]["email_address"] == "resident@example.com"
    client_request.post_form(notify.last_link(), {}, 302)
    assert subscriber(Channel.EMAIL, "resident@example.com").status == SubscriberStatus.CONFIRMED
